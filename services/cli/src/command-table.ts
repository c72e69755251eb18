import type { Command } from "./command.ts";
import { companiesCommand } from "./commands/companies.command.ts";
import { demoCommand } from "./commands/demo.command.ts";
import { keysCommand } from "./commands/keys.command.ts";
import { reconcileCommand } from "./commands/reconcile.command.ts";
import { storeCommand } from "./commands/store.command.ts";
import { tokensCommand } from "./commands/tokens.command.ts";

/** Every CLI command; adding one is one import and one entry. */
export const COMMANDS: readonly Command[] = [keysCommand, tokensCommand, companiesCommand, demoCommand, reconcileCommand, storeCommand];
