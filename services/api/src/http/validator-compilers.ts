import { AjvCompiler } from "@fastify/ajv-compiler";
import type { FastifyServerOptions } from "fastify";

type SchemaController = NonNullable<FastifyServerOptions["schemaController"]>;
type ValidatorFactory = NonNullable<NonNullable<SchemaController["compilersFactory"]>["buildValidator"]>;
/** Fastify's `ajv` server option, as the pool receives it. */
type CompilerOptions = { customOptions?: Record<string, unknown>; [option: string]: unknown };
/** What a pool's compiler is called with at run time (its published type says otherwise). */
type RouteSchema = { schema: unknown; method: string; url: string; httpPart?: string };
type Pool = (externalSchemas: unknown, options: CompilerOptions) => (route: RouteSchema) => unknown;

/**
 * Two validators over one set of schemas: JSON bodies are checked as sent (`{"name": 123}` and
 * `{"name": ["x"]}` are 400s, never turned into "123" and "x"), while query strings, path
 * parameters and headers, which arrive as text, are coerced to their declared types
 * (`?limit=10` is the integer 10).
 */
export function strictBodyValidators(): SchemaController {
  const pool = AjvCompiler() as unknown as Pool;
  const buildValidator = (externalSchemas: unknown, options: CompilerOptions = {}) => {
    const coercing = pool(externalSchemas, { ...options, customOptions: { ...options.customOptions } });
    const strict = pool(externalSchemas, { ...options, customOptions: { ...options.customOptions, coerceTypes: false } });
    return (route: RouteSchema) => (route.httpPart === "body" ? strict : coercing)(route);
  };
  return { compilersFactory: { buildValidator: buildValidator as unknown as ValidatorFactory } };
}
