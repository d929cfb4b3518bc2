import { expect } from "chai";
import pino from "pino";
import { ConsumerApplication } from "../../../runtime/observability/metrics/pipeline";
import { ConsumerMetrics } from "../../../runtime/processing/metrics";

function setup(application: ConsumerApplication = "processing") {
  const lines: string[] = [];
  const metrics = new ConsumerMetrics((line) => lines.push(line), application, "trips", pino({ level: "silent" }));
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

  it("files every document under the consumer application that runs the coordinator: the lake's never in processing's series", async () => {
    const documents = await Promise.all(
      (["processing", "lake"] as const).map(async (application) => {
        const { metrics, documents } = setup(application);
        metrics.processed("shardId-0", 4, 2);
        metrics.leaseTaken("shardId-0", true);
        metrics.behind("shardId-0", 9);
        await metrics.report();
        return documents();
      }),
    );
    const services = documents.map((docs) => [...new Set(docs.map((d) => `${d.Service} ${d.StreamName}`))]);
    expect(services).to.deep.equal([["processing trips"], ["lake trips"]]);
    // The same counters in both: processing's names and dimensions are unchanged.
    expect(Object.keys(documents[1][0]).sort()).to.deep.equal(Object.keys(documents[0][0]).sort());
  });
});
