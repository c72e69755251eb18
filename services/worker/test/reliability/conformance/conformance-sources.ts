/**
 * The packages the conformance files were taken from, one folder each beside this file. The
 * files are vendored (CI reads them from the clone, nothing is fetched while testing);
 * `fetch-conformance.ts` takes them out of these exact versions again and checks them against
 * `SHA256SUMS`, so where every byte came from can be verified.
 */
export interface ConformanceSource {
  readonly registry: "debian" | "npm";
  readonly package: string;
  readonly version: string;
  /** The folder inside the package (the .deb's file tree, or the npm tarball) the paths start at. */
  readonly root: string;
  readonly licence: string;
}

export const CONFORMANCE_SOURCES = {
  "golang-1.19-src": {
    registry: "debian",
    package: "golang-1.19-src",
    version: "1.19.8-2",
    root: "usr/share/go-1.19/src/image",
    licence: "BSD-3-Clause (the Go authors); the pngsuite/ files are Willem van Schaik's PngSuite (copy and distribute for any purpose)",
  },
  "golang-golang-x-image-dev": {
    registry: "debian",
    package: "golang-golang-x-image-dev",
    version: "0.5.0-1",
    root: "usr/share/gocode/src/golang.org/x/image/testdata",
    licence: "BSD-3-Clause (the Go authors)",
  },
  "golang-github-rwcarlsen-goexif-dev": {
    registry: "debian",
    package: "golang-github-rwcarlsen-goexif-dev",
    version: "0.0~git20190401.9e8deec-2",
    root: "usr/share/gocode/src/github.com/rwcarlsen/goexif/exif",
    licence: "BSD-2-Clause (Robert Carlsen and contributors)",
  },
  "golang-github-disintegration-imaging-dev": {
    registry: "debian",
    package: "golang-github-disintegration-imaging-dev",
    version: "1.6.2-2",
    root: "usr/share/gocode/src/github.com/disintegration/imaging/testdata",
    licence: "MIT (Grigory Dryapak)",
  },
  "golang-github-bep-gowebp-dev": {
    registry: "debian",
    package: "golang-github-bep-gowebp-dev",
    version: "0.2.0+dfsg-2",
    root: "usr/share/gocode/src/github.com/bep/gowebp/test_data/images",
    licence: "MIT (the gowebp authors)",
  },
  "python3-pydicom": {
    registry: "debian",
    package: "python3-pydicom",
    version: "2.3.1-1",
    root: "usr/lib/python3/dist-packages/pydicom/data/test_files",
    licence: "MIT (Darcy Mason and pydicom contributors)",
  },
  "codedread-bitjs": {
    registry: "npm",
    package: "@codedread/bitjs",
    version: "1.2.6",
    root: "package/tests/image-testfiles",
    licence: "MIT (the bitjs authors); its PNG files are Willem van Schaik's PngSuite (copy and distribute for any purpose)",
  },
  "jpeg-lossless-decoder-js": {
    registry: "npm",
    package: "jpeg-lossless-decoder-js",
    version: "2.1.2",
    root: "package/tests/data",
    licence: "MIT (the rii-mango authors)",
  },
  pngjs: {
    registry: "npm",
    package: "pngjs",
    version: "0.4.0",
    root: "package/examples/test/img",
    licence: "Willem van Schaik's PngSuite (copy, modify and distribute for any purpose; PngSuite.LICENSE in the package)",
  },
} as const satisfies Record<string, ConformanceSource>;

export type ConformanceSourceName = keyof typeof CONFORMANCE_SOURCES;
