import { copyStore, openStore, parseStoreTarget } from "@ingest/store";
import { parseCommandArgs, requireOption } from "../args.ts";
import { type Command, UsageError } from "../command.ts";

const usage = `Usage:
  pnpm cli store show [--json]
      Which store the configuration points at (STORE, SQLITE_PATH, MONGO_URL, MONGO_DB).
  pnpm cli store copy --to <store> [--json]
      Copies everything in the configured store (companies, API keys, token revocations, live
      products, the whole image ledger) into another store, keeping ids, versions and times:
      the step from one machine (SQLite) to several (MongoDB), or back. <store> is
      sqlite:<path> or a mongodb:// URL whose path names the database (default image_ingest).
      Stop the API and the worker first: a write made during the copy may be missed. Records the
      target already has are left alone, so an interrupted copy can simply be run again.
      Image bytes are not copied: move the folder into a bucket with your S3 tool (see README).`;

export const storeCommand: Command = {
  name: "store",
  summary: "show the configured store, or copy it into another (SQLite ↔ MongoDB)",
  usage,
  async run([sub, ...rest], context) {
    const { values, positionals } = parseCommandArgs(rest, { to: { type: "string" }, json: { type: "boolean", default: false } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (sub === "show") {
      const store = await context.store();
      await store.ping();
      context.out(values.json ? JSON.stringify({ kind: store.kind, description: store.description }) : store.description);
      return 0;
    }
    if (sub !== "copy") throw new UsageError(sub ? `unknown subcommand "store ${sub}"` : "store needs a subcommand");
    let target: ReturnType<typeof parseStoreTarget>;
    try {
      target = parseStoreTarget(requireOption(values.to, "--to"));
    } catch (error) {
      throw error instanceof UsageError ? error : new UsageError(error instanceof Error ? error.message : String(error));
    }
    const from = await context.store();
    const to = await openStore(target);
    try {
      if (to.description === from.description) throw new UsageError("--to names the configured store itself");
      context.note(`copying ${from.description} → ${to.description}`);
      const report = await copyStore(from, to, (progress) => {
        if (!values.json) process.stderr.write(`\r\x1b[2K  ${progress.kind}: ${progress.read} read, ${progress.written} new`);
      });
      if (!values.json) process.stderr.write("\n");
      if (values.json) context.out(JSON.stringify({ from: from.description, to: to.description, report }));
      else for (const [kind, counts] of Object.entries(report)) context.out(`${kind}: ${counts.read} read, ${counts.written} copied, ${counts.read - counts.written} already there`);
      return 0;
    } finally {
      await to.close();
    }
  },
};
