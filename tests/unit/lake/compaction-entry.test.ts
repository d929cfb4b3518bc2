import { expect } from "chai";
import { RunOutcome } from "../../../runtime/lake/compaction/compactor";
import { emitRunMetrics } from "../../../runtime/lake/compaction/compactor-metrics";
import { compactorSettingsOf, readLakeCompactorSettings } from "../../../runtime/lake/compaction/compactor-settings";

const ENV = { STREAM_NAME: "orders", LAKE_BUCKET: "orders-lake", AWS_REGION: "eu-west-1" };

describe("lake compactor: settings", () => {
  it("defaults: 256 MiB parts, 10 minutes of slack, 10 minutes for an hour's parts to settle", () => {
    expect(compactorSettingsOf(readLakeCompactorSettings(ENV))).to.deep.equal({
      partBytes: 256 * 1024 * 1024,
      slackMs: 600_000,
      settleMs: 600_000,
    });
  });
  it("a settle time of 0 is refused: a query could list an hour's parts before the last is stored", () => {
    expect(() => readLakeCompactorSettings({ ...ENV, COMPACTION_SETTLE_SECONDS: "0" })).to.throw(
      /COMPACTION_SETTLE_SECONDS.*0/,
    );
  });
  it("a part size outside its bounds is refused, naming it and what is allowed", () => {
    expect(() => readLakeCompactorSettings({ ...ENV, COMPACTED_PART_BYTES: "1000" })).to.throw(
      /COMPACTED_PART_BYTES.*1000/,
    );
  });
  it("a missing bucket is named", () => {
    expect(() => readLakeCompactorSettings({ STREAM_NAME: "orders", AWS_REGION: "eu-west-1" })).to.throw(/LAKE_BUCKET/);
  });
});

describe("lake compactor: a run's metrics", () => {
  const run: RunOutcome = {
    end: "done",
    hoursCompacted: ["2026-12-07 09"],
    partsWritten: 3,
    partsFound: 1,
    rows: 1200,
    bytes: 4096,
    objectsRetired: 17,
    hoursNotCompacted: 2,
  };
  async function document(outcome: RunOutcome): Promise<Record<string, unknown>> {
    const lines: string[] = [];
    await emitRunMetrics((l) => lines.push(l), "orders", outcome);
    expect(lines).to.have.length(1);
    return JSON.parse(lines[0]) as Record<string, unknown>;
  }
  it("one EMF document with the run's counts, by stream", async () => {
    const doc = await document(run);
    expect(doc).to.deep.include({
      StreamName: "orders",
      LakeCompactedParts: 3,
      LakeCompactedRows: 1200,
      LakeCompactedBytes: 4096,
      LakeSegmentObjectsRetired: 17,
      LakeHoursNotCompacted: 2,
    });
  });
  it("no lag without a state", async () => {
    const { hoursNotCompacted: _, ...noState } = run;
    expect(await document(noState)).to.not.have.property("LakeHoursNotCompacted");
  });
});
