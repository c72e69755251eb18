/** The slice of a pino logger the handlers use; tests pass pino({ level: "silent" }) or a spy. */
export interface WorkerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
