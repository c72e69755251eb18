import { AppError } from "@ingest/shared";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/**
 * JSON is UTF-8 (RFC 8259): a JSON body declared in another charset is refused with 415 before it
 * is parsed, rather than read as UTF-8 and mangled. `charset=utf-8` (any case) or none is fine.
 */
async function jsonCharsetPlugin(app: FastifyInstance): Promise<void> {
  app.addHook("preParsing", async (request) => {
    const header = request.headers["content-type"];
    if (typeof header !== "string") return;
    const [type = "", ...params] = header.split(";").map((part) => part.trim().toLowerCase());
    if (type !== "application/json") return;
    const charset = params.find((param) => param.startsWith("charset="))?.slice("charset=".length).replace(/^"|"$/g, "");
    if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
      throw new AppError("unsupported_type", `Unsupported charset "${charset}": send JSON as UTF-8`);
    }
  });
}

export default fp(jsonCharsetPlugin, { name: "json-charset", fastify: "5.x" });
