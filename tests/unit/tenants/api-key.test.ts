import { expect } from "chai";
import {
  apiKeyHash,
  apiKeyIdOf,
  isWellFormedApiKey,
  newApiKey,
  sameApiKeyHash,
} from "../../../runtime/tenants/api-key";

describe("API keys", () => {
  it("are 256 random bits, base64url, behind a prefix a secret scanner can match", () => {
    const { key, hash } = newApiKey();
    expect(key).to.match(/^kp_live_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice("kp_live_".length), "base64url")).to.have.lengthOf(32);
    expect(newApiKey("test").key).to.match(/^kp_test_/);
    expect(hash)
      .to.equal(apiKeyHash(key))
      .and.to.match(/^[0-9a-f]{64}$/);
  });

  it("are never the same twice (a thousand of them)", () => {
    const keys = new Set(Array.from({ length: 1000 }, () => newApiKey().key));
    expect(keys.size).to.equal(1000);
  });

  const forms: [string, boolean][] = [
    [newApiKey().key, true],
    [newApiKey("test").key, true],
    [`kp_live_${"A".repeat(42)}`, false],
    [`kp_live_${"A".repeat(44)}`, false],
    [`kp_prod_${"A".repeat(43)}`, false],
    [`kp_live_${"A".repeat(42)}=`, false],
    [`KP_LIVE_${"A".repeat(43)}`, false],
    ["", false],
  ];
  for (const [text, ok] of forms) {
    it(`${JSON.stringify(text.slice(0, 20))}... (${text.length} characters) is ${ok ? "" : "not "}well formed`, () =>
      expect(isWellFormedApiKey(text)).to.equal(ok));
  }

  it("compares hashes in constant time, and an empty or odd hash matches nothing", () => {
    const { hash } = newApiKey();
    expect(sameApiKeyHash(hash, hash)).to.equal(true);
    expect(sameApiKeyHash(hash, apiKeyHash("other"))).to.equal(false);
    expect(sameApiKeyHash("", "")).to.equal(false);
    expect(sameApiKeyHash(hash, hash.slice(0, 62))).to.equal(false);
  });

  it("are named by a short id that is no key and no whole hash", () => {
    const { key, hash } = newApiKey();
    const id = apiKeyIdOf(hash);
    expect(id).to.match(/^key_[0-9a-f]{12}$/);
    expect(key).to.not.contain(id.slice(4));
  });
});
