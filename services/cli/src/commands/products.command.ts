import type { Command } from "@commander-js/extra-typings";
import type { ImageRecord } from "@ingest/shared/images";
import type { Product } from "@ingest/shared/products";
import { CommandFailure, requireCompanyId, UsageError } from "../command.ts";
import { runFor } from "../run-action.ts";

/** The API's limits on the same fields (services/api/src/routes/products). */
const MAX_NAME = 200;
const MAX_SKU = 100;

function productView(product: Product, images: readonly ImageRecord[]) {
  const byId = new Map(images.map((image) => [image.id, image]));
  return {
    productId: product.id,
    companyId: product.companyId,
    name: product.name,
    sku: product.sku,
    version: product.version,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
    images: product.images.map((entry) => {
      const image = entry.imageId ? byId.get(entry.imageId) : undefined;
      return { url: entry.url, imageId: entry.imageId ?? null, status: image?.status ?? (entry.imageId ? "missing" : "external") };
    }),
  };
}

export function registerProductsCommand(program: Command): void {
  const products = program.command("products").description("create and show products");

  products
    .command("create")
    .description("create a product with no images and print its id")
    .requiredOption("--company <id>", "the owning company")
    .requiredOption("--name <name>", `display name (at most ${MAX_NAME} characters)`)
    .option("--sku <sku>", `stock-keeping unit (at most ${MAX_SKU} characters)`)
    .action((options, command) =>
      runFor(command, async (context) => {
        const companyId = requireCompanyId(options.company);
        const name = options.name.trim();
        if (name === "" || name.length > MAX_NAME) throw new UsageError(`--name must hold 1 to ${MAX_NAME} characters`);
        if (options.sku !== undefined && options.sku.length > MAX_SKU) throw new UsageError(`--sku holds at most ${MAX_SKU} characters`);
        const { credentials, products: repository } = await context.repositories();
        if (!(await credentials.companyExists(companyId))) throw new CommandFailure(`No company ${JSON.stringify(companyId)}.`);
        const product = await repository.create(companyId, { name, sku: options.sku ?? null, images: [] });
        context.result(productView(product, []), () => {
          context.note(`Created product "${name}" for company ${companyId}. Its id:`);
          context.out(product.id);
        });
      }),
    );

  products
    .command("show")
    .description("a product with each image's processing status")
    .argument("<productId>")
    .requiredOption("--company <id>", "the owning company (tenancy: another company's product is not found)")
    .action((productId, options, command) =>
      runFor(command, async (context) => {
        const companyId = requireCompanyId(options.company);
        const { products: repository, images } = await context.repositories();
        const product = await repository.find(companyId, productId);
        if (!product) throw new CommandFailure(`No product ${productId} in company ${companyId}.`);
        const view = productView(product, await images.findForProduct(companyId, product.id));
        context.result(view, () => {
          context.out(`${view.productId}  "${view.name}"  sku ${view.sku ?? "-"}  version ${view.version}  company ${view.companyId}`);
          context.out(`  created ${view.createdAt}, updated ${view.updatedAt}`);
          if (view.images.length === 0) context.out("  no images");
          for (const image of view.images) context.out(`  ${image.status.padEnd(10)} ${image.imageId ?? "-"}  ${image.url}`);
        });
      }),
    );
}
