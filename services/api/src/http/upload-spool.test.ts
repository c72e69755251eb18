import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SNIFF_BYTES } from "@ingest/shared";
import { afterAll, describe, expect, it } from "vitest";
import { openSpool, prepareSpoolDir, SPOOL_WRITE_BYTES } from "./upload-spool.ts";

const root = await mkdtemp(join(tmpdir(), "upload-spool-"));
afterAll(() => rm(root, { recursive: true, force: true }));

describe("the upload spool", () => {
  it("writes the body to a file and keeps only its first bytes, size and sha256", async () => {
    const dir = prepareSpoolDir(root);
    const body = Buffer.alloc(3 * SNIFF_BYTES, 7);
    body[0] = 1;
    const spool = openSpool(dir, { hash: true });
    for (let offset = 0; offset < body.length; offset += 1000) await spool.write(body.subarray(offset, offset + 1000));
    const spooled = await spool.finish();
    expect(spooled.size).toBe(body.length);
    expect(spooled.head).toEqual(body.subarray(0, SNIFF_BYTES));
    expect(spooled.sha256).toBe(createHash("sha256").update(body).digest("hex"));
    expect(readFileSync(spooled.path)).toEqual(body);
    await spooled.discard();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("gathers small chunks into writes of SPOOL_WRITE_BYTES, and keeps every byte in order", async () => {
    const dir = prepareSpoolDir(root);
    const body = Buffer.from(Array.from({ length: 3 * SPOOL_WRITE_BYTES + 12_345 }, (_, i) => (i * 31) % 251));
    const spool = openSpool(dir, { hash: true });
    let waits = 0;
    for (let offset = 0; offset < body.length; offset += 4096) {
      const wait = spool.write(body.subarray(offset, offset + 4096));
      if (wait !== null) {
        waits++;
        await wait;
      }
    }
    const spooled = await spool.finish();
    expect(readFileSync(spooled.path)).toEqual(body);
    expect(spooled.sha256).toBe(createHash("sha256").update(body).digest("hex"));
    // A wait can only come when a gathered write went out: at most one per SPOOL_WRITE_BYTES.
    expect(waits).toBeLessThanOrEqual(3);
    await spooled.discard();
  });

  it("keeps every byte in order for a caller that writes on without waiting (a buffer still being written is never reused)", async () => {
    const dir = prepareSpoolDir(root);
    const body = Buffer.from(Array.from({ length: 5 * SPOOL_WRITE_BYTES + 777 }, (_, i) => (i * 7 + (i >> 12)) % 253));
    const spool = openSpool(dir, { hash: false });
    for (let offset = 0; offset < body.length; offset += 60_000) void spool.write(body.subarray(offset, offset + 60_000));
    const spooled = await spool.finish();
    expect(spooled.size).toBe(body.length);
    expect(readFileSync(spooled.path).equals(body)).toBe(true);
    await spooled.discard();
  });

  it("keeps no sha256 when none is asked for (an upload without an Idempotency-Key)", async () => {
    const dir = prepareSpoolDir(root);
    const body = Buffer.alloc(SPOOL_WRITE_BYTES + 1, 3);
    const spool = openSpool(dir, { hash: false });
    await spool.write(body);
    const spooled = await spool.finish();
    expect(spooled.sha256).toBeNull();
    expect(readFileSync(spooled.path)).toEqual(body);
    await spooled.discard();
  });

  it("once the storage has moved the file away, discarding it asks nothing of the file system", async () => {
    const dir = prepareSpoolDir(root);
    const spool = openSpool(dir, { hash: false });
    await spool.write(Buffer.from("a body"));
    const spooled = await spool.finish();
    const elsewhere = join(root, "moved-into-place");
    renameSync(spooled.path, elsewhere);
    spooled.moved();
    // Something new at the old path would be deleted by an unlink; it is left alone.
    writeFileSync(spooled.path, "not ours");
    await spooled.discard();
    expect(readFileSync(spooled.path, "utf8")).toBe("not ours");
    expect(readFileSync(elsewhere, "utf8")).toBe("a body");
  });

  it("an aborted spool leaves no file", async () => {
    const dir = prepareSpoolDir(root);
    const spool = openSpool(dir, { hash: false });
    await spool.write(Buffer.from("half a body"));
    await spool.abort();
    await spool.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("at start, sweeps the folders of processes that are gone and leaves live ones alone", () => {
    const gonePid = Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]));
    const gone = join(root, `api-${gonePid}-deadbeef`);
    mkdirSync(gone, { recursive: true });
    writeFileSync(join(gone, "left-by-a-crash.upload"), "x");
    const live = prepareSpoolDir(root);
    writeFileSync(join(live, "in-flight.upload"), "x");
    const mine = prepareSpoolDir(root);
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(join(live, "in-flight.upload"))).toBe(true);
    expect(readdirSync(mine)).toEqual([]);
  });
});
