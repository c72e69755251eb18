import { resolve } from "node:path";
import { type Command, Option } from "@commander-js/extra-typings";
import { CommandFailure, EXIT, requireCompanyId, UsageError } from "../command.ts";
import { durationUpTo, integerBetween } from "../option-parsers.ts";
import { CheckpointFile } from "../reprocess/reprocess-checkpoint.ts";
import { createProgressReporter } from "../reprocess/reprocess-progress.ts";
import { reprocessImages } from "../reprocess/reprocess-run.ts";
import { describeScope, imagesInScope, type ReprocessScope } from "../reprocess/reprocess-scope.ts";
import { runFor } from "../run-action.ts";

const DEFAULT_CHECKPOINT_DIR = resolve(import.meta.dirname, "../../../../.data/reprocess");
const IMAGE_ID = /^[0-9a-f]{24}$/;

function scopeFrom(options: { image?: string; product?: string; company?: string; all?: boolean }): ReprocessScope {
  const chosen = [options.image, options.product, options.all ? "all" : undefined].filter((value) => value !== undefined);
  if (chosen.length > 1) throw new UsageError("choose one of --image, --product, --company or --all");
  if (options.image !== undefined) {
    if (!IMAGE_ID.test(options.image)) throw new UsageError("--image takes an image id (24 hex characters)");
    return { kind: "image", imageId: options.image };
  }
  if (options.product !== undefined) {
    if (options.company === undefined) throw new UsageError("--product needs --company (tenancy)");
    return { kind: "product", companyId: requireCompanyId(options.company), productId: options.product };
  }
  if (options.all) {
    if (options.company !== undefined) throw new UsageError("choose one of --company or --all");
    return { kind: "all" };
  }
  if (options.company !== undefined) return { kind: "company", companyId: requireCompanyId(options.company) };
  throw new UsageError("say what to reprocess: --image <id>, --product <id> --company <id>, --company <id> or --all");
}

export function registerReprocessCommand(program: Command): void {
  program
    .command("reprocess")
    .description("re-run derivatives (after a change of DERIVATIVE_WIDTHS, DERIVATIVE_FORMATS, …) through the workers")
    .option("--image <imageId>", "one image")
    .option("--product <productId>", "one product's images (with --company)")
    .option("--company <id>", "a company's images")
    .option("--all", "every image")
    .option("--concurrency <n>", "images handed to the workers at once (1 to 64)", integerBetween(1, 64), 4)
    .addOption(
      new Option("--image-timeout <duration>", "how long one image may take, queue wait included")
        .argParser(durationUpTo(24 * 3600_000, "24h"))
        .default(600_000, "10m"),
    )
    .option("--dry-run", "count and list what would be reprocessed; change nothing")
    .option("--restart", "ignore the checkpoint of an interrupted run and start over")
    .option("--checkpoint-dir <dir>", "where interrupted runs keep their place", DEFAULT_CHECKPOINT_DIR)
    .addHelpText(
      "after",
      "\nThe workers do the work, with their settings: start them with the new configuration first.\n" +
        "Ctrl-C stops handing out images, waits for those in flight and keeps its place: the same\n" +
        "command resumes there. A second Ctrl-C quits at once (at most --concurrency images are redone).",
    )
    .action((options, command) =>
      runFor(command, async (context) => {
        const scope = scopeFrom(options);
        const { concurrency, imageTimeout: imageTimeoutMs } = options;
        const { images, products, credentials } = await context.repositories();
        if (scope.kind === "product" && !(await products.find(scope.companyId, scope.productId))) {
          throw new CommandFailure(`No product ${scope.productId} in company ${scope.companyId}.`);
        }
        if (scope.kind === "company" && !(await credentials.companyExists(scope.companyId))) throw new CommandFailure(`No company ${scope.companyId}.`);

        const checkpoint = new CheckpointFile(options.checkpointDir, scope);
        const earlier = options.restart ? undefined : checkpoint.read();
        const after = earlier?.after ?? null;
        let remaining = 0;
        const ids: string[] = [];
        for await (const image of imagesInScope(images, scope, after)) {
          remaining++;
          if (options.dryRun) ids.push(image.id);
        }
        const alreadyDone = earlier?.done ?? 0;
        const total = alreadyDone + remaining;
        if (earlier) context.note(`reprocess: resuming ${describeScope(scope)} after image ${earlier.after ?? "(none)"}: ${alreadyDone} done earlier, ${remaining} to go`);

        if (options.dryRun) {
          context.result({ scope, dryRun: true, wouldReprocess: ids.length, imageIds: ids }, () => {
            for (const id of ids) context.out(`would reprocess ${id}`);
            context.out(`would reprocess ${ids.length} image(s): ${describeScope(scope)}`);
          });
          return EXIT.ok;
        }
        if (remaining === 0) {
          checkpoint.remove();
          context.result({ scope, outcomes: {}, done: alreadyDone, total, interrupted: false, failures: [] }, () =>
            context.out(`nothing to reprocess: ${describeScope(scope)} has no ready image${earlier ? " left" : ""}`),
          );
          return EXIT.ok;
        }
        const inspector = await context.queueInspector();
        const workers = (await inspector.overview())[0]?.workers ?? 0;
        if (workers === 0) throw new CommandFailure("no worker is connected to the queue: start one (pnpm start) so it can do the work; nothing was changed");

        context.note(`reprocess: ${describeScope(scope)}: ${remaining} image(s), ${concurrency} at a time, by ${workers} worker(s)`);
        const report = await reprocessImages(
          {
            images,
            queue: await context.queue(),
            storage: await context.storage(),
            progress: createProgressReporter(process.stderr, "reprocess"),
            checkpoint,
          },
          { scope, concurrency, imageTimeoutMs, signal: context.interrupted, after, alreadyDone, total },
        );
        context.result({ scope, ...report }, () => {
          const counts = Object.entries(report.outcomes)
            .filter(([, count]) => count > 0)
            .map(([outcome, count]) => `${outcome} ${count}`);
          context.out(`reprocessed ${report.done}/${report.total} image(s)${counts.length > 0 ? `: ${counts.join(", ")}` : ""}`);
        });
        if (report.interrupted) {
          context.note(`reprocess: interrupted; run the same command again to resume (${checkpoint.path})`);
          return EXIT.interrupted;
        }
        return report.outcomes.timeout + report.outcomes.failed > 0 ? EXIT.failed : EXIT.ok;
      }),
    );
}
