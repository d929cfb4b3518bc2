import { expect } from "chai";
import { emfCount, emfLogger, Unit } from "../../../runtime/observability/emf";
import { putPerDimension } from "../../../runtime/observability/interval-report";
import { readEmf } from "../../../runtime/observability/emf-reading";
import { INGEST_REJECT_METRICS, PROCESSING_LAG_METRICS } from "../../../runtime/observability/metrics/pipeline";

describe("readEmf (EMF lines read back)", () => {
  it("reads back what emfLogger writes: dimensions and every metric", async () => {
    const lines: string[] = [];
    const m = emfLogger((l) => lines.push(l), { Service: "ingest", StreamName: "s" });
    m.putMetric("UserRecordsReceived", 120, Unit.Count);
    m.putMetric("KinesisRecordsPut", 3, Unit.Count);
    await m.flush();
    const doc = readEmf(lines[0]);
    expect(doc?.dimensions).to.deep.equal({ Service: "ingest", StreamName: "s" });
    expect(doc?.metrics).to.deep.equal({ UserRecordsReceived: 120, KinesisRecordsPut: 3 });
    expect(doc?.at).to.be.closeTo(Date.now(), 5_000);
  });

  it("reads a per-dimension document (one per shard or reason)", async () => {
    const lines: string[] = [];
    await putPerDimension(
      (l) => lines.push(l),
      { Service: "processing", StreamName: "s" },
      "ShardId",
      new Map([["shardId-1", 250]]),
      PROCESSING_LAG_METRICS.MillisBehindLatest,
    );
    await emfCount(
      (l) => lines.push(l),
      { Service: "ingest", StreamName: "s", Reason: "bad" },
      INGEST_REJECT_METRICS.Rejects,
      2,
    );
    expect(readEmf(lines[0])).to.include.keys("metrics");
    expect(readEmf(lines[0])!.dimensions).to.deep.equal({
      Service: "processing",
      StreamName: "s",
      ShardId: "shardId-1",
    });
    expect(readEmf(lines[0])!.metrics).to.deep.equal({ MillisBehindLatest: 250 });
    expect(readEmf(lines[1])!.metrics).to.deep.equal({ Rejects: 2 });
  });

  for (const line of ["", "ingest listening", '{"level":30,"msg":"hi"}', '{"_aws": broken', '{"_aws":{}}']) {
    it(`answers undefined for a line that is not EMF: ${JSON.stringify(line)}`, () => {
      expect(readEmf(line)).to.equal(undefined);
    });
  }
});
