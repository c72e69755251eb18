import type { Command } from "@commander-js/extra-typings";
import { generateApiKey } from "@ingest/shared/auth";
import { runFor } from "../run-action.ts";

const DEMO_COMPANY_ID = "demo";

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("first-run seed for pnpm start: the demo company and a product (reused) and a new key with every scope")
    .action((_options, command) =>
      runFor(command, async (context) => {
        const { credentials, products } = await context.repositories();
        if (!(await credentials.companyExists(DEMO_COMPANY_ID))) {
          // Two first runs at once: the loser's insert fails on the duplicate id, which is fine.
          await credentials.createCompany(DEMO_COMPANY_ID, "Demo company").catch(async (error: unknown) => {
            if (!(await credentials.companyExists(DEMO_COMPANY_ID))) throw error;
          });
        }
        const { key, lookupId, hash } = generateApiKey();
        await credentials.insertApiKey({ lookupId, companyId: DEMO_COMPANY_ID, name: "demo", hash, scopes: ["products:read", "products:write"] });
        const existing = (await products.list(DEMO_COMPANY_ID, { limit: 1 })).products[0];
        const product = existing ?? (await products.create(DEMO_COMPANY_ID, { name: "Demo product", sku: "DEMO-1", images: [] }));
        const seed = { companyId: DEMO_COMPANY_ID, apiKey: key, productId: product.id };
        context.result(seed, () => {
          context.out(`company:  ${seed.companyId}`);
          context.out(`api key:  ${seed.apiKey}   (shown only once)`);
          context.out(`product:  ${seed.productId}`);
        });
      }),
    );
}
