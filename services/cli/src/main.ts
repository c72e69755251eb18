import { ConfigError, loadConfig } from "@ingest/shared";
import { type Command, UsageError } from "./command.ts";
import { COMMANDS } from "./command-table.ts";
import { createCommandContext } from "./context.ts";

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const note = (line: string): void => void process.stderr.write(`${line}\n`);

function help(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Usage: pnpm cli <command> [...]\n\nCommands:\n${lines.join("\n")}\n\nRun "pnpm cli <command> --help" for a command's usage.`;
}

/** Reads config the way the services do, runs one command, closes what it opened. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    out(help());
    return name === undefined ? 2 : 0;
  }
  const command: Command | undefined = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    note(`Unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  if (args.includes("--help") || args.includes("-h")) {
    out(command.usage);
    return 0;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      note(error.message);
      return 1;
    }
    throw error;
  }
  const context = createCommandContext(config, { out, note });
  try {
    return await command.run(args, context);
  } catch (error) {
    if (error instanceof UsageError) {
      note(`${error.message}\n\n${command.usage}`);
      return 2;
    }
    note(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await context.close();
  }
}

if (import.meta.main) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      note(String(error));
      process.exit(1);
    },
  );
}
