/**
 * A lake lease lost while a cut of its open segment is in flight (the age check's, or one the
 * memory budget asked for): the cut finishes with its segment (its objects stored, its
 * checkpoint refused) before the writer drops what it buffered, and nothing is buffered after.
 */
import { expect } from "chai";
import { ConsumerRecord } from "../../../runtime/processing/record-processor";
import { LakeStore, MemoryLakeStore, PutOutcome } from "../../../runtime/lake/lake-store";
import { ShardLakeWriter } from "../../../runtime/lake/lake-writer";
import { SEGMENTS_PREFIX, TABLES_PREFIX } from "../../../runtime/lake/object-keys";

const SHARD = "shardId-000000000004";

/** A bucket that holds a segment's claim until the test lets it through. */
class GatedClaims implements LakeStore {
  readonly inner = new MemoryLakeStore();
  private release!: () => void;
  private readonly gate = new Promise<void>((r) => (this.release = r));
  claimArrived!: () => void;
  readonly claimWaiting = new Promise<void>((r) => (this.claimArrived = r));
  async putIfAbsent(key: string, body: Uint8Array): Promise<PutOutcome> {
    if (key.startsWith(SEGMENTS_PREFIX)) {
      this.claimArrived();
      await this.gate;
    }
    return this.inner.putIfAbsent(key, body);
  }
  put(key: string, body: Uint8Array): Promise<void> {
    return this.inner.put(key, body);
  }
  get(key: string) {
    return this.inner.get(key);
  }
  open(): void {
    this.release();
  }
}

const records: ConsumerRecord[] = Array.from({ length: 5 }, (_, n) => ({
  shardId: SHARD,
  tenant: "acme",
  partitionKey: `acme|k${n}`,
  data: Buffer.from(JSON.stringify({ n })),
  sequenceNumber: String(500 + n),
  approximateArrivalTimestamp: new Date(Date.UTC(2026, 11, 7, 4, 0, n)),
}));

describe("lake writer: a lease lost during a cut", () => {
  it("the age check's cut in flight stores its segment; the lease's loss waits for it", async () => {
    const store = new GatedClaims();
    const logged: string[] = [];
    let lost = false;
    const w = new ShardLakeWriter(SHARD, {
      store,
      schemas: async () => undefined,
      roll: { maxBytes: 1_000_000, maxAgeMs: 30 },
      ageCheckMs: 10,
      log: (level, msg, fields) => logged.push(`${level} ${msg} ${String(fields.err)}`),
    });
    w.initialize();
    const checkpointer = {
      checkpoint: async () => undefined,
      checkpointAt: async () => {
        if (lost) throw new Error("lease lost: the checkpoint's condition failed");
      },
    };
    await w.processRecords({ records, checkpointer });
    // The age check cuts the segment and waits on its claim.
    await store.claimWaiting;
    lost = true;
    const leaseLost = w.leaseLost();
    store.open();
    await leaseLost;

    const keys = [...store.inner.objects.keys()];
    expect(keys.filter((k) => k.startsWith(SEGMENTS_PREFIX))).to.have.lengthOf(1);
    // The segment's rows are stored (another owner would find them there, and skip them).
    expect(keys.filter((k) => k.startsWith(TABLES_PREFIX))).to.have.lengthOf(1);
    // What failed is the checkpoint, as for any zombie; not the cut finding its segment gone.
    expect(logged).to.have.lengthOf(1);
    expect(logged[0]).to.match(/lease lost: the checkpoint's condition failed/);

    // Nothing is buffered or cut after the loss.
    await new Promise((r) => setTimeout(r, 60));
    expect(store.inner.objects.size).to.equal(2);
  });
});
