import sharp from "sharp";

/**
 * Deterministic photo-like test images, made by the bench itself: smooth colour fields (a small
 * seeded grid blown up with a cubic kernel) plus seeded grain, so the encoders meet what cameras
 * produce (no flat areas to compress away) and every run measures the same bytes.
 */
export interface Photo {
  readonly name: string;
  readonly format: "jpeg" | "png" | "webp";
  readonly width: number;
  readonly height: number;
  readonly bytes: Buffer;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function pixels(width: number, height: number, seed: number, grain: number): Promise<Buffer> {
  const random = mulberry32(seed);
  const grid = Buffer.alloc(48 * 36 * 3);
  for (let i = 0; i < grid.length; i++) grid[i] = Math.floor(random() * 256);
  const base = await sharp(grid, { raw: { width: 48, height: 36, channels: 3 } }).resize(width, height, { fit: "fill", kernel: "cubic" }).raw().toBuffer();
  for (let i = 0; i < base.length; i++) {
    const noisy = base[i]! + (random() - 0.5) * grain;
    base[i] = Math.max(0, Math.min(255, noisy));
  }
  return base;
}

async function make(name: string, format: Photo["format"], width: number, height: number, seed: number, grain: number): Promise<Photo> {
  const raw = sharp(await pixels(width, height, seed, grain), { raw: { width, height, channels: 3 } });
  const encoded = format === "jpeg" ? raw.jpeg({ quality: 88 }) : format === "png" ? raw.png({ compressionLevel: 6 }) : raw.webp({ quality: 85 });
  return { name, format, width, height, bytes: await encoded.toBuffer() };
}

/** The set the issue names: JPEGs of about 1 MB, 4.5 MB and 12 MP, a PNG and a WebP. */
export async function makePhotos(): Promise<Record<"jpeg1mb" | "jpeg4mb" | "jpeg12mp" | "png" | "webp", Photo>> {
  return {
    jpeg1mb: await make("1 MB JPEG", "jpeg", 2000, 1500, 1, 40),
    jpeg4mb: await make("4.5 MB JPEG", "jpeg", 3600, 2700, 2, 78),
    jpeg12mp: await make("12 MP JPEG", "jpeg", 4000, 3000, 3, 16),
    png: await make("PNG", "png", 1000, 750, 4, 12),
    webp: await make("WebP", "webp", 2000, 1500, 5, 24),
  };
}
