import type { ConformanceSourceName } from "./conformance/conformance-sources.ts";
import type { Expected } from "./support/file-verdict.ts";

/**
 * What must become of each conformance file: test images that other projects wrote and ship
 * inside Debian and npm packages (conformance/conformance-sources.ts says which, at which
 * version). A key is the vendored file's path below conformance/; its first folder names the
 * package, and the rest is its path in the package below the source's root, unless `from` says
 * otherwise. Outcomes follow from what each file is, not from what the code happens to do: a
 * valid image must become `ready`, a damaged one must never.
 */
export interface ConformanceFile {
  readonly what: string;
  /** The file in the package it came from, when the vendored one is not a plain copy of it. */
  readonly from?: { readonly path: string; readonly cut: "dicom-first-fragment" };
  /** The upright size the served image must have, where getting it right is the point. */
  readonly upright?: { readonly width: number; readonly height: number };
}

type Row = ConformanceFile & Expected;
const ready = (what: string, extra: Partial<ConformanceFile> = {}): Row => ({ what, ...extra, api: 201, worker: "ready" });
const corrupt = (what: string): Row => ({ what, api: 201, worker: "corrupt" });
const unsupported = (what: string, from?: ConformanceFile["from"]): Row => ({ what, ...(from ? { from } : {}), api: 201, worker: "unsupported_variant" });
const dicom = (path: string) => ({ path, cut: "dicom-first-fragment" }) as const;
const upright = (what: string) => ready(what, { upright: { width: 50, height: 70 } });

export const CONFORMANCE_FILES: Readonly<Record<`${ConformanceSourceName}/${string}`, Row>> = {
  // PngSuite as the Go standard library ships it (libpng 1.6.26's contrib/pngsuite), plus Go's own.
  "golang-1.19-src/png/testdata/pngsuite/basn0g01.png": ready("PngSuite: 1-bit grey"),
  "golang-1.19-src/png/testdata/pngsuite/basn0g02.png": ready("PngSuite: 2-bit grey"),
  "golang-1.19-src/png/testdata/pngsuite/basn0g04.png": ready("PngSuite: 4-bit grey"),
  "golang-1.19-src/png/testdata/pngsuite/basn0g08.png": ready("PngSuite: 8-bit grey"),
  "golang-1.19-src/png/testdata/pngsuite/basn0g16.png": ready("PngSuite: 16-bit grey"),
  "golang-1.19-src/png/testdata/pngsuite/basn2c08.png": ready("PngSuite: 8-bit RGB"),
  "golang-1.19-src/png/testdata/pngsuite/basn2c16.png": ready("PngSuite: 16-bit RGB"),
  "golang-1.19-src/png/testdata/pngsuite/basn3p01.png": ready("PngSuite: 1-bit palette"),
  "golang-1.19-src/png/testdata/pngsuite/basn3p02.png": ready("PngSuite: 2-bit palette"),
  "golang-1.19-src/png/testdata/pngsuite/basn3p04.png": ready("PngSuite: 4-bit palette"),
  "golang-1.19-src/png/testdata/pngsuite/basn3p08.png": ready("PngSuite: 8-bit palette"),
  "golang-1.19-src/png/testdata/pngsuite/basn4a08.png": ready("PngSuite: 8-bit grey + alpha"),
  "golang-1.19-src/png/testdata/pngsuite/basn4a16.png": ready("PngSuite: 16-bit grey + alpha"),
  "golang-1.19-src/png/testdata/pngsuite/basn6a08.png": ready("PngSuite: 8-bit RGBA"),
  "golang-1.19-src/png/testdata/pngsuite/basn6a16.png": ready("PngSuite: 16-bit RGBA"),
  "golang-1.19-src/png/testdata/pngsuite/basn0g01-30.png": ready("Go: 1-bit grey, 30×30 (rows end mid-byte)"),
  "golang-1.19-src/png/testdata/pngsuite/basn0g02-29.png": ready("Go: 2-bit grey, 29×29 (rows end mid-byte)"),
  "golang-1.19-src/png/testdata/pngsuite/basn0g04-31.png": ready("Go: 4-bit grey, 31×31 (rows end mid-byte)"),
  "golang-1.19-src/png/testdata/pngsuite/basn3p04-31i.png": ready("Go: 4-bit palette, 31×31, interlaced"),
  "golang-1.19-src/png/testdata/pngsuite/basn3p08-trns.png": ready("Go: 8-bit palette with alpha in tRNS"),
  "golang-1.19-src/png/testdata/pngsuite/ftbbn0g01.png": ready("PngSuite: 1-bit grey, transparent colour, black bKGD"),
  "golang-1.19-src/png/testdata/pngsuite/ftbbn2c16.png": ready("PngSuite: 16-bit RGB, transparent colour, black bKGD"),
  "golang-1.19-src/png/testdata/pngsuite/ftbbn3p08.png": ready("PngSuite: palette with tRNS, black bKGD"),
  "golang-1.19-src/png/testdata/pngsuite/ftbgn3p08.png": ready("PngSuite: palette with tRNS, grey bKGD"),
  "golang-1.19-src/png/testdata/pngsuite/ftbrn2c08.png": ready("PngSuite: 8-bit RGB, transparent colour, red bKGD"),
  "golang-1.19-src/png/testdata/pngsuite/ftbwn0g16.png": ready("PngSuite: 16-bit grey, transparent colour, white bKGD"),
  "golang-1.19-src/png/testdata/pngsuite/ftbyn3p08.png": ready("PngSuite: palette with tRNS, yellow bKGD"),
  "golang-1.19-src/png/testdata/pngsuite/ftp0n0g08.png": ready("PngSuite: 8-bit grey, not transparent"),
  "golang-1.19-src/png/testdata/pngsuite/ftp0n2c08.png": ready("PngSuite: 8-bit RGB, not transparent"),
  "golang-1.19-src/png/testdata/pngsuite/ftp1n3p08.png": ready("PngSuite: palette with tRNS, not transparent"),
  "golang-1.19-src/png/testdata/gray-gradient.png": ready("Go: a 1×16 grey gradient"),
  "golang-1.19-src/png/testdata/gray-gradient.interlaced.png": ready("Go: 1×16, 4-bit, interlaced (empty Adam7 passes), tEXt after IDAT"),
  "golang-1.19-src/png/testdata/invalid-crc32.png": corrupt("Go: a chunk whose CRC is wrong"),
  "golang-1.19-src/png/testdata/invalid-noend.png": corrupt("Go: no IEND chunk"),
  "golang-1.19-src/png/testdata/invalid-trunc.png": corrupt("Go: cut inside the IEND chunk's CRC"),
  "golang-1.19-src/png/testdata/invalid-zlib.png": corrupt("Go: image data whose zlib checksum is wrong (the chunk CRC is right)"),
  // The PNG spec (11.2.3): "any out-of-range pixel value found in the image data is an error".
  "golang-1.19-src/png/testdata/invalid-palette.png": corrupt("Go: a pixel indexes past the end of its palette"),
  // Go's JPEG decoder test images: every subsampling, progressive variants, CMYK, RGB, grey.
  "golang-1.19-src/testdata/video-001.jpeg": ready("Go: baseline 4:2:0 JPEG"),
  "golang-1.19-src/testdata/video-001.progressive.jpeg": ready("Go: progressive JPEG"),
  // The scans that refine it were dropped but the file ends with its EOI marker: a coarser,
  // complete image (T.81 does not require every coefficient to be sent; Go decodes it too).
  "golang-1.19-src/testdata/video-001.progressive.truncated.jpeg": ready("Go: a progressive JPEG without its later scans, EOI in place"),
  "golang-1.19-src/testdata/video-001.q50.410.jpeg": ready("Go: 4:1:0 subsampling"),
  "golang-1.19-src/testdata/video-001.q50.411.progressive.jpeg": ready("Go: 4:1:1 subsampling, progressive"),
  "golang-1.19-src/testdata/video-001.q50.420.jpeg": ready("Go: 4:2:0 subsampling at quality 50"),
  "golang-1.19-src/testdata/video-001.q50.422.progressive.jpeg": ready("Go: 4:2:2 subsampling, progressive"),
  "golang-1.19-src/testdata/video-001.q50.440.jpeg": ready("Go: 4:4:0 subsampling"),
  "golang-1.19-src/testdata/video-001.q50.444.progressive.jpeg": ready("Go: no subsampling, progressive"),
  "golang-1.19-src/testdata/video-001.221212.jpeg": ready("Go: sampling factors 2×2, 1×2, 1×2"),
  "golang-1.19-src/testdata/video-001.cmyk.jpeg": ready("Go: CMYK JPEG (Adobe APP14)"),
  "golang-1.19-src/testdata/video-001.rgb.jpeg": ready("Go: RGB-coded JPEG (no JFIF, no colour transform)"),
  "golang-1.19-src/testdata/video-001.separate.dc.progression.jpeg": ready("Go: one DC scan per component"),
  "golang-1.19-src/testdata/video-001.separate.dc.progression.progressive.jpeg": ready("Go: one DC scan per component, progressive"),
  "golang-1.19-src/testdata/video-005.gray.jpeg": ready("Go: greyscale JPEG"),
  "golang-1.19-src/testdata/video-005.gray.q50.2x2.progressive.jpeg": ready("Go: greyscale, 2×2 sampling factor, progressive"),

  // golang.org/x/image's WebP decoder test images.
  "golang-golang-x-image-dev/blue-purple-pink.lossy.webp": ready("x/image: lossy WebP (VP8)"),
  "golang-golang-x-image-dev/blue-purple-pink.lossless.webp": ready("x/image: lossless WebP (VP8L)"),
  "golang-golang-x-image-dev/blue-purple-pink-large.no-filter.lossy.webp": ready("x/image: VP8 without loop filter, 600×400"),
  "golang-golang-x-image-dev/blue-purple-pink-large.simple-filter.lossy.webp": ready("x/image: VP8 with the simple loop filter"),
  "golang-golang-x-image-dev/blue-purple-pink-large.normal-filter.lossy.webp": ready("x/image: VP8 with the normal loop filter"),
  "golang-golang-x-image-dev/gopher-doc.1bpp.lossless.webp": ready("x/image: VP8L, 2-colour palette (8 pixels a byte)"),
  "golang-golang-x-image-dev/gopher-doc.2bpp.lossless.webp": ready("x/image: VP8L, 4-colour palette"),
  "golang-golang-x-image-dev/gopher-doc.4bpp.lossless.webp": ready("x/image: VP8L, 16-colour palette"),
  "golang-golang-x-image-dev/gopher-doc.8bpp.lossless.webp": ready("x/image: VP8L, 256-colour palette"),
  "golang-golang-x-image-dev/tux.lossless.webp": ready("x/image: VP8L with alpha"),
  "golang-golang-x-image-dev/video-001.lossy.webp": ready("x/image: VP8, 150×103 (odd size)"),
  "golang-golang-x-image-dev/yellow_rose.lossy.webp": ready("x/image: VP8"),
  "golang-golang-x-image-dev/yellow_rose.lossy-with-alpha.webp": ready("x/image: VP8X with an ALPH chunk"),
  "golang-golang-x-image-dev/yellow_rose.lossless.webp": ready("x/image: VP8L, 90 KB"),

  // goexif's samples: a camera file with GPS, and files found by fuzzing the EXIF parser.
  "golang-github-rwcarlsen-goexif-dev/sample1.jpg": ready("goexif: a Nikon D2H photo with EXIF, GPS, IPTC and XMP"),
  "golang-github-rwcarlsen-goexif-dev/corrupt/infinite_loop_exif.jpg": ready("goexif: a valid 8×8 JPEG whose EXIF IFDs form a loop"),
  "golang-github-rwcarlsen-goexif-dev/corrupt/huge_tag_exif.jpg": corrupt("goexif: EXIF with a huge tag count, cut at 64 KiB inside an APP4 segment"),
  "golang-github-rwcarlsen-goexif-dev/corrupt/max_uint32_exif.jpg": corrupt("goexif: EXIF with a 2^32-1 offset, cut at 64 KiB inside an APP4 segment"),
  "golang-github-rwcarlsen-goexif-dev/samples/2004-01-11-22-45-15-sep-2004-01-11-22-45-15a.jpg": corrupt(
    "goexif: a camera's EXIF block alone (its APP1 runs past the end), no image",
  ),

  // imaging's EXIF orientation set: the same 50×70 picture stored in all eight orientations.
  "golang-github-disintegration-imaging-dev/orientation_0.jpg": upright("imaging: no EXIF"),
  "golang-github-disintegration-imaging-dev/orientation_1.jpg": upright("imaging: EXIF orientation 1"),
  "golang-github-disintegration-imaging-dev/orientation_2.jpg": upright("imaging: EXIF orientation 2 (mirrored)"),
  "golang-github-disintegration-imaging-dev/orientation_3.jpg": upright("imaging: EXIF orientation 3 (180°)"),
  "golang-github-disintegration-imaging-dev/orientation_4.jpg": upright("imaging: EXIF orientation 4"),
  "golang-github-disintegration-imaging-dev/orientation_5.jpg": upright("imaging: EXIF orientation 5 (stored 70×50)"),
  "golang-github-disintegration-imaging-dev/orientation_6.jpg": upright("imaging: EXIF orientation 6 (stored 70×50)"),
  "golang-github-disintegration-imaging-dev/orientation_7.jpg": upright("imaging: EXIF orientation 7 (stored 70×50)"),
  "golang-github-disintegration-imaging-dev/orientation_8.jpg": upright("imaging: EXIF orientation 8 (stored 70×50)"),

  "golang-github-bep-gowebp-dev/invalid.webp": { what: "gowebp: its 'invalid' WebP, zero bytes", api: 400 },
  "golang-github-bep-gowebp-dev/golden/fuzzy-cirlcle-transparent-32.webp": ready("gowebp: VP8X + ALPH written by libwebp"),

  // pydicom's JPEG test files: the JPEG stream is the first fragment of the DICOM pixel data.
  "python3-pydicom/JPGExtended.jpg": unsupported("pydicom: a 12-bit JPEG (extended, SOF1) from NEMA's WG04 set", dicom("JPGExtended.dcm")),
  "python3-pydicom/JPEG-lossy.jpg": unsupported("pydicom: the same 12-bit JPEG with invalid scan parameters", dicom("JPEG-lossy.dcm")),
  "python3-pydicom/SC_rgb_small_odd_jpeg.jpg": ready("pydicom: a 3×3 JPEG", { from: dicom("SC_rgb_small_odd_jpeg.dcm") }),
  "python3-pydicom/SC_jpeg_no_color_transform.jpg": ready("pydicom: RGB components without JFIF or Adobe markers", {
    from: dicom("SC_jpeg_no_color_transform.dcm"),
  }),

  // PngSuite's ancillary-chunk files and one broken signature, as bitjs ships them.
  "codedread-bitjs/PngSuite.png": ready("PngSuite: its 256×256 logo"),
  "codedread-bitjs/bggn4a16.png": ready("PngSuite: 16-bit grey + alpha with a bKGD chunk"),
  "codedread-bitjs/ccwn2c08.png": ready("PngSuite: a cHRM chunk"),
  "codedread-bitjs/cdun2c08.png": ready("PngSuite: a pHYs chunk (physical size)"),
  "codedread-bitjs/ch1n3p04.png": ready("PngSuite: a hIST chunk"),
  "codedread-bitjs/cm9n0g04.png": ready("PngSuite: a tIME chunk"),
  "codedread-bitjs/cs3n2c16.png": ready("PngSuite: 16-bit RGB with sBIT 13"),
  "codedread-bitjs/ctjn0g04.png": ready("PngSuite: iTXt chunks (Japanese)"),
  "codedread-bitjs/ctzn0g04.png": ready("PngSuite: tEXt and zTXt chunks"),
  "codedread-bitjs/exif2c08.png": ready("PngSuite: an eXIf chunk"),
  "codedread-bitjs/g05n3p04.png": ready("PngSuite: gamma 0.55, palette"),
  "codedread-bitjs/ps1n0g08.png": ready("PngSuite: a suggested-palette (sPLT) chunk"),
  "codedread-bitjs/tbbn3p08.png": ready("PngSuite: palette with tRNS and bKGD"),
  "codedread-bitjs/tbgn2c16.png": ready("PngSuite: 16-bit RGB with tRNS and bKGD"),
  "codedread-bitjs/tbrn2c08.png": ready("PngSuite: 8-bit RGB with tRNS and bKGD"),
  "codedread-bitjs/xs1n0g01.png": { what: "PngSuite: signature byte 1 with its high bit cleared", api: 415 },
  "codedread-bitjs/long_description.jpg": ready("bitjs: a JPEG with a long EXIF description and XMP"),

  // jpeg-lossless-decoder-js's DICOM files: lossless JPEG (process 14) streams.
  "jpeg-lossless-decoder-js/jpeg_lossless_sel1.jpg": unsupported("a 16-bit lossless JPEG (SOF3), predictor 1", dicom("jpeg_lossless_sel1.dcm")),
  "jpeg-lossless-decoder-js/jpeg_lossless_sel1-8bit.jpg": unsupported("an 8-bit lossless JPEG (SOF3), first frame of a series", dicom("jpeg_lossless_sel1-8bit.dcm")),

  // PngSuite's filter-type files, as pngjs 0.4.0 shipped them.
  "pngjs/f00n2c08.png": ready("PngSuite: every row filter type 0 (none)"),
  "pngjs/f01n2c08.png": ready("PngSuite: every row filter type 1 (sub)"),
  "pngjs/f02n2c08.png": ready("PngSuite: every row filter type 2 (up)"),
  "pngjs/f03n2c08.png": ready("PngSuite: every row filter type 3 (average)"),
  "pngjs/f04n2c08.png": ready("PngSuite: every row filter type 4 (Paeth)"),
};
