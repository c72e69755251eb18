import { AppError, type Scope } from "@ingest/shared";

const CHALLENGE = { "www-authenticate": 'Bearer realm="api"' };

export const missingCredentials = (): AppError =>
  new AppError("unauthorized", "Missing credentials: send Authorization: Bearer <token>", { headers: CHALLENGE });
export const malformedCredentials = (): AppError =>
  new AppError("unauthorized", "Malformed Authorization header: expected Bearer <token>", { headers: CHALLENGE });
/** One text for unknown, revoked, expired or forged credentials: the caller learns nothing more. */
export const invalidCredentials = (): AppError =>
  new AppError("unauthorized", "Invalid or expired credentials", {
    headers: { "www-authenticate": 'Bearer realm="api", error="invalid_token"' },
  });
export const missingScope = (scope: Scope): AppError =>
  new AppError("forbidden", `This credential lacks the ${scope} scope`);
