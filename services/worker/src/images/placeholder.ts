import { rgbaToThumbHash } from "thumbhash";

/** A ThumbHash (base64, ~25 bytes) of a small RGBA rendering: enough to paint a blurred preview. */
export function thumbHashBase64(rgba: { data: Uint8Array; width: number; height: number }): string {
  return Buffer.from(rgbaToThumbHash(rgba.width, rgba.height, rgba.data)).toString("base64");
}

/** `#rrggbb` for a colour given as 0–255 channels. */
export function toHexColor({ r, g, b }: { r: number; g: number; b: number }): string {
  const hex = (value: number) =>
    Math.max(0, Math.min(255, Math.round(value)))
      .toString(16)
      .padStart(2, "0");
  return `#${hex(r)}${hex(g)}${hex(b)}`;
}
