import { expect } from "chai";
import pino from "pino";
import { ConsumerMetrics } from "../../../runtime/processing/metrics";

function setup() {
  const lines: string[] = [];
  const metrics = new ConsumerMetrics((line) => lines.push(line), "trips", pino({ level: "silent" }));
  const documents = () => lines.map((line) => JSON.parse(line));
  return { metrics, documents, lines };
}

describe("processing metrics", () => {
  it("reports counters once per interval and starts again from zero", async () => {
    const { metrics, documents, lines } = setup();
    metrics.processed("shardId-0", 10, 40);
    metrics.processed("shardId-1", 5, 20);
    metrics.leaseTaken("shardId-0", false);
    metrics.leaseTaken("shardId-1", true);
    await metrics.report();
    const [first] = documents();
    expect(first).to.include({ Service: "processing", StreamName: "trips", RecordsProcessed: 15 });
    expect(first).to.include({ ProcessingTimeAverage: 30, LeaseTakes: 1, LeaseSteals: 1 });
    lines.length = 0;
    await metrics.report();
    expect(documents()[0]).to.include({ RecordsProcessed: 0, LeaseTakes: 0, LeaseSteals: 0 });
  });

  it("writes the largest MillisBehindLatest of each shard as its own document", async () => {
    const { metrics, documents } = setup();
    metrics.behind("shardId-0", 500);
    metrics.behind("shardId-0", 200);
    metrics.behind("shardId-1", 7);
    await metrics.report();
    const behind = documents().filter((d) => d.MillisBehindLatest !== undefined);
    expect(behind.map((d) => [d.ShardId, d.MillisBehindLatest])).to.have.deep.members([
      ["shardId-0", 500],
      ["shardId-1", 7],
    ]);
  });

  it("writes what was counted since the last interval when it stops", async () => {
    const { metrics, documents } = setup();
    metrics.start(60_000);
    metrics.processed("shardId-0", 3, 1);
    await metrics.stop();
    expect(documents().map((d) => d.RecordsProcessed)).to.deep.equal([3]);
  });
});
