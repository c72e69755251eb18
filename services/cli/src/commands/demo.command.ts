import { generateApiKey, SCOPES } from "@ingest/shared";
import { parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";

const DEMO_COMPANY_ID = "demo";
const usage = `Usage:
  pnpm cli demo [--json]
      First-run seed: the "demo" company and a product (reused when they exist) and a new API
      key with every scope (a key is shown only once, so each run makes one).`;

export const demoCommand: Command = {
  name: "demo",
  summary: "seed a demo company, API key and product",
  usage,
  async run(args, context) {
    const { values } = parseCommandArgs(args, { json: { type: "boolean" } });
    const { credentials, products } = await context.repositories();
    if (!(await credentials.companyExists(DEMO_COMPANY_ID))) {
      // Two first runs at once: the loser's insert fails on the duplicate id, which is fine.
      await credentials.createCompany(DEMO_COMPANY_ID, "Demo company").catch(async (error: unknown) => {
        if (!(await credentials.companyExists(DEMO_COMPANY_ID))) throw error;
      });
    }
    const { key, lookupId, hash } = generateApiKey();
    await credentials.insertApiKey({ lookupId, companyId: DEMO_COMPANY_ID, name: "demo", hash, scopes: [...SCOPES] });
    const existing = (await products.list(DEMO_COMPANY_ID, { limit: 1 })).products[0];
    const product = existing ?? (await products.create(DEMO_COMPANY_ID, { name: "Demo product", sku: "DEMO-1", images: [] }));
    const seed = { companyId: DEMO_COMPANY_ID, apiKey: key, productId: product.id };
    if (values.json) context.out(JSON.stringify(seed));
    else {
      context.out(`company:  ${seed.companyId}`);
      context.out(`api key:  ${seed.apiKey}   (shown only once)`);
      context.out(`product:  ${seed.productId}`);
    }
    return 0;
  },
};
