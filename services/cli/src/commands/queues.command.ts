import type { Command } from "@commander-js/extra-typings";
import type { QueueJobSummary } from "@ingest/shared/queue";
import { UsageError } from "../command.ts";
import { integerBetween } from "../option-parsers.ts";
import { runFor } from "../run-action.ts";

const FAILED_SHOWN = 10;

function jobView(job: QueueJobSummary) {
  return {
    queue: job.queue,
    id: job.id,
    name: job.name,
    data: job.data,
    createdAt: job.createdAt.toISOString(),
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason,
    finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null,
  };
}

function age(from: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(from)) / 1000));
  return seconds < 120 ? `${seconds} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`;
}

/** `retry` and `drop` share their arguments: job ids, or --all. */
function selection(ids: readonly string[], all: boolean | undefined): string[] | null {
  if (all && ids.length > 0) throw new UsageError("give job ids or --all, not both");
  if (!all && ids.length === 0) throw new UsageError("give one or more job ids, or --all");
  return all ? null : [...ids];
}

export function registerQueuesCommand(program: Command): void {
  const queues = program.command("queues").description("job counts, the oldest waiting job, failed jobs; retry or drop failed jobs");

  queues
    .command("show", { isDefault: true })
    .description("counts by state per queue, the oldest waiting job and the latest failed jobs with their reasons (the default)")
    .option("--failed <n>", "how many failed jobs to list per queue (0 to 1000)", integerBetween(0, 1000), FAILED_SHOWN)
    .action((options, command) =>
      runFor(command, async (context) => {
        const limit = options.failed;
        const inspector = await context.queueInspector();
        const overview = await inspector.overview();
        const failed = limit > 0 ? (await inspector.failed(limit)).map(jobView) : [];
        const view = {
          queues: overview.map(({ queue, counts, oldestWaiting, workers }) => ({
            queue,
            workers,
            counts,
            oldestWaiting: oldestWaiting ? jobView(oldestWaiting) : null,
          })),
          failed,
        };
        const now = Date.now();
        context.result(view, () => {
          for (const queue of view.queues) {
            const counts = Object.entries(queue.counts).map(([state, count]) => `${state} ${count}`);
            context.out(`queue ${queue.queue} (${queue.workers} worker(s)): ${counts.join(", ")}`);
            if (queue.oldestWaiting) context.out(`  oldest waiting: ${queue.oldestWaiting.id} (${queue.oldestWaiting.name}), ${age(queue.oldestWaiting.createdAt, now)} old`);
          }
          if (failed.length > 0) context.out(`failed jobs (latest ${limit} per queue; retry or drop them with: pnpm cli queues retry|drop <id>… | --all):`);
          for (const job of failed) {
            context.out(`  ${job.queue} ${job.id}  ${job.name}  after ${job.attemptsMade} attempt(s), ${job.finishedAt ? `${age(job.finishedAt, now)} ago` : ""}: ${job.failedReason ?? "no reason"}`);
          }
        });
      }),
    );

  for (const [verb, description] of [
    ["retry", "move failed jobs back to waiting, to run again"],
    ["drop", "delete failed jobs (their images stay as the ledger says; reconcile redoes what is due)"],
  ] as const) {
    queues
      .command(verb)
      .description(description)
      .argument("[jobIds...]", "the failed jobs' ids (queues show)")
      .option("--all", "every failed job")
      .action((jobIds, options, command) =>
        runFor(command, async (context) => {
          const ids = selection(jobIds, options.all);
          const inspector = await context.queueInspector();
          const done = verb === "retry" ? await inspector.retryFailed(ids) : await inspector.dropFailed(ids);
          const missing = ids ? ids.filter((id) => !done.includes(id)) : [];
          context.result({ [verb === "retry" ? "retried" : "dropped"]: done, notFailed: missing }, () => {
            context.out(`${verb === "retry" ? "retried" : "dropped"} ${done.length} failed job(s)${done.length > 0 ? `: ${done.join(", ")}` : ""}`);
            if (missing.length > 0) context.note(`not failed (or not found): ${missing.join(", ")}`);
          });
          return missing.length > 0 ? 1 : 0;
        }),
      );
  }
}
