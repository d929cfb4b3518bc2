import { expect } from "chai";
import { Pending, SPARE_BUILDERS, ShardBuffers } from "../../../runtime/ingest/shard-buffers";
import { pendingRecord } from "../../harness/pending-records";

function pending(partitionKey: string, data = Buffer.from(`data of ${partitionKey}`)): Pending {
  return pendingRecord({ partitionKey, data });
}

describe("ShardBuffers: builders kept for the next aggregates", () => {
  it("keeps at most SPARE_BUILDERS emptied builders, however many shards were open", () => {
    const buffers = new ShardBuffers({ aggregation: true, aggregationMaxSize: 51_200 });
    const shards = SPARE_BUILDERS * 3;
    for (let s = 0; s < shards; s++) for (const k of ["a", "b"]) buffers.add(pending(k), `shardId-${s}`);
    const sealed = buffers.sealAll();
    expect(sealed).to.have.length(shards);
    expect(buffers.spareBuilders).to.equal(SPARE_BUILDERS);
    // A reused builder starts empty: the next aggregate holds only its own records.
    buffers.add(pending("c"), "shardId-0");
    buffers.add(pending("d"), "shardId-0");
    const [next] = buffers.sealAll();
    expect(next.records.map((p) => p.record.partitionKey)).to.deep.equal(["c", "d"]);
    expect(buffers.spareBuilders).to.equal(SPARE_BUILDERS);
  });

  it("does not keep a builder that held a record too large to share an aggregate", () => {
    const buffers = new ShardBuffers({ aggregation: true, aggregationMaxSize: 51_200 });
    const [alone] = buffers.add(pending("big", Buffer.alloc(300_000)), "shardId-0");
    expect(alone.records).to.have.length(1);
    expect(buffers.spareBuilders).to.equal(0);
  });
});
