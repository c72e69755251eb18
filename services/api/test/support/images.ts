import sharp from "sharp";

/** Real, decodable images made with sharp (a test-only dependency; the API never decodes). */
export async function imageBytes(format: "png" | "jpeg" | "webp" | "gif", width = 32, height = 24): Promise<Buffer> {
  const base = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 60 } } });
  return base.toFormat(format).toBuffer();
}

/** Pads bytes to an exact size; the magic bytes (all the API looks at) stay as they are. */
export function padTo(bytes: Buffer, size: number): Buffer {
  if (bytes.length > size) throw new Error(`image is already ${bytes.length} bytes`);
  return Buffer.concat([bytes, Buffer.alloc(size - bytes.length)]);
}

export const NOT_IMAGES = {
  html: Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>"),
  svg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'),
  pdf: Buffer.from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"),
} as const;
