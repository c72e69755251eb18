import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/**
 * The SSRF guard. A webhook URL must be https (or http to a loopback host when the loopback flag is
 * on, for tests and local use), and every address its host resolves to must be public: private,
 * loopback, link-local, CGNAT, unspecified and multicast ranges are refused (loopback allowed only
 * with the flag). The worker checks again before every delivery, since DNS can change.
 */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const) {
  PRIVATE.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
] as const) {
  PRIVATE.addSubnet(net, prefix, "ipv6");
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

export class WebhookUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookUrlError";
  }
}

/** The address's family and text, with an IPv4-mapped IPv6 address read as the IPv4 it carries. */
function normalise(address: string): { address: string; family: "ipv4" | "ipv6" } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], family: "ipv4" };
  return { address, family: isIP(address) === 6 ? "ipv6" : "ipv4" };
}

export function isLoopbackAddress(address: string): boolean {
  const { address: text, family } = normalise(address);
  return LOOPBACK.check(text, family);
}

export function isPrivateAddress(address: string): boolean {
  const { address: text, family } = normalise(address);
  return PRIVATE.check(text, family) || LOOPBACK.check(text, family);
}

/** The URL's form alone (no DNS): https, or http with the loopback flag; no credentials in it. */
export function checkWebhookUrlForm(text: string, allowLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookUrlError("The webhook URL is not a valid absolute URL.");
  }
  if (url.username || url.password) throw new WebhookUrlError("The webhook URL must not carry credentials.");
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && allowLoopback) return url;
  throw new WebhookUrlError(allowLoopback ? "The webhook URL must be https:// (or http:// to a loopback address)." : "The webhook URL must be https://.");
}

/**
 * Resolves the URL's host and refuses it unless every address is public (or loopback with the
 * flag). An http:// URL must resolve to loopback only. Returns the addresses.
 */
export async function checkWebhookUrl(text: string, allowLoopback: boolean, resolve = defaultResolve): Promise<string[]> {
  const url = checkWebhookUrlForm(text, allowLoopback);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [host] : await resolve(host);
  if (addresses.length === 0) throw new WebhookUrlError(`The webhook host ${host} does not resolve.`);
  for (const address of addresses) {
    const loopback = isLoopbackAddress(address);
    if (loopback && allowLoopback) continue;
    if (isPrivateAddress(address)) throw new WebhookUrlError(`The webhook host ${host} resolves to a private, loopback or link-local address (${address}); refused.`);
    if (url.protocol === "http:") throw new WebhookUrlError("An http:// webhook URL must point at a loopback address.");
  }
  return addresses;
}

/** A resolver that does not answer in time must not hold a request (or a delivery) for its own timeouts. */
const LOOKUP_TIMEOUT_MS = 3_000;

async function defaultResolve(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WebhookUrlError(`The webhook host ${host} did not resolve within ${LOOKUP_TIMEOUT_MS / 1000} s.`)), LOOKUP_TIMEOUT_MS);
  });
  try {
    const entries = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
    return entries.map((entry) => entry.address);
  } catch (error) {
    if (error instanceof WebhookUrlError) throw error;
    throw new WebhookUrlError(`The webhook host ${host} does not resolve.`);
  } finally {
    clearTimeout(timer);
  }
}
