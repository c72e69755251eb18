/**
 * The widths to render for an upright image `imageWidth` pixels wide. Every configured width the
 * image can fill, never an upscale; plus the image's own width when it falls short of the largest
 * configured one, so a 1000 px image gets 320, 640 and 1000 and a 200 px one still gets a 200.
 */
export function derivativeWidths(imageWidth: number, configured: readonly number[]): number[] {
  const sorted = [...new Set(configured)].sort((a, b) => a - b);
  const largest = sorted.at(-1);
  const widths = sorted.filter((width) => width <= imageWidth);
  if (largest !== undefined && imageWidth < largest && !widths.includes(imageWidth)) widths.push(imageWidth);
  return widths;
}
