import { Command, Option } from "@commander-js/extra-typings";
import { registerCompaniesCommand } from "./commands/companies.command.ts";
import { registerDemoCommand } from "./commands/demo.command.ts";
import { registerImagesCommand } from "./commands/images.command.ts";
import { registerKeysCommand } from "./commands/keys.command.ts";
import { registerProductsCommand } from "./commands/products.command.ts";
import { registerQueuesCommand } from "./commands/queues.command.ts";
import { registerReconcileCommand } from "./commands/reconcile.command.ts";
import { registerReprocessCommand } from "./commands/reprocess.command.ts";
import { registerStoreCommand } from "./commands/store.command.ts";
import { registerTokensCommand } from "./commands/tokens.command.ts";
import { registerWebhooksCommand } from "./commands/webhooks.command.ts";
import { DEFAULT_STACK_FILE } from "./stack-file.ts";

/**
 * The whole command tree (commander: generated help, typed options, subcommands). Adding a
 * command is one register function and one line here. Only commander and the command modules
 * load at start; each action imports the I/O libraries it needs when it runs.
 */
export function createProgram(options: { json?: boolean } = {}): Command {
  const program = new Command("pnpm cli")
    .description("Operator commands for the image ingestion service: tenants, keys, products, images, queues.")
    .option("--json", "print only JSON on stdout (every other line goes to stderr)")
    .addOption(
      new Option("--stack-file <path>", "the settings pnpm start wrote; used when the environment names no server").default(
        DEFAULT_STACK_FILE,
        "<repo>/.data/stack.json",
      ),
    )
    .option("-q, --quiet", "do not print which servers the command talks to")
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      // Under --json even help goes to stderr: stdout is for the JSON document alone.
      writeOut: (text) => void (options.json ? process.stderr : process.stdout).write(text),
      writeErr: (text) => void process.stderr.write(text),
    })
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();
  program.addHelpText(
    "after",
    "\nServers: the variables in the environment (as the services read them), else the ones pnpm start\nwrote to .data/stack.json. Exit codes: 0 done, 1 failed, 2 bad usage, 130 interrupted.",
  );
  const parent = program as unknown as Command;
  for (const register of [
    registerCompaniesCommand,
    registerKeysCommand,
    registerTokensCommand,
    registerProductsCommand,
    registerImagesCommand,
    registerReprocessCommand,
    registerReconcileCommand,
    registerQueuesCommand,
    registerStoreCommand,
    registerWebhooksCommand,
    registerDemoCommand,
  ]) {
    register(parent);
  }
  return parent;
}
