import type { RejectionReason } from "@ingest/shared";
import type { CorpusFile } from "./hostile-corpus.ts";

/**
 * What must become of each hostile file: refused at the API (`400` empty, `415` not one of our
 * formats by its bytes), or accepted (201) and then `ready` or rejected with a reason. A `ready`
 * file is also checked for what is served: no EXIF, XMP, GPS, comment or trailing payload.
 */
export type Expected = { readonly api: 400 | 415 } | { readonly api: 201; readonly worker: "ready" | RejectionReason };

export const HOSTILE_FILES: Readonly<Record<CorpusFile, Expected & { readonly what: string }>> = {
  pngPlain: { what: "an ordinary PNG", api: 201, worker: "ready" },
  pngInterlaced: { what: "an interlaced (Adam7) PNG", api: 201, worker: "ready" },
  png16Bit: { what: "a 16-bit-per-channel PNG", api: 201, worker: "ready" },
  pngPalette: { what: "a palette PNG", api: 201, worker: "ready" },
  pngGreyAlpha: { what: "a grey + alpha PNG", api: 201, worker: "ready" },
  pngOnePixel: { what: "a 1×1 PNG", api: 201, worker: "ready" },
  pngHugeMetadata: { what: "a PNG with 1 MiB of zTXt, eXIf with GPS, tEXt and a trailing script", api: 201, worker: "ready" },
  pngAnimated: { what: "an animated PNG (APNG)", api: 201, worker: "ready" },
  pngZipAppended: { what: "a PNG with a ZIP appended (polyglot)", api: 201, worker: "ready" },
  pngBadCrcLastIdat: { what: "a PNG whose (last) IDAT has a bad CRC", api: 201, worker: "corrupt" },
  pngBadCrcText: { what: "a PNG whose tEXt chunk has a bad CRC", api: 201, worker: "corrupt" },
  pngBadCrcIend: { what: "a PNG whose IEND has a bad CRC", api: 201, worker: "corrupt" },
  pngNoIend: { what: "a PNG without IEND", api: 201, worker: "corrupt" },
  pngTruncated: { what: "a PNG cut at 60 %", api: 201, worker: "corrupt" },
  pngPixelFlood: { what: "a tiny PNG claiming 16383×16383", api: 201, worker: "too_many_pixels" },
  pngPixelFloodHuge: { what: "a tiny PNG claiming 100000×100000", api: 201, worker: "too_many_pixels" },
  pngHtmlPolyglot: { what: "a PNG signature and header, then an HTML page", api: 201, worker: "corrupt" },
  pngChunkOverflow: { what: "a PNG chunk declaring 2 GiB", api: 201, worker: "corrupt" },
  jpegBaseline: { what: "a baseline JPEG", api: 201, worker: "ready" },
  jpegProgressive: { what: "a progressive JPEG", api: 201, worker: "ready" },
  jpegCmyk: { what: "a CMYK JPEG", api: 201, worker: "ready" },
  jpegGrey: { what: "a greyscale JPEG", api: 201, worker: "ready" },
  jpegExifGpsRotated: { what: "a JPEG with GPS EXIF and orientation 6", api: 201, worker: "ready" },
  jpegHugeMetadata: { what: "a JPEG with 600 KiB of comments", api: 201, worker: "ready" },
  jpegHtmlAppended: { what: "a JPEG with an HTML page appended", api: 201, worker: "ready" },
  jpegTruncated: { what: "a JPEG cut at 70 %", api: 201, worker: "corrupt" },
  jpegPaddedEnd: { what: "a JPEG whose end is missing, padded with zeros", api: 201, worker: "corrupt" },
  jpeg12Bit: { what: "a 12-bit JPEG", api: 201, worker: "unsupported_variant" },
  jpegLossless: { what: "a lossless JPEG (SOF3)", api: 201, worker: "unsupported_variant" },
  jpegHierarchical: { what: "a hierarchical JPEG (SOF5)", api: 201, worker: "unsupported_variant" },
  webpLossy: { what: "a lossy WebP", api: 201, worker: "ready" },
  webpLossless: { what: "a lossless WebP", api: 201, worker: "ready" },
  webpAnimated: { what: "an animated WebP", api: 201, worker: "ready" },
  webpMetadata: { what: "a WebP with EXIF (GPS) and XMP", api: 201, worker: "ready" },
  webpRiffTooBig: { what: "a WebP whose RIFF size is past the file", api: 201, worker: "corrupt" },
  webpTruncated: { what: "a WebP cut at 80 %", api: 201, worker: "corrupt" },
  webpPixelFlood: { what: "a tiny WebP claiming 16383×16383", api: 201, worker: "too_many_pixels" },
  webpTrailing: { what: "a WebP with an HTML page after the RIFF", api: 201, worker: "ready" },
  gif: { what: "a GIF", api: 415 },
  svg: { what: "an SVG with a script", api: 415 },
  html: { what: "an HTML page", api: 415 },
  pdf: { what: "a PDF", api: 415 },
  empty: { what: "zero bytes", api: 400 },
};
