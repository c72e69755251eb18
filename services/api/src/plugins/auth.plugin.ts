import type { Scope } from "@ingest/shared";
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import fp from "fastify-plugin";
import { missingScope } from "../auth/auth-errors.ts";
import type { Authenticate } from "../auth/authenticator.ts";
import type { Principal } from "../auth/principal.ts";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The scope a route needs; every route behind `authorize` must name one. */
    scope?: Scope;
  }
  interface FastifyInstance {
    /** onRequest hook: authenticates the caller (401) and checks the route's scope (403). */
    authorize: onRequestAsyncHookHandler;
  }
}

async function authPlugin(app: FastifyInstance, { authenticate }: { readonly authenticate: Authenticate }): Promise<void> {
  app.decorateRequest("principal", null);
  app.decorate("authorize", async function authorize(request: FastifyRequest, reply: FastifyReply) {
    const principal = await authenticate(request.headers.authorization);
    request.principal = principal;
    // Who called goes on every later line of this request, the completion line included.
    const log = request.log.child({ companyId: principal.companyId, credential: principal.credentialId });
    request.log = log;
    reply.log = log;
    const scope = request.routeOptions.config.scope;
    if (scope === undefined || !principal.scopes.includes(scope)) throw missingScope(scope ?? "products:write");
  });
}

/** The authenticated caller of a route behind `authorize`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error("route is not behind the authorize hook");
  return request.principal;
}

export default fp(authPlugin, { name: "auth", fastify: "5.x" });
