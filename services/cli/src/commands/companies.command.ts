import { randomBytes } from "node:crypto";
import type { Command } from "@commander-js/extra-typings";
import { CommandFailure, requireCompanyId, UsageError } from "../command.ts";
import { runFor } from "../run-action.ts";

export function registerCompaniesCommand(program: Command): void {
  const companies = program.command("companies").description("create and list companies (tenants)");

  companies
    .command("create")
    .description("create a company and print its id")
    .requiredOption("--name <name>", "display name")
    .option("--id <id>", "the id (letters, digits, _ and -; random if omitted)")
    .action((options, command) =>
      runFor(command, async (context) => {
        const name = options.name.trim();
        if (name === "") throw new UsageError("--name must not be empty");
        const id = requireCompanyId(options.id ?? randomBytes(12).toString("hex"));
        const { credentials } = await context.repositories();
        if (await credentials.companyExists(id)) throw new CommandFailure(`Company ${id} already exists.`);
        await credentials.createCompany(id, name);
        context.result({ companyId: id, name }, () => {
          context.note(`Created company "${name}". Its id:`);
          context.out(id);
        });
      }),
    );

  companies
    .command("list")
    .description("list every company, oldest first")
    .action((_options, command) =>
      runFor(command, async (context) => {
        const { credentials } = await context.repositories();
        const rows = (await credentials.listCompanies()).map(({ id, name, createdAt }) => ({ companyId: id, name, createdAt: createdAt.toISOString() }));
        context.result(rows, () => {
          if (rows.length === 0) context.note("No companies. Create one with: pnpm cli companies create --name <name>");
          for (const row of rows) context.out(`${row.companyId}  ${row.name}  created ${row.createdAt}`);
        });
      }),
    );
}
