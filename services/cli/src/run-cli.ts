import { CommanderError } from "@commander-js/extra-typings";
import { EXIT } from "./command.ts";
import { createProgram } from "./program.ts";

/** Parses argv, runs the chosen action and returns the exit code (0 done, 1 failed, 2 usage). */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = createProgram({ json: argv.includes("--json") });
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    // Commander reports help and bad usage by throwing (exitOverride): help is 0, the rest usage.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
  return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
}
