import { randomBytes } from "node:crypto";
import { COMPANY_ID, parseCommandArgs, requireOption } from "../args.ts";
import { type Command, UsageError } from "../command.ts";

const usage = `Usage:
  pnpm cli companies create --name <name> [--id <id>] [--json]
      Prints the new company's id (random unless --id; letters, digits, _ and - only).`;

export const companiesCommand: Command = {
  name: "companies",
  summary: "create companies (tenants)",
  usage,
  async run([sub, ...rest], context) {
    if (sub !== "create") throw new UsageError(sub ? `unknown subcommand "companies ${sub}"` : "companies needs a subcommand");
    const { values } = parseCommandArgs(rest, { name: { type: "string" }, id: { type: "string" }, json: { type: "boolean" } });
    const name = requireOption(values.name, "--name");
    const id = values.id ?? randomBytes(12).toString("hex");
    if (!COMPANY_ID.test(id)) throw new UsageError("--id may hold only letters, digits, _ and - (at most 64)");
    const { credentials } = await context.repositories();
    if (await credentials.companyExists(id)) {
      context.note(`Company ${id} already exists.`);
      return 1;
    }
    await credentials.createCompany(id, name);
    if (values.json) context.out(JSON.stringify({ companyId: id, name }));
    else {
      context.note(`Created company "${name}". Its id:`);
      context.out(id);
    }
    return 0;
  },
};
