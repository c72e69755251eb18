import { inflate } from "node:zlib";

/**
 * Finds a palette PNG pixel that indexes past the end of its palette. The PNG spec (11.2.3)
 * calls that an error, but libspng and libpng decode such a file anyway (as black, or whatever
 * the decoder picks), so the served original would look different from one viewer to the next;
 * it is refused as corrupt instead. Only palettes shorter than the bit depth allows can be
 * overrun, so most files cost nothing here. Run after the decode has held the file to the pixel
 * limit, which bounds what is inflated; the inflate runs off the main thread.
 * Expects a file whose chunks were already checked. Returns what is wrong, or null.
 */
export async function findPaletteIndexDefect(bytes: Uint8Array): Promise<string | null> {
  const png = readPalettePng(bytes);
  if (!png || png.entries >= 1 << png.depth) return null;
  const passes = png.interlaced ? adam7Passes(png.width, png.height) : [{ width: png.width, height: png.height }];
  const rowBytes = (width: number) => 1 + Math.ceil((width * png.depth) / 8);
  const size = passes.reduce((sum, pass) => sum + (pass.width === 0 ? 0 : pass.height * rowBytes(pass.width)), 0);
  let data: Buffer;
  try {
    data = await new Promise<Buffer>((resolve, reject) => inflate(png.idat, { maxOutputLength: Math.max(size, 1) }, (error, out) => (error ? reject(error) : resolve(out))));
  } catch {
    return "the image data does not inflate to the rows its header declares";
  }
  if (data.length < size) return "the image data ends before its last row";

  let offset = 0;
  for (const pass of passes) {
    if (pass.width === 0) continue;
    const length = rowBytes(pass.width) - 1;
    let previous: Uint8Array = new Uint8Array(length);
    for (let y = 0; y < pass.height; y++, offset += length + 1) {
      const row = data.subarray(offset + 1, offset + 1 + length);
      if (!unfilter(data[offset]!, row, previous)) return `row filter type ${data[offset]} does not exist`;
      const index = maxIndex(row, pass.width, png.depth);
      if (index >= png.entries) return `a pixel uses palette entry ${index}, the palette has ${png.entries}`;
      previous = row;
    }
  }
  return null;
}

interface PalettePng {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly interlaced: boolean;
  readonly entries: number;
  readonly idat: Buffer;
}

function readPalettePng(bytes: Uint8Array): PalettePng | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 33 || bytes[25] !== 3) return null; // IHDR's colour type: 3 is palette
  const idat: Uint8Array[] = [];
  let entries = 0;
  for (let offset = 8; offset + 12 <= bytes.length; offset += 12 + view.getUint32(offset)) {
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + view.getUint32(offset));
    if (type === "PLTE") entries = data.length / 3;
    if (type === "IDAT") idat.push(data);
    if (type === "IEND") break;
  }
  return { width: view.getUint32(16), height: view.getUint32(20), depth: bytes[24]!, interlaced: bytes[28] === 1, entries, idat: Buffer.concat(idat) };
}

/** The seven Adam7 passes' sizes: each takes every dx-th pixel from x0 of every dy-th row from y0. */
function adam7Passes(width: number, height: number): { width: number; height: number }[] {
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ] as const;
  return passes.map(([x0, y0, dx, dy]) => ({ width: Math.ceil(Math.max(0, width - x0) / dx), height: Math.ceil(Math.max(0, height - y0) / dy) }));
}

/** Undoes a row's filter in place; palette samples are a byte or less, so the left neighbour is the previous byte. */
function unfilter(type: number, row: Uint8Array, previous: Uint8Array): boolean {
  if (type > 4) return false;
  for (let i = 0; i < row.length; i++) {
    const left = i > 0 ? row[i - 1]! : 0;
    const up = previous[i]!;
    const upLeft = i > 0 ? previous[i - 1]! : 0;
    if (type === 1) row[i] = row[i]! + left;
    else if (type === 2) row[i] = row[i]! + up;
    else if (type === 3) row[i] = row[i]! + ((left + up) >> 1);
    else if (type === 4) row[i] = row[i]! + paeth(left, up, upLeft);
  }
  return true;
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
}

/** The largest index among a row's first `width` samples (the bits after them are padding). */
function maxIndex(row: Uint8Array, width: number, depth: number): number {
  let max = 0;
  if (depth === 8) {
    for (let x = 0; x < width; x++) max = Math.max(max, row[x]!);
    return max;
  }
  const mask = (1 << depth) - 1;
  for (let x = 0; x < width; x++) {
    const bit = x * depth;
    max = Math.max(max, (row[bit >> 3]! >> (8 - depth - (bit & 7))) & mask);
  }
  return max;
}
