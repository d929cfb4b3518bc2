/**
 * Repeated authentication failures from one client address are throttled: each address
 * may fail `burst` times, and then once every `1000 / perSecond` ms; past that, its requests
 * get 429 with Retry-After without a lookup, so guessing keys costs the guesser time and the
 * table nothing. A token bucket per address, in a map bounded by `maxAddresses` (the least
 * recently failed address is forgotten first: a flood of addresses cannot grow memory).
 * Successful requests cost nothing here.
 */
export interface AuthFailureOptions {
  /** Failures an address may make at once. */
  burst: number;
  /** Failures an address regains per second. */
  perSecond: number;
  maxAddresses: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class AuthFailureThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(private readonly options: AuthFailureOptions) {
    this.now = options.now ?? Date.now;
  }

  private refilled(address: string): Bucket | undefined {
    const bucket = this.buckets.get(address);
    if (bucket === undefined) return undefined;
    const now = this.now();
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.options.perSecond);
    bucket.at = now;
    if (bucket.tokens >= this.options.burst) {
      this.buckets.delete(address);
      return undefined;
    }
    return bucket;
  }

  /** Milliseconds until `address` may try again; 0 when it may now. */
  retryAfterMs(address: string): number {
    const bucket = this.refilled(address);
    if (bucket === undefined || bucket.tokens >= 1) return 0;
    return Math.ceil(((1 - bucket.tokens) / this.options.perSecond) * 1000);
  }

  /** Counts one failure of `address`. */
  failed(address: string): void {
    const bucket = this.refilled(address) ?? { tokens: this.options.burst, at: this.now() };
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    this.buckets.delete(address);
    while (this.buckets.size >= this.options.maxAddresses) {
      this.buckets.delete(this.buckets.keys().next().value as string);
    }
    this.buckets.set(address, bucket);
  }
}
