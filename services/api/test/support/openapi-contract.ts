import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { Reply } from "./http.ts";

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is read as plain JSON
type Json = any;

/**
 * Holds live replies to the app's own OpenAPI document: the status must be documented for the
 * operation, the body must match the documented schema, every header the document marks as
 * required (x-required-headers) must be there, and every documented header that is present must
 * match its schema.
 */
export function createContractChecker(spec: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const seen = new Set<string>();

  return {
    seen,
    /** `path` is the Fastify template, e.g. /api/v1/products/:id. */
    check(method: string, path: string, reply: Reply): void {
      const openapiPath = path.replace(/:([A-Za-z]+)/g, "{$1}").replace(/\*$/, "{*}");
      const operation = spec.paths?.[openapiPath]?.[method.toLowerCase()];
      if (!operation) throw new Error(`${method} ${openapiPath} is not in the OpenAPI document`);
      const documented = operation.responses?.[String(reply.status)];
      if (!documented) {
        throw new Error(`${method} ${openapiPath} answered ${reply.status}, which the document does not list (it lists ${Object.keys(operation.responses)})`);
      }
      seen.add(`${method.toUpperCase()} ${openapiPath} ${reply.status}`);
      const media = documented.content?.["application/json"];
      if (media) {
        const validate = ajv.compile(media.schema);
        if (!validate(reply.body)) {
          throw new Error(`${method} ${openapiPath} ${reply.status}: body ${reply.text} does not match: ${ajv.errorsText(validate.errors)}`);
        }
      } else if (reply.status === 204 && reply.text !== "") {
        throw new Error(`${method} ${openapiPath} 204 carried a body`);
      }
      for (const name of (media?.schema?.["x-required-headers"] ?? []) as string[]) {
        if (!reply.headers.has(name)) throw new Error(`${method} ${openapiPath} ${reply.status}: the header ${name} is missing`);
      }
      for (const [name, header] of Object.entries((documented.headers ?? {}) as Record<string, Json>)) {
        const value = reply.headers.get(name);
        if (value === null) continue;
        const validate = ajv.compile(header.schema);
        if (!validate(value)) throw new Error(`${method} ${openapiPath} ${reply.status}: header ${name}: ${value} does not match ${JSON.stringify(header.schema)}`);
      }
    },
  };
}

/** The example bodies the document gives for one status of one operation. */
export function documentedExamples(spec: Json, method: string, openapiPath: string, status: number): unknown[] {
  const media = spec.paths[openapiPath][method.toLowerCase()].responses[String(status)]?.content?.["application/json"];
  if (!media) return [];
  return [...(media.example === undefined ? [] : [media.example]), ...Object.values((media.examples ?? {}) as Record<string, { value: unknown }>).map((e) => e.value)];
}

/** The published page's response sections: status → the JSON body, parsed. */
export function publishedBodies(markdown: string): Map<number, unknown> {
  const bodies = new Map<number, unknown>();
  for (const match of markdown.matchAll(/^### (\d{3}) — [^\n]*\n\n```json\n([\s\S]*?)```/gm)) bodies.set(Number(match[1]), JSON.parse(match[2] ?? ""));
  return bodies;
}
