/**
 * A tenant's API key: what it looks like, how it is made, and the one form the pipeline
 * stores (its SHA-256).
 *
 * - 256 bits from crypto.randomBytes, base64url: a key cannot be guessed, so each is as
 *   strong as the hash that stores it.
 * - A recognizable prefix, `kp_live_` (`kp_test_` for the local stack), so a leaked key is
 *   found by secret scanners (GitHub's custom patterns, trufflehog) and told apart from
 *   other tokens at a glance.
 * - Stored as SHA-256 only, and looked up by that hash. A slow, salted hash (bcrypt, scrypt,
 *   Argon2) defends low-entropy secrets (passwords) against dictionary guessing; a 256-bit
 *   random key has no dictionary, and 2^256 SHA-256 evaluations stay out of reach at any
 *   speed. A salt would also make lookup by hash impossible (every stored key would have to
 *   be tried), and a slow hash would cost every request tens of milliseconds of CPU.
 * - Shown once, at creation (`npm run tenants -- create|rotate`): nothing can show it again.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Random bytes in a key: 256 bits. */
export const API_KEY_RANDOM_BYTES = 32;
export const API_KEY_PREFIXES = { live: "kp_live_", test: "kp_test_" } as const;
export type ApiKeyKind = keyof typeof API_KEY_PREFIXES;

/** base64url of 32 bytes: 43 characters, no padding. */
const KEY_BODY_LENGTH = Math.ceil((API_KEY_RANDOM_BYTES * 8) / 6);
const WELL_FORMED = new RegExp(`^kp_(live|test)_[A-Za-z0-9_-]{${KEY_BODY_LENGTH}}$`);
/** What a key looks like, for an error that says a key is malformed (never what a key holds). */
export const API_KEY_FORM = `kp_live_ (or kp_test_) followed by ${KEY_BODY_LENGTH} base64url characters`;

/** A new key: its text (to show once) and its hash (to store). */
export function newApiKey(kind: ApiKeyKind = "live"): { key: string; hash: string } {
  const key = `${API_KEY_PREFIXES[kind]}${randomBytes(API_KEY_RANDOM_BYTES).toString("base64url")}`;
  return { key, hash: apiKeyHash(key) };
}

export function isWellFormedApiKey(text: string): boolean {
  return WELL_FORMED.test(text);
}

/** The stored form of a key: SHA-256, hex. */
export function apiKeyHash(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/**
 * Whether a stored hash is the hash of the presented key, in time that does not depend on
 * where they differ. The table is read by the hash already; comparing again in constant time
 * means no code path ever tells a near miss from a far one, whatever a store returns.
 */
export function sameApiKeyHash(stored: string, presented: string): boolean {
  const a = Buffer.from(stored, "hex");
  const b = Buffer.from(presented, "hex");
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

/**
 * A key's public name, for listing and revoking: the first 12 hex digits of its hash. It
 * names a key without being one: a hash's prefix tells nothing usable about a 256-bit key.
 */
export function apiKeyIdOf(hash: string): string {
  return `key_${hash.slice(0, 12)}`;
}
