import { expect } from "chai";
import { MemoryCompactionStore } from "../../../runtime/lake/compaction/compaction-store";
import { parseCompactionState } from "../../../runtime/lake/compaction/compaction-state";
import { LOCAL_COMPACTION_SETTINGS, LocalCompactor } from "../../../runtime/lake/compaction/local-compactor";
import { COMPACTION_STATE_KEY, progressKey } from "../../../runtime/lake/object-keys";
import { progressBody } from "../../../runtime/lake/progress";
import { shardRecords, writeSegments } from "../../harness/lake-segments";

const SHARD = "shardId-000000000000";
const NOW = Date.parse("2026-12-07T12:30:00Z");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function lake(): Promise<MemoryCompactionStore> {
  const store = new MemoryCompactionStore();
  await writeSegments(store, shardRecords(SHARD, Date.parse("2026-12-07T10:30:00Z"), 60, 60_000));
  const at = "2026-12-07T12:20:00.000Z";
  store.put(progressKey(SHARD), progressBody({ shardId: SHARD, storedBefore: at, shardEnded: false, writtenAt: at }));
  return store;
}

describe("lake compactor in the local stack", () => {
  it("runs once a period, one run at a time, and logs what a run merged", async () => {
    const store = await lake();
    let active = 0;
    let most = 0;
    const lines: string[] = [];
    const compactor = LocalCompactor.start({
      ports: {
        store,
        // Each run takes longer than a period: periods that find it going skip.
        shardIds: async () => {
          most = Math.max(most, ++active);
          await sleep(30);
          active--;
          return [SHARD];
        },
        now: () => NOW,
      },
      periodMs: 10,
      // Moves at the run that stores the parts (settling has its own test in compaction-run).
      settings: { ...LOCAL_COMPACTION_SETTINGS, settleMs: 0 },
      log: (level, line) => lines.push(`${level} ${line}`),
    });
    const deadline = Date.now() + 5_000;
    while (compactor.runs < 3 && Date.now() < deadline) await sleep(10);
    await compactor.stop();
    expect(compactor.runs).to.be.at.least(3);
    expect(most).to.equal(1);
    const state = parseCompactionState(store.objects.get(COMPACTION_STATE_KEY)!.body.toString());
    expect(state.compacted_before).to.equal("2026-12-07 12");
    // The first run merged hours 10 and 11; the idle ones after it say nothing.
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^info lake compactor: done; hours 2026-12-07 10, 2026-12-07 11; \d+ parts/);
  });

  it("a failed run is logged and the next one retries; stop waits for the run under way", async () => {
    const store = await lake();
    let calls = 0;
    const lines: string[] = [];
    const compactor = LocalCompactor.start({
      ports: {
        store,
        shardIds: async () => {
          if (++calls === 1) throw new Error("emulator not ready");
          await sleep(20);
          return [SHARD];
        },
        now: () => NOW,
      },
      periodMs: 10,
      log: (level, line) => lines.push(`${level} ${line}`),
    });
    const deadline = Date.now() + 5_000;
    while (!store.objects.has(COMPACTION_STATE_KEY) && Date.now() < deadline) await sleep(5);
    await compactor.stop();
    const runs = compactor.runs;
    await sleep(50);
    expect(compactor.runs).to.equal(runs);
    expect(lines[0]).to.equal("warn lake compactor: the run failed; the next one retries: Error: emulator not ready");
    expect(store.objects.has(COMPACTION_STATE_KEY)).to.equal(true);
  });
});
