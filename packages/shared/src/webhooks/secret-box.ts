import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Webhook secrets must stay usable for signing, so they cannot be hashed like API keys. With a key
 * configured (WEBHOOK_SECRET_KEY, 32 bytes), they are sealed with AES-256-GCM before they reach
 * the store: a copy of the database alone does not reveal them. Without one they are stored as
 * `plain:<secret>` (readable by whoever can read the store), which the README warns about.
 */
export function sealSecret(secret: string, key: Buffer | undefined): string {
  if (!key) return `plain:${secret}`;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const sealed = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return `v1:${iv.toString("base64")}:${cipher.getAuthTag().toString("base64")}:${sealed.toString("base64")}`;
}

export function openSecret(sealed: string, key: Buffer | undefined): string {
  if (sealed.startsWith("plain:")) return sealed.slice("plain:".length);
  const [version, iv, tag, data] = sealed.split(":");
  if (version !== "v1" || !iv || !tag || !data) throw new Error("unreadable sealed webhook secret");
  if (!key) throw new Error("this webhook secret is sealed; set WEBHOOK_SECRET_KEY to the key it was sealed with");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
}
