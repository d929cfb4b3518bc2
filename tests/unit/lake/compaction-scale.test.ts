/**
 * The compactor over a lake of thousands of tenants and an hour of thousands of segment
 * objects: its LISTs and tags run a bounded number at a time, and a run stops when its time
 * is up, at any of them, with "time" (the next run lists and tags again), never by running
 * into the Lambda's timeout. A tag on an object already gone counts as done.
 */
import { expect } from "chai";
import { boundedCalls } from "../../../runtime/lake/compaction/bounded-calls";
import { compactionStateBody, parseCompactionState } from "../../../runtime/lake/compaction/compaction-state";
import { MemoryCompactionStore, TagOutcome } from "../../../runtime/lake/compaction/compaction-store";
import { runCompactor, RunOutcome, TAG_CONCURRENCY } from "../../../runtime/lake/compaction/compactor";
import {
  earliestObjectHour,
  hourSegmentObjects,
  LIST_CONCURRENCY,
} from "../../../runtime/lake/compaction/lake-listing";
import { ListedObject } from "../../../runtime/lake/compaction/part-plan";
import { COMPACTION_STATE_KEY, progressKey } from "../../../runtime/lake/object-keys";
import { progressBody } from "../../../runtime/lake/progress";

const SHARD = "shardId-000000000000";
const NOW = Date.parse("2026-12-07T12:30:00Z");
const SETTINGS = { partBytes: 8_000, slackMs: 600_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A bucket whose listings and tags each take `delayMs`, counting the calls in flight. */
class SlowStore extends MemoryCompactionStore {
  inFlight = 0;
  mostInFlight = 0;
  lists = 0;
  tags = 0;

  constructor(private readonly delayMs: number) {
    super();
  }

  private async slow<T>(call: () => Promise<T>): Promise<T> {
    this.inFlight++;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    try {
      await sleep(this.delayMs);
      return await call();
    } finally {
      this.inFlight--;
    }
  }

  override listPrefixes(prefix: string): Promise<string[]> {
    this.lists++;
    return this.slow(() => super.listPrefixes(prefix));
  }

  override listObjects(prefix: string): Promise<ListedObject[]> {
    this.lists++;
    return this.slow(() => super.listObjects(prefix));
  }

  override tag(key: string, tag: { key: string; value: string }): Promise<TagOutcome> {
    this.tags++;
    return this.slow(() => super.tag(key, tag));
  }
}

const tenant = (i: number) => `t${String(i).padStart(5, "0")}`;
const segmentKey = (table: string, t: string, hour: string, n: number) =>
  `tables/${table}/tenant=${t}/date=2026-12-07/hour=${hour}/shard-0-${String(n).padStart(6, "0")}.parquet`;

/** `tenants` tenants in two tables, each with one object in hours 09 and 10. */
function manyTenants(store: MemoryCompactionStore, tenants: number): void {
  for (const table of ["generic", "trips"]) {
    for (let i = 0; i < tenants; i++) {
      for (const hour of ["09", "10"]) store.put(segmentKey(table, tenant(i), hour, 0), "x");
    }
  }
}

/** Hours up to 11 closed, compacted, and hours 09 and 10 due for tagging. */
function dueForTagging(store: MemoryCompactionStore): void {
  const at = "2026-12-07T12:00:00.000Z";
  store.put(progressKey(SHARD), progressBody({ shardId: SHARD, storedBefore: at, shardEnded: false, writtenAt: at }));
  store.put(
    COMPACTION_STATE_KEY,
    compactionStateBody({
      compacted_before: "2026-12-07 11",
      tagged_before: "2026-12-07 09",
      retire_before: "2026-12-07 11",
      retire_at: "2026-12-07T11:00:00.000Z",
    }),
  );
}

const stateOf = (store: MemoryCompactionStore) =>
  parseCompactionState(store.objects.get(COMPACTION_STATE_KEY)!.body.toString("utf8"));
const taggedKeys = (store: MemoryCompactionStore) =>
  [...store.objects].filter(([, o]) => o.tags["lake-compacted"] === "true").map(([k]) => k);

/** A run with `budgetMs` of time; rejected when it has not ended `boundMs` after (it ran past its time). */
async function runWithin(store: MemoryCompactionStore, budgetMs: number, boundMs: number): Promise<RunOutcome> {
  const deadline = Date.now() + budgetMs;
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the run went on ${boundMs} ms, past its ${budgetMs} ms`)), boundMs);
  });
  try {
    return await Promise.race([
      runCompactor(
        { store, shardIds: async () => [SHARD], now: () => NOW, hasTime: () => Date.now() < deadline },
        SETTINGS,
      ),
      bound,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe("lake compactor at scale: bounded calls", () => {
  it("keeps at most `limit` calls in flight, each item called once, in any order of completion", async () => {
    let inFlight = 0;
    let most = 0;
    const called: number[] = [];
    const done = await boundedCalls(
      [...Array(50).keys()],
      4,
      () => true,
      async (item) => {
        most = Math.max(most, ++inFlight);
        await sleep(item % 3);
        called.push(item);
        inFlight--;
      },
    );
    expect([done, most, called.sort((a, b) => a - b)]).to.deep.equal([true, 4, [...Array(50).keys()]]);
  });

  it("starts no call once the time is up, and waits for those in flight", async () => {
    let looks = 0;
    let inFlight = 0;
    let started = 0;
    const done = await boundedCalls(
      [...Array(50).keys()],
      4,
      () => looks++ < 10,
      async () => {
        started++;
        inFlight++;
        await sleep(2);
        inFlight--;
      },
    );
    expect([done, started, inFlight]).to.deep.equal([false, 10, 0]);
  });

  it("a failed call fails the whole, after the calls in flight end; no call starts after it", async () => {
    const started: number[] = [];
    let inFlight = 0;
    let error: unknown;
    await boundedCalls(
      [...Array(20).keys()],
      3,
      () => true,
      async (item) => {
        started.push(item);
        inFlight++;
        await sleep(item === 1 ? 1 : 5);
        inFlight--;
        if (item === 1) throw new Error("LIST failed");
      },
    ).catch((e: unknown) => (error = e));
    expect([String(error), inFlight, started.length <= 4]).to.deep.equal(["Error: LIST failed", 0, true]);
  });

  it("refuses a limit below 1, naming it", async () => {
    let error: unknown;
    await boundedCalls(
      [1],
      0,
      () => true,
      async () => {},
    ).catch((e: unknown) => (error = e));
    expect(String(error)).to.include("concurrency limit 0: a whole number from 1 allowed");
  });
});

describe("lake compactor at scale: listing an hour", () => {
  it("lists each table's and tenant's hour LIST_CONCURRENCY at a time, in the order listed one at a time", async () => {
    const store = new SlowStore(2);
    manyTenants(store, 200);
    const objects = await hourSegmentObjects(store, "2026-12-07 10", () => true);
    // The old one-at-a-time listing's answer: tables, then tenants, then keys, in key order.
    const expected = [...store.objects.keys()].filter((k) => k.includes("/hour=10/")).sort();
    expect(objects?.map((o) => o.key)).to.deep.equal(expected);
    expect([LIST_CONCURRENCY, store.mostInFlight]).to.deep.equal([16, 16]);
    expect(store.lists).to.equal(1 + 2 + 400);
  });

  it("stops listing when the time is up: no partial listing, no LIST after", async () => {
    const store = new SlowStore(2);
    manyTenants(store, 200);
    let looks = 0;
    const objects = await hourSegmentObjects(store, "2026-12-07 10", () => looks++ < 40);
    const lists = store.lists;
    await sleep(20);
    expect([objects, store.lists, store.inFlight]).to.deep.equal([undefined, lists, 0]);
    expect(lists).to.be.lessThan(50);
  });

  it("finds the earliest hour LIST_CONCURRENCY tenants at a time, or says the time ran out", async () => {
    const store = new SlowStore(1);
    manyTenants(store, 100);
    store.put(segmentKey("trips", tenant(57), "07", 0), "x");
    expect(await earliestObjectHour(store)).to.deep.equal({ hour: "2026-12-07 07" });
    expect(store.mostInFlight).to.equal(LIST_CONCURRENCY);
    let looks = 0;
    expect(await earliestObjectHour(store, () => looks++ < 5)).to.equal("time");
  });
});

describe("lake compactor at scale: a run's time", () => {
  it("a first run over thousands of tenants ends with time while finding where to start", async () => {
    const store = new SlowStore(5);
    manyTenants(store, 1_000);
    const at = "2026-12-07T12:00:00.000Z";
    store.put(progressKey(SHARD), progressBody({ shardId: SHARD, storedBefore: at, shardEnded: false, writtenAt: at }));
    // One at a time: 2,000 tenants, 2 LISTs each, 5 ms each, 20 s.
    const out = await runWithin(store, 200, 3_000);
    expect([out.end, out.state, store.objects.has(COMPACTION_STATE_KEY)]).to.deep.equal(["time", undefined, false]);
  });

  it("a run out of time while listing an hour to tag ends with time; the state stays", async () => {
    const store = new SlowStore(5);
    manyTenants(store, 1_000);
    dueForTagging(store);
    const before = stateOf(store);
    // One at a time: 2,000 LISTs of 5 ms, 10 s.
    const out = await runWithin(store, 200, 3_000);
    expect([out.end, out.objectsRetired, store.tags]).to.deep.equal(["time", 0, 0]);
    expect(stateOf(store)).to.deep.equal(before);
    expect(out.state).to.deep.equal(before);
  });
});

describe("lake compactor at scale: tagging a big hour", () => {
  it("tags TAG_CONCURRENCY at a time, stops with time when it is up, and a run with the time passes the hour", async () => {
    const store = new SlowStore(5);
    dueForTagging(store);
    for (let n = 0; n < 4_000; n++) store.put(segmentKey("generic", "t1", "09", n), "x");
    store.put(segmentKey("generic", "t1", "10", 0), "x");
    // One at a time: 4,000 tags of 5 ms, 20 s; 32 at a time, 0.6 s.
    const first = await runWithin(store, 200, 3_000);
    expect(first.end).to.equal("time");
    expect(first.objectsRetired).to.be.within(1, 3_999);
    expect([TAG_CONCURRENCY, store.mostInFlight]).to.deep.equal([32, 32]);
    expect(stateOf(store).tagged_before, "hour 09 not all tagged: not passed").to.equal("2026-12-07 09");

    // A run tags the hour from its start again (a tag set replaces the one before): one with
    // the time for the whole hour at 32 at a time (about 0.7 s) passes it.
    const second = await runWithin(store, 5_000, 8_000);
    expect([second.end, second.objectsRetired]).to.deep.equal(["done", 4_001]);
    expect(stateOf(store).tagged_before).to.equal("2026-12-07 11");
    expect(taggedKeys(store).length).to.equal(4_001);
  });

  it("an object gone before its tag (the lifecycle, retention) counts as done; the hour is passed", async () => {
    const store = new (class extends MemoryCompactionStore {
      override async tag(key: string, tag: { key: string; value: string }): Promise<TagOutcome> {
        if (key.endsWith("000003.parquet")) this.objects.delete(key);
        return super.tag(key, tag);
      }
    })();
    dueForTagging(store);
    for (let n = 0; n < 6; n++) store.put(segmentKey("generic", "t1", "09", n), "x");
    const out = await runWithin(store, 1_000, 3_000);
    expect([out.end, out.objectsRetired, taggedKeys(store).length]).to.deep.equal(["done", 5, 5]);
    expect(stateOf(store).tagged_before).to.equal("2026-12-07 11");
  });
});
