import { expect } from "chai";
import { LookupCache } from "../../../runtime/tenants/lookup-cache";

function clock(start = 1_000_000) {
  const c = { now: start, advance: (ms: number) => (c.now += ms) };
  return c;
}

describe("the key lookup cache", () => {
  it("keeps an answer, hit or miss, for its TTL and asks again after", async () => {
    const c = clock();
    const cache = new LookupCache<string>({ ttlMs: 1000, maxEntries: 10, now: () => c.now });
    let loads = 0;
    const load = async (k: string) => `${k}:${++loads}`;
    expect(await cache.get("a", load)).to.equal("a:1");
    c.advance(999);
    // Asked without a loader: no refresh ahead (that is the next test), the answer as kept.
    expect(cache.peek("a")).to.equal("a:1");
    c.advance(1);
    expect(cache.peek("a")).to.equal(undefined);
    expect(await cache.get("a", load)).to.equal("a:2");
  });

  it("holds at most maxEntries, dropping the least recently used", async () => {
    const c = clock();
    const cache = new LookupCache<string>({ ttlMs: 60_000, maxEntries: 3, now: () => c.now });
    for (const k of ["a", "b", "c"]) await cache.get(k, async () => k);
    cache.peek("a"); // a is used again: b is now the oldest
    await cache.get("d", async () => "d");
    expect(cache.size).to.equal(3);
    expect(["a", "b", "c", "d"].map((k) => cache.peek(k))).to.deep.equal(["a", undefined, "c", "d"]);
    for (let i = 0; i < 1000; i++) await cache.get(`made-up-${i}`, async () => "miss");
    expect(cache.size).to.equal(3);
  });

  it("makes one load for concurrent asks of one key, and keeps no failure", async () => {
    const cache = new LookupCache<string>({ ttlMs: 60_000, maxEntries: 10 });
    let loads = 0;
    let release!: (v: string) => void;
    const slow = () => {
      loads++;
      return new Promise<string>((r) => (release = r));
    };
    const asks = [cache.get("k", slow), cache.get("k", slow), cache.get("k", slow)];
    release("v");
    expect(await Promise.all(asks)).to.deep.equal(["v", "v", "v"]);
    expect(loads).to.equal(1);
    const failing = new LookupCache<string>({ ttlMs: 60_000, maxEntries: 10 });
    await failing.get("k", async () => Promise.reject(new Error("down"))).catch(() => undefined);
    expect(await failing.get("k", async () => "up")).to.equal("up");
  });

  it("reads a key in use again in the last fifth of its TTL, in the background: no answer older than the TTL, no wait", async () => {
    const c = clock();
    const cache = new LookupCache<string>({ ttlMs: 1000, maxEntries: 10, now: () => c.now });
    let version = 1;
    let loads = 0;
    let release: (() => void) | undefined;
    const load = (k: string) => {
      loads++;
      const v = `${k}:${version}`;
      return new Promise<string>((resolve) => (release = () => resolve(v)));
    };
    const first = cache.get("k", load);
    release!();
    expect(await first).to.equal("k:1");
    c.advance(799);
    expect(cache.peek("k", load)).to.equal("k:1");
    expect(loads).to.equal(1); // not yet in the refresh window
    version = 2; // the table changes (a revocation)
    c.advance(1);
    // In the window: the kept answer now, one read started, however many hits meanwhile.
    expect(cache.peek("k", load)).to.equal("k:1");
    expect(cache.peek("k", load)).to.equal("k:1");
    expect(loads).to.equal(2);
    release!();
    await new Promise((r) => setImmediate(r));
    expect(cache.peek("k", load)).to.equal("k:2");
    // The refreshed answer is kept a whole TTL from its read.
    c.advance(999);
    expect(cache.peek("k")).to.equal("k:2");
  });

  it("a refresh that fails keeps the entry to its expiry, then the next ask reads again", async () => {
    const c = clock();
    const cache = new LookupCache<string>({ ttlMs: 1000, maxEntries: 10, now: () => c.now });
    await cache.get("k", async () => "v1");
    c.advance(900);
    expect(cache.peek("k", () => Promise.reject(new Error("down")))).to.equal("v1");
    await new Promise((r) => setImmediate(r));
    expect(cache.peek("k")).to.equal("v1");
    c.advance(100);
    expect(cache.peek("k")).to.equal(undefined);
    expect(await cache.get("k", async () => "v2")).to.equal("v2");
  });
});
