/**
 * Who is writing: the tenant an `Authorization: Bearer <key>` header authenticates, or the
 * answer that refuses the request. The tenant comes from the key alone: nothing else of the
 * request (body, other headers, partition key) is read here or can change it.
 *
 * Answers (the API's JSON, never naming which part of a key matched, nor the key):
 * - 401 `missing_api_key`, `malformed_api_key`, `invalid_api_key` (unknown or revoked), with
 *   `WWW-Authenticate: Bearer` (RFC 6750 section 3: https://www.rfc-editor.org/rfc/rfc6750#section-3);
 * - 403 `tenant_disabled`;
 * - 429 `too_many_auth_failures` once an address failed too often (auth-failures.ts);
 * - 503 `auth_unavailable` when the tenants table cannot be read (nothing is cached then).
 */
import { API_KEY_FORM, apiKeyHash, isWellFormedApiKey } from "../tenants/api-key";
import { KeyResolution, resolveKey } from "../tenants/key-resolution";
import { LookupCache } from "../tenants/lookup-cache";
import { TenantLimits } from "../tenants/tenant-items";
import { TenantReader } from "../tenants/tenant-table";
import { AuthFailureThrottle } from "./auth-failures";
import { ApiError } from "./ingest-request";

/** The realm every challenge names. */
const REALM = 'Bearer realm="ingest"';
export const CHALLENGES = {
  missing: REALM,
  invalid: `${REALM}, error="invalid_token"`,
} as const;

export type AuthOutcome =
  | { ok: true; tenant: string; limits: TenantLimits }
  | { ok: false; error: ApiError; challenge?: string; retryAfterSeconds?: number };

const BEARER = /^Bearer +(\S+) *$/i;

/** The key an Authorization header carries: none, not a bearer key of ours, or one. */
export function bearerKey(
  header: string | undefined,
): { kind: "missing" | "malformed" } | { kind: "key"; key: string } {
  if (header === undefined || header.trim() === "") return { kind: "missing" };
  const match = BEARER.exec(header);
  if (!match || !isWellFormedApiKey(match[1])) return { kind: "malformed" };
  return { kind: "key", key: match[1] };
}

const REFUSALS = {
  missing: {
    status: 401,
    error: "missing_api_key",
    message: "no API key: send your tenant's key as the header Authorization: Bearer <key>",
    field: "Authorization",
    allowed: "Bearer <API key>",
  },
  malformed: {
    status: 401,
    error: "malformed_api_key",
    message: `the Authorization header holds no API key: send Authorization: Bearer <key>, the key being ${API_KEY_FORM}`,
    field: "Authorization",
    allowed: "Bearer <API key>",
  },
  unknown: {
    status: 401,
    error: "invalid_api_key",
    message: "the API key is not valid (it is unknown, or was revoked): ask your pipeline's operator for a key",
    field: "Authorization",
  },
  disabled: {
    status: 403,
    error: "tenant_disabled",
    message: "the tenant of this API key is disabled: ask your pipeline's operator to enable it",
  },
} as const satisfies Record<string, ApiError>;

export interface TenantAuthOptions {
  reader: TenantReader;
  cache: LookupCache<KeyResolution>;
  failures: AuthFailureThrottle;
  /** Told why a lookup failed (the request gets 503); the key is not passed on. */
  onLookupError?: (error: unknown) => void;
}

export class TenantAuth {
  /** A key's answer read from the table (once per key per TTL, through the cache). */
  private readonly load: (hash: string) => Promise<KeyResolution>;

  constructor(private readonly options: TenantAuthOptions) {
    this.load = (hash) => resolveKey(options.reader, hash);
  }

  private refused(address: string, kind: "missing" | "malformed" | "unknown"): AuthOutcome {
    this.options.failures.failed(address);
    return {
      ok: false,
      error: { ...REFUSALS[kind] },
      challenge: kind === "missing" ? CHALLENGES.missing : CHALLENGES.invalid,
    };
  }

  private answer(resolution: KeyResolution, address: string): AuthOutcome {
    if (resolution.kind === "tenant") return { ok: true, tenant: resolution.tenant, limits: resolution.limits };
    if (resolution.kind === "disabled") return { ok: false, error: { ...REFUSALS.disabled } };
    return this.refused(address, "unknown");
  }

  /** The caller's tenant, or the refusal; synchronous on a cached key (the hot path awaits nothing). */
  authenticate(header: string | undefined, address: string): AuthOutcome | Promise<AuthOutcome> {
    const waitMs = this.options.failures.retryAfterMs(address);
    if (waitMs > 0) {
      return {
        ok: false,
        error: {
          status: 429,
          error: "too_many_auth_failures",
          message: "too many requests with a missing or invalid API key from this address: retry later",
        },
        retryAfterSeconds: Math.ceil(waitMs / 1000),
      };
    }
    const presented = bearerKey(header);
    if (presented.kind !== "key") return this.refused(address, presented.kind);
    const hash = apiKeyHash(presented.key);
    // A key in use is read again before it expires, in the background (lookup-cache.ts).
    const kept = this.options.cache.peek(hash, this.load);
    if (kept !== undefined) return this.answer(kept, address);
    return this.options.cache.get(hash, this.load).then(
      (resolution) => this.answer(resolution, address),
      (error: unknown): AuthOutcome => {
        this.options.onLookupError?.(error);
        return {
          ok: false,
          error: {
            status: 503,
            error: "auth_unavailable",
            message: "the API key could not be checked just now: retry later",
          },
          retryAfterSeconds: 1,
        };
      },
    );
  }
}
