import type { ImageRecord, Product } from "@ingest/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { processImage } from "../../src/jobs/process-image.handler.ts";
import { orientedJpeg, plainJpeg } from "../support/image-fixtures.ts";
import { createHarness, eventually, type Harness } from "../support/worker-harness.ts";

let harness: Harness;
beforeEach(async () => {
  harness = await createHarness("deletion");
});
afterEach(() => harness.close());

async function readyImage(product: Product, width = 1400): Promise<ImageRecord> {
  const image = await harness.stageUpload(product, await orientedJpeg(width, width / 2, 6), "jpeg");
  await processImage({ imageId: image.id }, harness.deps);
  const record = (await harness.repositories.images.find(image.id))!;
  expect(record.status).toBe("ready");
  expect(await harness.objectsOf(record)).toHaveLength(1 + record.derivatives.length);
  return record;
}

/** What the API does after a committed change drops images: mark them removed, enqueue their deletion. */
async function dropImages(ids: string[]) {
  for (const imageId of ids) {
    await harness.repositories.images.transition(imageId, ["staged", "processing", "ready"], "removed");
    await harness.queue.enqueue("delete-image", { imageId });
  }
}

async function expectFreed(image: ImageRecord) {
  await eventually(async () => (await harness.repositories.images.find(image.id))?.status === "deleted", 30_000, `${image.id} deleted`);
  expect(await harness.objectsOf(image)).toEqual([]);
}

describe("dropped images free every object", () => {
  it("DELETE by index", async () => {
    const product = await harness.createProduct();
    const [a, b] = [await readyImage(product), await readyImage(product, 800)];
    await harness.repositories.products.change(product.companyId, product.id, (current) => ({
      change: { kind: "update", fields: { ...current, images: current.images.filter((_, index) => index !== 0) } },
      result: null,
    }));
    await dropImages([a!.id]);
    const worker = harness.startWorker();
    await expectFreed(a!);
    expect(await harness.objectsOf(b!)).toHaveLength(1 + b!.derivatives.length);
    await worker.close(5_000);
  });

  it("PATCH replacing imageUrls", async () => {
    const product = await harness.createProduct();
    const [a, b] = [await readyImage(product), await readyImage(product, 800)];
    await harness.repositories.products.change(product.companyId, product.id, (current) => ({
      change: { kind: "update", fields: { ...current, images: [{ url: b!.url, imageId: b!.id }, { url: "https://cdn.example.com/x.png" }] } },
      result: null,
    }));
    await dropImages([a!.id]);
    const worker = harness.startWorker();
    await expectFreed(a!);
    expect((await harness.repositories.images.find(b!.id))?.status).toBe("ready");
    await worker.close(5_000);
  });

  it("product deletion", async () => {
    const product = await harness.createProduct();
    const images = [await readyImage(product), await readyImage(product, 800)];
    await harness.repositories.products.change(product.companyId, product.id, () => ({ change: { kind: "delete" }, result: null }));
    await dropImages(images.map((image) => image.id));
    const worker = harness.startWorker();
    for (const image of images) await expectFreed(image);
    expect(await harness.allObjects()).toEqual([]);
    await worker.close(5_000);
  });

  it("deleting twice is harmless", async () => {
    const product = await harness.createProduct();
    const image = await readyImage(product);
    await harness.repositories.products.change(product.companyId, product.id, () => ({ change: { kind: "delete" }, result: null }));
    await dropImages([image.id]);
    const { deleteImage } = await import("../../src/jobs/delete-image.handler.ts");
    expect(await deleteImage({ imageId: image.id }, harness.deps)).toMatchObject({ outcome: "deleted" });
    expect(await deleteImage({ imageId: image.id }, harness.deps)).toMatchObject({ outcome: "deleted" });
    expect((await harness.repositories.images.find(image.id))?.status).toBe("deleted");
    expect(await harness.objectsOf(image)).toEqual([]);
  });

  it("a delete job for an image its product still lists does nothing", async () => {
    const product = await harness.createProduct();
    const image = await readyImage(product);
    const { deleteImage } = await import("../../src/jobs/delete-image.handler.ts");
    expect(await deleteImage({ imageId: image.id }, harness.deps)).toMatchObject({ outcome: "skipped" });
    expect(await harness.objectsOf(image)).toHaveLength(1 + image.derivatives.length);
  });

  it("an image removed while its process job waited: the job cleans up instead of processing", async () => {
    const product = await harness.createProduct();
    const image = await harness.stageUpload(product, await plainJpeg(900, 600), "jpeg");
    await harness.repositories.products.change(product.companyId, product.id, () => ({ change: { kind: "delete" }, result: null }));
    await harness.repositories.images.transition(image.id, ["processing"], "removed");
    expect(await processImage({ imageId: image.id }, harness.deps)).toEqual({ outcome: "discarded" });
    expect((await harness.repositories.images.find(image.id))?.status).toBe("deleted");
    expect(await harness.objectsOf(image)).toEqual([]);
  });

  it("an image dropped by a request that died before marking it removed: processing discards it", async () => {
    const product = await harness.createProduct();
    const image = await harness.stageUpload(product, await plainJpeg(900, 600), "jpeg");
    await harness.repositories.products.change(product.companyId, product.id, (current) => ({
      change: { kind: "update", fields: { ...current, images: [] } },
      result: null,
    }));
    expect(await processImage({ imageId: image.id }, harness.deps)).toEqual({ outcome: "discarded" });
    expect((await harness.repositories.images.find(image.id))?.status).toBe("deleted");
    expect(await harness.objectsOf(image)).toEqual([]);
  });
});
