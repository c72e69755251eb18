import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { ConfigError, loadConfigWithFallback } from "@ingest/shared/config";
import { type CommandContext, CommandFailure, EXIT, UsageError } from "./command.ts";
import { createCommandContext, describeTarget } from "./context.ts";
import { DEFAULT_STACK_FILE, readStackFile } from "./stack-file.ts";

/** The options every command has (declared once on the program). */
export interface GlobalOptions {
  json?: boolean;
  stackFile?: string;
  quiet?: boolean;
}

const note = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Runs one action: reads config (environment over the stack file `pnpm start` wrote), says
 * which servers it talks to, opens connections on demand, maps the outcome to an exit code
 * (process.exitCode) and closes everything.
 */
export async function runAction(
  globals: GlobalOptions,
  helpText: string,
  body: (context: CommandContext) => Promise<unknown>,
): Promise<void> {
  const json = globals.json === true;
  const fail = (message: string, code: number): void => {
    note(message);
    // Under --json a script still gets a JSON document to read.
    if (json) process.stdout.write(`${JSON.stringify({ error: message })}\n`);
    process.exitCode = code;
  };

  let loaded: ReturnType<typeof loadConfigWithFallback>;
  let source: string;
  /** Said after a failure: the servers of a stopped `pnpm start` do not answer. */
  let hint = "";
  try {
    const stack = readStackFile(globals.stackFile ?? DEFAULT_STACK_FILE);
    loaded = loadConfigWithFallback(stack?.env ?? {});
    if (!stack) source = "from the environment";
    else if (!loaded.usedFallback) source = `from the environment (it sets ${loaded.setInEnvironment[0]}, so ${stack.path} is not used)`;
    else source = `from ${stack.path}, ${stack.running ? `written by pnpm start (pid ${stack.pid})` : `whose pnpm start (pid ${stack.pid}) is not running`}`;
    if (stack && loaded.usedFallback && !stack.running) hint = "\n(the local stack is not running: start it with ./pnpm start)";
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error), EXIT.failed);
    return;
  }

  const controller = new AbortController();
  /** Set once the command looks at `interrupted`: only then does a first Ctrl-C wait for a safe point. */
  let graceful = false;
  const onSignal = (): void => {
    if (!graceful || controller.signal.aborted) process.exit(EXIT.interrupted);
    note("cli: stopping at the next safe point (Ctrl-C again to quit at once)");
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const context = createCommandContext(loaded.config, {
    json,
    get interrupted() {
      graceful = true;
      return controller.signal;
    },
    out: json ? note : (line) => void process.stdout.write(`${line}\n`),
    note,
    // Said once, when the first connection opens: which servers, and why those.
    announce: () => {
      if (!globals.quiet) note(`cli: ${describeTarget(loaded.config)} — ${source}`);
    },
  });
  try {
    const code = await body(context);
    process.exitCode = typeof code === "number" ? code : controller.signal.aborted ? EXIT.interrupted : EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      note(`error: ${error.message}\n${helpText.split("\n")[0]}\n(add --help for usage)`);
      if (json) process.stdout.write(`${JSON.stringify({ error: error.message })}\n`);
      process.exitCode = EXIT.usage;
    } else if (error instanceof CommandFailure || error instanceof ConfigError) {
      fail(error.message, EXIT.failed);
    } else {
      fail(`failed: ${error instanceof Error ? error.message : String(error)}${hint}`, EXIT.failed);
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await context.close();
  }
}

/** `runAction` for a commander action: the global options and the help come from the command. */
export function runFor(command: CommandUnknownOpts, body: (context: CommandContext) => Promise<unknown>): Promise<void> {
  return runAction(command.optsWithGlobals() as GlobalOptions, command.helpInformation(), body);
}
