import { describe, expect, it } from "vitest";
import { uniqueTestNames } from "./unique-names.ts";

describe("uniqueTestNames", () => {
  it("gives fresh, valid names that share one suffix", () => {
    const a = uniqueTestNames("Upload: 5 MB limit!");
    const b = uniqueTestNames("Upload: 5 MB limit!");
    expect(a.suffix).not.toBe(b.suffix);
    expect(a.database).toMatch(/^t_upload_5_mb_limit_[0-9a-f]{10}$/);
    expect(a.queuePrefix).toBe(a.database);
    expect(a.keyPrefix).toBe(`t-upload-5-mb-limit-${a.suffix}/`);
  });
});
