import { describe, expect, it } from "vitest";
import { openSecret, sealSecret } from "./secret-box.ts";
import { newWebhookSecret, signWebhook, verifyWebhook } from "./webhook-signature.ts";

describe("Standard Webhooks signatures", () => {
  it("matches the reference libraries' test vector", () => {
    // The vector the Standard Webhooks / Svix libraries test against.
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    expect(signWebhook(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("verifies its own signatures, among several, and refuses a changed body, id or timestamp", () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const signature = signWebhook(secret, "evt_1", 1700000000, '{"a":1}');
    const headers = { id: "evt_1", timestamp: "1700000000", signature: `v1,bm90IGl0 ${signature}` };
    expect(verifyWebhook(secret, headers, '{"a":1}')).toBe(true);
    expect(verifyWebhook(secret, headers, '{"a":2}')).toBe(false);
    expect(verifyWebhook(secret, { ...headers, id: "evt_2" }, '{"a":1}')).toBe(false);
    expect(verifyWebhook(secret, { ...headers, timestamp: "1700000001" }, '{"a":1}')).toBe(false);
    expect(verifyWebhook(newWebhookSecret(), headers, '{"a":1}')).toBe(false);
  });
});

describe("sealed webhook secrets", () => {
  const key = Buffer.alloc(32, 7);

  it("seals with a key so the stored text does not hold the secret, and opens it again", () => {
    const sealed = sealSecret("whsec_abc", key);
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain("abc");
    expect(sealSecret("whsec_abc", key)).not.toBe(sealed); // a fresh IV each time
    expect(openSecret(sealed, key)).toBe("whsec_abc");
    expect(() => openSecret(sealed, Buffer.alloc(32, 8))).toThrow();
    expect(() => openSecret(sealed, undefined)).toThrow(/WEBHOOK_SECRET_KEY/);
  });

  it("without a key stores it plain (the README says so)", () => {
    expect(openSecret(sealSecret("whsec_abc", undefined), undefined)).toBe("whsec_abc");
  });
});
