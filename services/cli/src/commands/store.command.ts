import type { Command } from "@commander-js/extra-typings";
import { UsageError } from "../command.ts";
import { runFor } from "../run-action.ts";

export function registerStoreCommand(program: Command): void {
  const store = program.command("store").description("show the configured store, or copy it into another (SQLite ↔ MongoDB)");

  store
    .command("show")
    .description("which store the configuration points at (STORE, SQLITE_PATH, MONGO_URL, MONGO_DB)")
    .action((_options, command) =>
      runFor(command, async (context) => {
        const opened = await context.store();
        await opened.ping();
        context.result({ kind: opened.kind, description: opened.description }, () => context.out(opened.description));
      }),
    );

  store
    .command("copy")
    .description("copy everything in the configured store into another one, keeping ids, versions and times")
    .requiredOption("--to <store>", "sqlite:<path>, or a mongodb:// URL whose path names the database (default image_ingest)")
    .addHelpText(
      "after",
      "\nThe step from one machine (SQLite) to several (MongoDB), or back: companies, API keys, token\n" +
        "revocations, live products and the whole image ledger. Stop the API and the worker first: a write\n" +
        "made during the copy may be missed. Records the target already has are left alone, so an\n" +
        "interrupted copy can simply be run again. Image bytes are not copied: move the folder into the\n" +
        "bucket with your S3 tool (see the README).",
    )
    .action((options, command) =>
      runFor(command, async (context) => {
        const { copyStore, openStore, parseStoreTarget } = await import("@ingest/store");
        let target: ReturnType<typeof parseStoreTarget>;
        try {
          target = parseStoreTarget(options.to);
        } catch (error) {
          throw new UsageError(error instanceof Error ? error.message : String(error));
        }
        const from = await context.store();
        const to = await openStore(target);
        try {
          if (to.description === from.description) throw new UsageError("--to names the configured store itself");
          context.note(`copying ${from.description} → ${to.description}`);
          const tty = process.stderr.isTTY === true && !context.json;
          const report = await copyStore(from, to, (progress) => {
            if (tty) process.stderr.write(`\r\x1b[2K  ${progress.kind}: ${progress.read} read, ${progress.written} new`);
          });
          if (tty) process.stderr.write("\n");
          context.result({ from: from.description, to: to.description, report }, () => {
            for (const [kind, counts] of Object.entries(report)) context.out(`${kind}: ${counts.read} read, ${counts.written} copied, ${counts.read - counts.written} already there`);
          });
        } finally {
          await to.close();
        }
      }),
    );
}
