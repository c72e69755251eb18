// Appends `count` images to one product from this process, as fast as it can, with the cap
// check; prints {"won":N,"refused":M}. The multi-process cap test runs several of these at once.
import { AppError, MAX_IMAGES_PER_PRODUCT } from "@ingest/shared";
import { openSqliteStore } from "../../src/sqlite/sqlite.store.ts";

const [path, companyId, productId, worker, count] = process.argv.slice(2) as [string, string, string, string, string];
const store = await openSqliteStore(path);
let won = 0;
let refused = 0;
await Promise.all(
  Array.from({ length: Number(count) }, async (_, i) => {
    try {
      await store.repositories.products.change(companyId, productId, (current) => {
        if (current.images.length >= MAX_IMAGES_PER_PRODUCT) throw new AppError("image_cap_reached", "cap");
        return { change: { kind: "update", fields: { ...current, images: [...current.images, { url: `https://x.test/${worker}-${i}.jpg` }] } }, result: null };
      });
      won += 1;
    } catch (error) {
      if (!(error instanceof AppError && error.code === "image_cap_reached")) throw error;
      refused += 1;
    }
  }),
);
await store.close();
process.stdout.write(JSON.stringify({ won, refused }));
