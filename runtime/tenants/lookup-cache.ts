/**
 * The ingest tasks' cache of key lookups: answers (a tenant, an unknown key, a disabled
 * tenant: misses too) are kept for `ttlMs`, so a flood of requests costs one DynamoDB read
 * per key per TTL, and a flood of made-up keys is bounded by `maxEntries` (the least
 * recently used entry goes first). Concurrent lookups of one key share one read.
 *
 * The bound this gives: a key revoked, or a tenant disabled or enabled, at time t is honoured
 * by every task from t + ttlMs + the time of one lookup in flight at t at the latest. Failed
 * lookups (DynamoDB unreachable) are not kept: the next request asks again.
 *
 * A key in use is read again ahead of its expiry: a hit in the last REFRESH_AHEAD share of
 * its TTL starts one read in the background and is answered from the cache meanwhile. So a
 * busy key never expires under its requests (no stampede of reads, no request waiting for
 * one, when the keys cached at the same moment all expire together), and no answer is ever
 * older than the TTL: the bound above holds as it is.
 */
export interface LookupCacheOptions {
  ttlMs: number;
  maxEntries: number;
  /** Milliseconds now; tests pass a fake clock. */
  now?: () => number;
}

/** The share of the TTL, at its end, in which a hit reads the key again in the background. */
export const REFRESH_AHEAD = 0.2;

interface Entry<V> {
  value: V;
  expiresAt: number;
  refreshAt: number;
}

export class LookupCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inFlight = new Map<string, Promise<V>>();
  private readonly now: () => number;

  constructor(private readonly options: LookupCacheOptions) {
    if (options.maxEntries < 1) throw new Error(`maxEntries must be at least 1, got ${options.maxEntries}`);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The kept answer for `key`, if fresh (synchronous: the hot path awaits nothing on a hit).
   * Given `load`, a hit near the end of the TTL reads the key again in the background.
   */
  peek(key: string, load?: (key: string) => Promise<V>): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    const now = this.now();
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    // Most recently used last: Map keeps insertion order, so re-insert.
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (load && now >= entry.refreshAt && !this.inFlight.has(key)) {
      // A failed refresh keeps the entry until it expires: the next hit after that reads again.
      this.loadOnce(key, load).catch(() => undefined);
    }
    return entry.value;
  }

  /** The answer for `key`: kept, or loaded once (however many ask meanwhile) and kept. */
  get(key: string, load: (key: string) => Promise<V>): Promise<V> {
    const kept = this.peek(key, load);
    if (kept !== undefined) return Promise.resolve(kept);
    return this.loadOnce(key, load);
  }

  /** One read of `key` at a time, kept when it succeeds. */
  private loadOnce(key: string, load: (key: string) => Promise<V>): Promise<V> {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const loading = load(key).then(
      (value) => {
        this.inFlight.delete(key);
        this.keep(key, value);
        return value;
      },
      (error: unknown) => {
        this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, loading);
    return loading;
  }

  private keep(key: string, value: V): void {
    this.entries.delete(key);
    while (this.entries.size >= this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    const now = this.now();
    this.entries.set(key, {
      value,
      expiresAt: now + this.options.ttlMs,
      refreshAt: now + this.options.ttlMs * (1 - REFRESH_AHEAD),
    });
  }
}
