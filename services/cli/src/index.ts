export type { Command, CommandContext } from "./command.ts";
export { UsageError } from "./command.ts";
export { COMMANDS } from "./command-table.ts";
export { runCli } from "./main.ts";
