import { type ImageRecord, newObjectId, type Product, type Store, TRANSFER_KINDS, type Transferable } from "@ingest/shared";
import { describe, expect, it } from "vitest";
import { copyStore } from "../../src/copy-store.ts";
import { parseStoreTarget } from "../../src/store-target.ts";
import { newImage } from "../contracts/images.contract.ts";
import { openTestStore } from "../support/test-store.ts";

/** A little of everything a store holds: companies, keys, revocations, live and deleted products, images in every state. */
async function seed(store: Store): Promise<{ live: Product[]; deleted: Product }> {
  const { products, images, credentials } = store.repositories;
  await credentials.createCompany("acme", "Acme");
  await credentials.createCompany("globex", "Globex");
  await credentials.insertApiKey({ lookupId: newObjectId(), companyId: "acme", name: "ci", hash: "a".repeat(64), scopes: ["products:read"] });
  const revoked = newObjectId();
  await credentials.insertApiKey({ lookupId: revoked, companyId: "globex", name: "old", hash: "b".repeat(64), scopes: ["products:write"] });
  await credentials.revokeApiKey(revoked);
  await credentials.revokeToken("jti-1", new Date(Date.now() + 3_600_000));
  const live: Product[] = [];
  for (let i = 0; i < 7; i++) {
    const product = await products.create(i % 2 ? "acme" : "globex", { name: `p${i}`, sku: i === 3 ? "SKU-3" : null, images: [] });
    const image = await images.insertStaged(newImage({ companyId: product.companyId, productId: product.id }));
    await images.transition(image.id, ["staged"], i % 3 === 0 ? "processing" : "removed");
    const changed = await products.change(product.companyId, product.id, (current) => ({
      change: { kind: "update", fields: { ...current, images: [{ url: image.url, imageId: image.id }, { url: "https://elsewhere.test/x.jpg" }] } },
      result: null,
    }));
    live.push(changed.product);
  }
  await store.repositories.webhooks.createEndpoint({
    id: "wh-1",
    companyId: "acme",
    url: "https://hooks.example.com/in",
    events: ["image.ready"],
    sealedSecret: "plain:whsec_x",
    createdAt: new Date(1_700_000_000_000),
    disabledAt: null,
    disabledReason: null,
  });
  const deleted = await products.create("acme", { name: "gone", sku: null, images: [] });
  await products.change("acme", deleted.id, () => ({ change: { kind: "delete" }, result: null }));
  return { live, deleted };
}

async function readAll<T>(transferable: Transferable<T>, idOf: (item: T) => string): Promise<T[]> {
  const all: T[] = [];
  for (let after: string | null = null; ; ) {
    const page = await transferable.read(after, 3);
    all.push(...page);
    if (page.length < 3) return all;
    after = idOf(page.at(-1)!);
  }
}

describe.each([
  ["sqlite", "mongodb"],
  ["mongodb", "sqlite"],
] as const)("copying a %s store into a %s store", (fromKind, toKind) => {
  it("copies every record as it was, and a second run copies nothing more", async () => {
    const from = await openTestStore(fromKind, `copy-from-${fromKind}`);
    const to = await openTestStore(toKind, `copy-to-${toKind}`);
    try {
      const { live, deleted } = await seed(from.store);
      const progress: string[] = [];
      const report = await copyStore(from.store, to.store, (step) => progress.push(step.kind));
      expect(report).toEqual({
        companies: { read: 2, written: 2 },
        apiKeys: { read: 2, written: 2 },
        revokedTokens: { read: 1, written: 1 },
        products: { read: 7, written: 7 },
        images: { read: 7, written: 7 },
        webhookEndpoints: { read: 1, written: 1 },
      });
      expect(await to.store.repositories.webhooks.findEndpoint("wh-1", "acme")).toEqual(await from.store.repositories.webhooks.findEndpoint("wh-1"));
      expect(new Set(progress)).toEqual(new Set(TRANSFER_KINDS));

      for (const product of live) expect(await to.store.repositories.products.find(product.companyId, product.id)).toEqual(product);
      expect(await to.store.repositories.products.find("acme", deleted.id)).toBeNull();
      const imagesFrom = await readAll<ImageRecord>(from.store.transfer.images, (image) => image.id);
      const imagesTo = await readAll<ImageRecord>(to.store.transfer.images, (image) => image.id);
      expect(imagesTo).toEqual(imagesFrom);
      expect((await to.store.repositories.credentials.listApiKeys()).map((key) => [key.name, key.revokedAt !== null])).toEqual(
        (await from.store.repositories.credentials.listApiKeys()).map((key) => [key.name, key.revokedAt !== null]),
      );
      expect(await to.store.repositories.credentials.isTokenRevoked("jti-1")).toBe(true);
      expect(await to.store.repositories.credentials.companyExists("globex")).toBe(true);

      // The copy goes on working in its new home: the next change takes the next version.
      const first = live[0]!;
      const next = await to.store.repositories.products.change(first.companyId, first.id, (current) => ({
        change: { kind: "update", fields: { ...current, name: "renamed" } },
        result: null,
      }));
      expect(next.product.version).toBe(first.version + 1);

      const again = await copyStore(from.store, to.store);
      expect(Object.values(again).map((counts) => counts.written)).toEqual([0, 0, 0, 0, 0, 0]);
      expect((await to.store.repositories.products.find(first.companyId, first.id))?.name).toBe("renamed");
    } finally {
      await from.close();
      await to.close();
    }
  });
});

describe("naming a store on the command line", () => {
  it("reads sqlite: paths and mongodb URLs, and refuses anything else", () => {
    expect(parseStoreTarget("sqlite:/tmp/a.db")).toEqual({ kind: "sqlite", path: "/tmp/a.db" });
    expect(parseStoreTarget(".data/ingest.sqlite")).toEqual({ kind: "sqlite", path: ".data/ingest.sqlite" });
    expect(parseStoreTarget("mongodb://db:27017/shop")).toEqual({ kind: "mongodb", url: "mongodb://db:27017/", dbName: "shop" });
    expect(parseStoreTarget("mongodb://u:p@db:27017/?replicaSet=rs0")).toEqual({ kind: "mongodb", url: "mongodb://u:p@db:27017/?replicaSet=rs0", dbName: "image_ingest" });
    expect(() => parseStoreTarget("postgres://db/x")).toThrow(/names no store/);
    expect(() => parseStoreTarget("sqlite:")).toThrow(/names no store/);
  });
});
