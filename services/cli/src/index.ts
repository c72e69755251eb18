export type { CommandContext } from "./command.ts";
export { CommandFailure, EXIT, UsageError } from "./command.ts";
export { runCli } from "./run-cli.ts";
export { createProgram } from "./program.ts";
