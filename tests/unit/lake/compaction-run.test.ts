/**
 * Whole compactor runs over an in-memory bucket holding what the real lake writer stores:
 * two shards, two tenants, the generic table and a schema's two versions, over three hours.
 * Rows are compared by content with an independent reader (hyparquet), read as the lake's
 * views read them: hours before compacted_before from their parts, the others from the
 * segment objects.
 */
import { expect } from "chai";
import { PART_SETTLE_MS, runCompactor, CompactorPorts, RunOutcome } from "../../../runtime/lake/compaction/compactor";
import { parseCompactionState } from "../../../runtime/lake/compaction/compaction-state";
import { CompactionStore, MemoryCompactionStore } from "../../../runtime/lake/compaction/compaction-store";
import {
  COMPACTED_PREFIX,
  compactionPlanKey,
  COMPACTION_STATE_KEY,
  progressKey,
  TABLES_PREFIX,
} from "../../../runtime/lake/object-keys";
import { progressBody } from "../../../runtime/lake/progress";
import { RETIRE_GRACE_MS } from "../../../runtime/lake/compaction/retire";
import { parsePlan } from "../../../runtime/lake/compaction/part-plan";
import { parquetRows, placeOf, shardRecords, writeSegments } from "../../harness/lake-segments";

const SHARDS = ["shardId-000000000000", "shardId-000000000001"];
const H09 = Date.parse("2026-12-07T09:00:00Z");
const NOW = Date.parse("2026-12-07T12:30:00Z");
/** Hours move at the run that stores their parts here; settling has its own test. */
const SETTINGS = { partBytes: 8_000, slackMs: 600_000, settleMs: 0 };
/** The first run's moves are this old: their hours may be tagged. */
const AFTER_GRACE = NOW + RETIRE_GRACE_MS;
/** The state after the first run: hours 09 and 10 moved, none tagged yet, a horizon at 11 from NOW plus the grace. */
const MOVED = {
  compacted_before: "2026-12-07 11",
  tagged_before: "2026-12-07 09",
  retire_before: "2026-12-07 11",
  retire_at: new Date(AFTER_GRACE).toISOString(),
};
const TAGGED = { ...MOVED, tagged_before: "2026-12-07 11" };

let written: MemoryCompactionStore | undefined;

/** A bucket with hours 09 to 11 written by the lake writer (once, then copied), and every shard's progress at 12:00. */
async function lake(): Promise<MemoryCompactionStore> {
  written ??= await writeLake();
  const store = new MemoryCompactionStore();
  for (const [key, o] of written.objects) store.put(key, o.body);
  return store;
}

async function writeLake(storedBefore = "2026-12-07T12:00:00.000Z"): Promise<MemoryCompactionStore> {
  const store = new MemoryCompactionStore();
  // 150 records per shard, one a minute from 09:20: hours 09, 10 and 11.
  await writeSegments(store, [
    ...shardRecords(SHARDS[0], H09 + 20 * 60_000, 150, 60_000),
    ...shardRecords(SHARDS[1], H09 + 20 * 60_000 + 500, 150, 60_000),
  ]);
  for (const shardId of SHARDS) {
    store.put(
      progressKey(shardId),
      progressBody({ shardId, storedBefore, shardEnded: false, writtenAt: storedBefore }),
    );
  }
  return store;
}

function ports(store: CompactionStore, over: Partial<CompactorPorts> = {}): CompactorPorts {
  return { store, shardIds: async () => SHARDS, now: () => NOW, hasTime: () => true, ...over };
}

const hourOf = (key: string) => {
  const m = /date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\//.exec(key)!;
  return `${m[1]} ${m[2]}`;
};

function stateOf(store: MemoryCompactionStore) {
  const o = store.objects.get(COMPACTION_STATE_KEY);
  return o && parseCompactionState(o.body.toString("utf8"));
}

/** Rows as the lake's views read them: each hour from one side, by the state. */
async function viewRows(store: MemoryCompactionStore): Promise<string[]> {
  const before = stateOf(store)?.compacted_before ?? "";
  const rows: string[] = [];
  for (const [key, o] of store.objects) {
    const side = key.startsWith(COMPACTED_PREFIX) ? "c" : key.startsWith(TABLES_PREFIX) ? "s" : undefined;
    if (side === undefined || (side === "c") !== hourOf(key) < before) continue;
    const table = key.split("/")[1];
    for (const row of await parquetRows(o.body)) rows.push(JSON.stringify({ table, ...row }));
  }
  return rows.sort();
}

/** Every row of the segment objects (what the writer stored), each once. */
async function segmentRows(store: MemoryCompactionStore): Promise<string[]> {
  const rows: string[] = [];
  for (const [key, o] of store.objects) {
    if (!key.startsWith(TABLES_PREFIX)) continue;
    for (const row of await parquetRows(o.body)) rows.push(JSON.stringify({ table: key.split("/")[1], ...row }));
  }
  return rows.sort();
}

/** The rows of an hour's compacted parts, each part read whole. */
async function compactedRows(store: MemoryCompactionStore, hour: string): Promise<string[]> {
  const rows: string[] = [];
  for (const key of compactedKeys(store).filter((k) => hourOf(k) === hour)) {
    for (const row of await parquetRows(store.objects.get(key)!.body))
      rows.push(JSON.stringify({ table: key.split("/")[1], ...row }));
  }
  return rows.sort();
}

const compactedKeys = (store: MemoryCompactionStore) =>
  [...store.objects.keys()].filter((k) => k.startsWith(COMPACTED_PREFIX)).sort();

describe("lake compactor: a whole run", () => {
  it("merges the closed hours, moves the state, tags their segment objects the grace later; rows read once throughout", async () => {
    const store = await lake();
    const rows = await segmentRows(store);
    expect(rows.length).to.equal(300);
    expect(new Set(rows.map((r) => placeOf(JSON.parse(r) as Record<string, unknown>))).size).to.equal(300);
    expect(await viewRows(store)).to.deep.equal(rows);

    const out = await runCompactor(ports(store), SETTINGS);
    expect(out.end).to.equal("done");
    expect(out.closedBefore).to.equal("2026-12-07 11");
    expect(out.hoursCompacted).to.deep.equal(["2026-12-07 09", "2026-12-07 10"]);
    expect(stateOf(store)).to.deep.equal(MOVED);
    expect(out.hoursNotCompacted).to.equal(1);
    // Nothing tagged yet: a query that read the state before the moves may still read them.
    expect([
      out.objectsRetired,
      [...store.objects.values()].filter((o) => o.tags["lake-compacted"]).length,
    ]).to.deep.equal([0, 0]);

    // Each table, tenant and version of each closed hour, and nothing of the open hour.
    const keys = compactedKeys(store);
    const groups = new Set(keys.map((k) => k.replace(/part-\d+-of-\d+/, "part")));
    expect([...groups].filter((k) => k.includes("hour=09")).sort()).to.deep.equal(
      ["acme", "beta"]
        .flatMap((t) => [
          `compacted/order/tenant=${t}/date=2026-12-07/hour=09/part-v1.parquet`,
          `compacted/order/tenant=${t}/date=2026-12-07/hour=09/part-v2.parquet`,
          `compacted/records/tenant=${t}/date=2026-12-07/hour=09/part.parquet`,
        ])
        .sort(),
    );
    expect(keys.some((k) => k.includes("hour=11"))).to.equal(false);
    expect(
      keys.some((k) => /part-1-of-[2-9]/.test(k)),
      "some group is split into several parts",
    ).to.equal(true);
    expect(out.partsWritten).to.equal(keys.length);
    expect(out.rows).to.equal((await segmentRows(store)).filter((r) => !r.includes("T11:")).length);

    // The grace later: tagged, exactly the segment objects of the compacted hours.
    const later = await runCompactor(ports(store, { now: () => AFTER_GRACE }), SETTINGS);
    expect([later.end, later.partsWritten]).to.deep.equal(["done", 0]);
    expect(stateOf(store)).to.deep.equal(TAGGED);
    for (const [key, o] of store.objects) {
      const want = key.startsWith(TABLES_PREFIX) && hourOf(key) < "2026-12-07 11";
      expect(o.tags["lake-compacted"] === "true", key).to.equal(want);
    }
    expect(later.objectsRetired).to.equal([...store.objects.values()].filter((o) => o.tags["lake-compacted"]).length);

    expect(await viewRows(store)).to.deep.equal(rows);
    // The compacted side alone holds each row of the closed hours once.
    const compacted: string[] = [];
    for (const key of keys) compacted.push(...(await parquetRows(store.objects.get(key)!.body)).map(placeOf));
    expect(new Set(compacted).size).to.equal(compacted.length);

    // A second run finds nothing more to do and changes nothing.
    const before = new Map([...store.objects].map(([k, o]) => [k, o.etag]));
    const again = await runCompactor(ports(store, { now: () => AFTER_GRACE }), SETTINGS);
    expect([again.end, again.partsWritten, again.hoursCompacted.length]).to.deep.equal(["done", 0, 0]);
    expect(new Map([...store.objects].map(([k, o]) => [k, o.etag]))).to.deep.equal(before);
  });

  it("the next hour closes when every shard's progress passes it, and only then", async () => {
    const store = await lake();
    await runCompactor(ports(store), SETTINGS);
    const late = "2026-12-07T12:20:00.000Z";
    store.put(
      progressKey(SHARDS[0]),
      progressBody({ shardId: SHARDS[0], storedBefore: late, shardEnded: false, writtenAt: late }),
    );
    expect((await runCompactor(ports(store), SETTINGS)).hoursCompacted).to.deep.equal([]);
    store.put(
      progressKey(SHARDS[1]),
      progressBody({ shardId: SHARDS[1], storedBefore: null, shardEnded: true, writtenAt: late }),
    );
    const out = await runCompactor(ports(store), SETTINGS);
    expect(out.hoursCompacted).to.deep.equal(["2026-12-07 11"]);
    expect(stateOf(store)?.compacted_before).to.equal("2026-12-07 12");
    expect(await viewRows(store)).to.deep.equal(await segmentRows(store));
  });

  it("does nothing while a shard has no progress, or when the lake is empty", async () => {
    const store = await lake();
    store.objects.delete(progressKey(SHARDS[1]));
    const keys = [...store.objects.keys()];
    expect((await runCompactor(ports(store), SETTINGS)).end).to.equal("nothing-closed");
    expect([...store.objects.keys()]).to.deep.equal(keys);

    const empty = new MemoryCompactionStore();
    for (const shardId of SHARDS) {
      empty.put(
        progressKey(shardId),
        progressBody({
          shardId,
          storedBefore: "2026-12-07T12:00:00.000Z",
          shardEnded: false,
          writtenAt: "2026-12-07T12:00:00.000Z",
        }),
      );
    }
    expect((await runCompactor(ports(empty), SETTINGS)).end).to.equal("empty-lake");
    expect(empty.objects.has(COMPACTION_STATE_KEY)).to.equal(false);
  });
});

describe("lake compactor: what it refuses", () => {
  it("an object under an hour's compacted prefix that its plan does not name stops the run before the move", async () => {
    const store = await lake();
    const stray = "compacted/records/tenant=acme/date=2026-12-07/hour=09/part-0-of-7.parquet";
    store.put(stray, "x");
    let error: unknown;
    await runCompactor(ports(store), SETTINGS).catch((e: unknown) => (error = e));
    expect(String(error)).to.include(`${stray} is no part of its hour's plan`);
    expect(store.objects.has(COMPACTION_STATE_KEY)).to.equal(false);
  });
});

describe("lake compactor: runs cut short and run again", () => {
  it("a run stopped by its time at any step, then run again, stores the same parts, byte for byte", async () => {
    const whole = await lake();
    let looksOfWholeRun = 0;
    await runCompactor(ports(whole, { hasTime: () => (looksOfWholeRun++, true) }), SETTINGS);
    const want = new Map(compactedKeys(whole).map((k) => [k, whole.objects.get(k)!.body.toString("base64")]));
    const rows = await segmentRows(whole);
    expect(looksOfWholeRun).to.be.greaterThan(10);
    // Every place a run can stop: after 0, 1, 2, ... looks at its time.
    for (let allowed = 0; allowed < looksOfWholeRun; allowed++) {
      const store = await lake();
      let looks = 0;
      const first = await runCompactor(ports(store, { hasTime: () => looks++ < allowed }), SETTINGS);
      expect(first.end, `stopped after ${allowed}`).to.equal("time");
      expect(await viewRows(store), `between runs, stopped after ${allowed}`).to.deep.equal(rows);
      await runCompactor(ports(store), SETTINGS);
      const got = new Map(compactedKeys(store).map((k) => [k, store.objects.get(k)!.body.toString("base64")]));
      expect(got, `stopped after ${allowed}`).to.deep.equal(want);
      expect(await viewRows(store)).to.deep.equal(rows);
      expect(stateOf(store)).to.deep.equal(stateOf(whole));
    }
  });

  it("an input gone between runs (retention) moves no cut: the parts still to store are those planned, rows once", async () => {
    const store = await lake();
    // The first run stores hour 09's first part, then runs out of time.
    const first = await runCompactor(ports(store, { hasTime: () => compactedKeys(store).length === 0 }), SETTINGS);
    expect([first.end, first.partsWritten]).to.deep.equal(["time", 1]);
    const [stored] = compactedKeys(store);
    const plan = parsePlan(store.objects.get(compactionPlanKey({ date: "2026-12-07", hour: "09" }))!.body.toString());
    const done = plan.find((p) => p.key === stored)!;
    // Its first input expires before the next run (its rows are in the stored part).
    const rows = await viewRows(store);
    store.objects.delete(done.inputs[0]);
    await runCompactor(ports(store), SETTINGS);
    // Every part holds exactly its planned inputs' rows, and the view reads each row once.
    expect(await compactedRows(store, "2026-12-07 09")).to.deep.equal(
      (await Promise.all(rows.map(async (r) => r))).filter((r) => r.includes("T09:")),
    );
  });

  it("a part size changed while an hour is half stored: the stored plan is finished, rows once", async () => {
    const store = await lake();
    // Stopped once its first part is stored, however many looks at its time the listing took.
    await runCompactor(ports(store, { hasTime: () => compactedKeys(store).length === 0 }), SETTINGS);
    const half = compactedKeys(store);
    expect(half.length).to.be.greaterThan(0);
    await runCompactor(ports(store), { ...SETTINGS, partBytes: 1_000_000 });
    for (const key of half) expect(store.objects.has(key)).to.equal(true);
    expect(await viewRows(store)).to.deep.equal(await segmentRows(store));
  });
});

/**
 * A bucket whose reads of segment objects wait for `gate` while it is set (a run paused in the
 * middle of an hour), and which records each state write's compacted_before.
 */
class GatedStore extends MemoryCompactionStore {
  gate?: Promise<void>;
  waiting = 0;
  readonly stateWrites: string[] = [];
  override async get(key: string) {
    const gate = this.gate;
    if (gate && key.startsWith(TABLES_PREFIX)) {
      this.waiting++;
      await gate;
    }
    return super.get(key);
  }
  override async replaceIf(key: string, body: Uint8Array, type: string, etag: string | undefined) {
    const out = await super.replaceIf(key, body, type, etag);
    if (out.outcome === "written") {
      this.stateWrites.push(parseCompactionState(Buffer.from(body).toString()).compacted_before);
    }
    return out;
  }
}

describe("lake compactor: an hour moves once its parts have settled", () => {
  it("stores the parts of every closed hour, and moves them a run later, once the last is PART_SETTLE_MS old", async () => {
    let clock = NOW;
    const store = new MemoryCompactionStore(() => clock);
    for (const [key, o] of (await lake()).objects) store.put(key, o.body);
    const settings = { partBytes: SETTINGS.partBytes, slackMs: SETTINGS.slackMs };
    const first = await runCompactor(ports(store), settings);
    expect(first.end).to.equal("settling");
    expect(first.hoursCompacted).to.deep.equal([]);
    // Both closed hours' parts are stored in the first run; nothing moved: every hour still
    // read from the segments.
    expect(new Set(compactedKeys(store).map(hourOf))).to.deep.equal(new Set(["2026-12-07 09", "2026-12-07 10"]));
    expect(stateOf(store)?.compacted_before ?? "").to.be.oneOf(["", "2026-12-07 09"]);
    expect(await viewRows(store)).to.deep.equal(await segmentRows(store));
    clock = NOW + PART_SETTLE_MS - 1;
    const early = await runCompactor(ports(store, { now: () => clock }), settings);
    expect([early.end, early.hoursCompacted.length, early.partsWritten]).to.deep.equal(["settling", 0, 0]);
    clock = NOW + PART_SETTLE_MS;
    const settled = await runCompactor(ports(store, { now: () => clock }), settings);
    expect(settled.hoursCompacted).to.deep.equal(["2026-12-07 09", "2026-12-07 10"]);
    expect(settled.partsWritten).to.equal(0);
    expect(await viewRows(store)).to.deep.equal(await segmentRows(store));
  });
});

describe("lake compactor: two runs at once", () => {
  async function gatedLake(): Promise<GatedStore> {
    const source = await lake();
    const store = new GatedStore();
    for (const [key, o] of source.objects) store.put(key, o.body);
    return store;
  }

  it("a run that read an older state cannot move it back", async () => {
    const store = await gatedLake();
    let open!: () => void;
    store.gate = new Promise<void>((r) => (open = r));
    const slow = runCompactor(ports(store), SETTINGS);
    // The slow run has read the state and waits in the middle of hour 09; a second run goes ahead.
    while (store.waiting === 0) await new Promise((r) => setTimeout(r, 5));
    store.gate = undefined;
    const fast: RunOutcome = await runCompactor(ports(store), SETTINGS);
    expect(fast.hoursCompacted).to.deep.equal(["2026-12-07 09", "2026-12-07 10"]);
    open();
    const late = await slow;
    expect(late.end).to.equal("state-moved");
    expect(late.hoursCompacted).to.deep.equal([]);
    // compacted_before at each write: the fast run's two moves, then its horizon for tagging.
    expect(store.stateWrites).to.deep.equal(["2026-12-07 10", "2026-12-07 11", "2026-12-07 11"]);
    expect(stateOf(store)).to.deep.equal(MOVED);
    expect(await viewRows(store)).to.deep.equal(await segmentRows(store));
  });

  it("two runs with different part sizes at once store the parts of one plan", async () => {
    const store = await gatedLake();
    let open!: () => void;
    store.gate = new Promise<void>((r) => (open = r));
    // The first run plans hour 09 with small parts, then waits before reading its objects.
    const small = runCompactor(ports(store), SETTINGS);
    while (store.waiting === 0) await new Promise((r) => setTimeout(r, 5));
    store.gate = undefined;
    const large = await runCompactor(ports(store), { ...SETTINGS, partBytes: 1_000_000 });
    open();
    await small;
    const keys = compactedKeys(store);
    expect(
      keys.some((k) => /part-1-of-[2-9]/.test(k)),
      "the first plan's small parts",
    ).to.equal(true);
    expect(large.partsWritten).to.be.greaterThan(0);
    expect(await viewRows(store)).to.deep.equal(await segmentRows(store));
  });

  it("runs side by side: the state only moves forward and every row is read once", async () => {
    const store = await gatedLake();
    const outs = await Promise.all([1, 2, 3].map(() => runCompactor(ports(store), SETTINGS)));
    const written = store.stateWrites;
    expect([...written].sort()).to.deep.equal(written);
    expect(stateOf(store)?.compacted_before).to.equal("2026-12-07 11");
    expect(outs.flatMap((o) => o.hoursCompacted).sort()).to.deep.equal(["2026-12-07 09", "2026-12-07 10"]);
    expect(await viewRows(store)).to.deep.equal(await segmentRows(store));
  });
});

describe("lake compactor: tagging", () => {
  it("tags a segment object only once its hour is read from its parts", async () => {
    const store = new (class extends MemoryCompactionStore {
      override async tag(key: string, tag: { key: string; value: string }) {
        const before = parseCompactionState(this.objects.get(COMPACTION_STATE_KEY)!.body.toString()).compacted_before;
        if (!(hourOf(key) < before))
          throw new Error(`${key} tagged while its hour is read from the segments (${before})`);
        return super.tag(key, tag);
      }
    })();
    for (const [key, o] of (await lake()).objects) store.put(key, o.body);
    await runCompactor(ports(store), SETTINGS);
    const out = await runCompactor(ports(store, { now: () => AFTER_GRACE }), SETTINGS);
    expect(out.objectsRetired).to.be.greaterThan(0);
  });

  it("after a backlog, an hour's objects are tagged only the grace after its move, however old they are", async () => {
    // The compactor was stopped for two days: hours 09 and 10 close and move at once.
    const store = await lake();
    const twoDaysLater = NOW + 2 * 86_400_000;
    const first = await runCompactor(ports(store, { now: () => twoDaysLater }), SETTINGS);
    expect(first.hoursCompacted).to.deep.equal(["2026-12-07 09", "2026-12-07 10"]);
    expect(first.objectsRetired, "objects two days old tagged at their move").to.equal(0);
    const early = await runCompactor(ports(store, { now: () => twoDaysLater + RETIRE_GRACE_MS - 1 }), SETTINGS);
    expect(early.objectsRetired).to.equal(0);
    const due = await runCompactor(ports(store, { now: () => twoDaysLater + RETIRE_GRACE_MS }), SETTINGS);
    expect(due.objectsRetired).to.be.greaterThan(0);
    expect(stateOf(store)?.tagged_before).to.equal("2026-12-07 11");
  });

  it("hours moved after the horizon was set wait for the next one", async () => {
    // Progress at 11:00: only hour 09 closes; the horizon is set at 10.
    const store = await lake();
    for (const shardId of SHARDS) {
      const at = "2026-12-07T11:00:00.000Z";
      store.put(progressKey(shardId), progressBody({ shardId, storedBefore: at, shardEnded: false, writtenAt: at }));
    }
    await runCompactor(ports(store), SETTINGS);
    expect(stateOf(store)).to.include({ compacted_before: "2026-12-07 10", retire_before: "2026-12-07 10" });
    // Hour 10 closes an hour later and moves; the grace after the first run, only hour 09 is tagged.
    for (const shardId of SHARDS) {
      const at = "2026-12-07T12:00:00.000Z";
      store.put(progressKey(shardId), progressBody({ shardId, storedBefore: at, shardEnded: false, writtenAt: at }));
    }
    await runCompactor(ports(store, { now: () => NOW + 3_600_000 }), SETTINGS);
    const tagged = await runCompactor(ports(store, { now: () => AFTER_GRACE }), SETTINGS);
    const hours = new Set([...store.objects].filter(([, o]) => o.tags["lake-compacted"]).map(([k]) => hourOf(k)));
    expect([...hours]).to.deep.equal(["2026-12-07 09"]);
    expect(tagged.state).to.deep.include({
      compacted_before: "2026-12-07 11",
      tagged_before: "2026-12-07 10",
      retire_before: "2026-12-07 11",
      retire_at: new Date(AFTER_GRACE + RETIRE_GRACE_MS).toISOString(),
    });
  });

  it("a run whose state move is refused tags nothing", async () => {
    const store = await lake();
    const refusing = Object.assign(Object.create(store) as MemoryCompactionStore, {
      replaceIf: async () => ({ outcome: "conflict" as const }),
    });
    const out = await runCompactor(ports(refusing), SETTINGS);
    expect([out.end, out.objectsRetired]).to.deep.equal(["state-moved", 0]);
    expect([...store.objects.values()].some((o) => o.tags["lake-compacted"])).to.equal(false);
  });
});
