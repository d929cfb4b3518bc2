import { expect } from "chai";
import { EmfDocument } from "../../../runtime/observability/emf-reading";
import { PAGE_WINDOWS, PipelineView, SERIES_POINTS } from "../../../runtime/local/page/pipeline-view";

const SETUP = { streamName: "s", minShards: 2, maxShards: 8, capacityScale: 10, metricsIntervalMs: 2000 };

function doc(at: number, dimensions: Record<string, string>, metrics: Record<string, number>): EmfDocument {
  return { at, dimensions, metrics };
}

const ingest = (at: number, received: number, put: number, calls: number) =>
  doc(
    at,
    { Service: "ingest", StreamName: "s" },
    { UserRecordsReceived: received, KinesisRecordsPut: put, PutRecordsCalls: calls },
  );
/** The replay's own report: the trips it sent and those the ingest API accepted (which ingest counts too). */
const replay = (at: number, sent: number, accepted: number) =>
  doc(at, { Service: "replay" }, { TripsSent: sent, TripsAccepted: accepted });

describe("PipelineView (what the live page shows)", () => {
  it("turns ingest's counts per interval into rates per second, the replay's share told apart by its own count", () => {
    const view = new PipelineView(SETUP);
    view.metrics(ingest(1000, 260, 6, 3));
    view.metrics(replay(1500, 62, 60));
    const points = view.snapshot(2000).throughput.points;
    expect(points).to.have.lengthOf(2);
    expect(points[0]).to.deep.equal({
      t: 1000,
      userRecords: { ingest: 130, replay: 0 },
      kinesisRecords: 3,
      putRecordsCalls: 1.5,
    });
    expect(points[1]).to.deep.equal({
      t: 1500,
      userRecords: { ingest: 100, replay: 30 },
      kinesisRecords: 3,
      putRecordsCalls: 1.5,
    });
    // 260 user records in 6 Kinesis records since the start: the replay's own report adds none.
    expect(view.snapshot(2000).throughput.aggregationRatio).to.be.closeTo(260 / 6, 1e-9);
  });

  it("counts a writer silent for two intervals (stopped) as zero", () => {
    const view = new PipelineView(SETUP);
    view.metrics(replay(0, 100, 100));
    view.metrics(ingest(4001, 20, 1, 1));
    expect(view.snapshot(5000).throughput.points[1].userRecords).to.deep.equal({ ingest: 10, replay: 0 });
  });

  it("shows the replay's share as at most every record ingest took (the two report apart)", () => {
    const view = new PipelineView(SETUP);
    view.metrics(ingest(1000, 40, 1, 1));
    view.metrics(replay(1500, 60, 60));
    expect(view.snapshot(2000).throughput.points[1].userRecords).to.deep.equal({ ingest: 0, replay: 20 });
  });

  it("keeps at most SERIES_POINTS points per series, the newest", () => {
    const view = new PipelineView(SETUP);
    for (let i = 0; i < SERIES_POINTS + 50; i++) {
      view.metrics(ingest(i * 2000, 2, 1, 1));
      view.shardCount(i * 2000, 2);
    }
    const s = view.snapshot(0);
    expect(s.throughput.points).to.have.lengthOf(SERIES_POINTS);
    expect(s.throughput.points[0].t).to.equal(50 * 2000);
    expect(s.shards.points).to.have.lengthOf(SERIES_POINTS);
  });

  it("adds up rejects by reason, telling the schema's from the others, and the workers' dead letters", () => {
    const view = new PipelineView(SETUP);
    view.metrics(doc(0, { Service: "ingest", Reason: "schema_violation" }, { Rejects: 3 }));
    view.metrics(doc(0, { Service: "ingest", Reason: "backpressure" }, { Rejects: 5 }));
    view.metrics(doc(2000, { Service: "ingest", Reason: "schema_violation" }, { Rejects: 1 }));
    view.metrics(doc(0, { Service: "processing" }, { RecordsProcessed: 9, DeadLetters: 2 }));
    view.metrics(doc(0, { Service: "processing" }, { RecordsProcessed: 9, DeadLetters: 1 }));
    expect(view.snapshot(0).rejects).to.deep.equal({
      schema: 4,
      other: 5,
      byReason: { schema_violation: 4, backpressure: 5 },
      deadLetters: 3,
    });
  });

  it("joins leases with the lag their shard last reported, and counts each worker's leases", () => {
    const view = new PipelineView(SETUP);
    view.metrics(doc(1000, { Service: "processing", ShardId: "shardId-1" }, { MillisBehindLatest: 1500 }));
    view.metrics(doc(1000, { Service: "processing", ShardId: "shardId-0" }, { MillisBehindLatest: 0 }));
    view.processingWorkers([
      { name: "processing-1", workerId: "w1", pid: 11, running: true },
      { name: "processing-2", workerId: "w2", running: false },
    ]);
    view.leaseTable([
      { shardId: "shardId-1", owner: "w1", finished: false },
      { shardId: "shardId-0", owner: "w1", finished: false },
      { shardId: "shardId-2", finished: false },
      { shardId: "shardId-9", owner: "w2", finished: true },
    ]);
    const c = view.snapshot(2000).consumers;
    expect(c.leases).to.deep.equal([
      { shardId: "shardId-0", owner: "w1", finished: false, millisBehind: 0 },
      { shardId: "shardId-1", owner: "w1", finished: false, millisBehind: 1500 },
      { shardId: "shardId-2", finished: false },
      { shardId: "shardId-9", owner: "w2", finished: true },
    ]);
    expect(c.workers.map((w) => w.leases)).to.deep.equal([2, 0]);
    // Reports older than 2.5 intervals (5 s here) are not shown: its worker stopped reporting it.
    expect(view.snapshot(6_000).consumers.leases[0]).to.have.property("millisBehind");
    expect(view.snapshot(6_001).consumers.leases[1]).to.not.have.property("millisBehind");
  });

  it("shows no lag for a shard whose holder is not running (killed: its last report was before it died)", () => {
    const view = new PipelineView(SETUP);
    view.metrics(doc(1000, { Service: "processing", ShardId: "shardId-0" }, { MillisBehindLatest: 0 }));
    view.processingWorkers([{ name: "processing-1", workerId: "w1", running: false }]);
    view.leaseTable([{ shardId: "shardId-0", owner: "w1", finished: false }]);
    expect(view.snapshot(1500).consumers.leases[0]).to.deep.equal({
      shardId: "shardId-0",
      owner: "w1",
      finished: false,
    });
  });

  it("offers the latest PAGE_WINDOWS windows that have hot spots, newest first, each busiest first", () => {
    const view = new PipelineView(SETUP);
    const window = (hour: number, counts: number[]) => ({
      windowStart: new Date(Date.UTC(2009, 0, 1, hour)).toISOString(),
      windowEnd: new Date(Date.UTC(2009, 0, 1, hour + 6)).toISOString(),
      hotSpots: counts.map((count, i) => ({
        cell: `c${hour}-${i}`,
        location: { lat: 40.7 + i / 100, lon: -74 },
        count,
      })),
      airports: [],
    });
    view.hotspotWindows({
      windows: [window(36, []), window(30, [3, 9]), window(24, [4]), window(18, [5]), window(12, [6]), window(6, [7])],
      stats: { events: 500, late: 3 },
    });
    const h = view.snapshot(0).hotspots;
    expect(h.windows.map((w) => w.start)).to.deep.equal([
      "2009-01-02T06:00:00.000Z",
      "2009-01-02T00:00:00.000Z",
      "2009-01-01T18:00:00.000Z",
      "2009-01-01T12:00:00.000Z",
    ]);
    expect(h.windows).to.have.lengthOf(PAGE_WINDOWS);
    expect(h.windows[0]).to.deep.equal({
      start: "2009-01-02T06:00:00.000Z",
      end: "2009-01-02T12:00:00.000Z",
      spots: [
        { cell: "c30-1", lat: 40.71, lon: -74, count: 9 },
        { cell: "c30-0", lat: 40.7, lon: -74, count: 3 },
      ],
    });
    expect(h).to.include({ events: 500, late: 3 });
  });
});

describe("PipelineView: what the local shape would cost on AWS", () => {
  it("prices the open shards, the ingest process, the running workers and the Flink job at 10x the local rates", () => {
    const view = new PipelineView(SETUP);
    expect(view.snapshot(1000).cost).to.equal(undefined);
    view.shardCount(500, 2);
    view.processingWorkers([
      { name: "worker-1", workerId: "w1", running: true },
      { name: "worker-2", workerId: "w2", running: true },
      { name: "worker-3", workerId: "w3", running: false },
    ]);
    // 260 user records in 6 Kinesis records over a 2 s interval: 130/s and 3/s locally, 1,300/s and 30/s on AWS.
    view.metrics(ingest(1000, 260, 6, 3));
    const cost = view.snapshot(2000).cost!;
    // By hand, us-east-1: 2 shards x $0.015 = $0.03; 1,300 x 216 B = 280,800 B/s in 30
    // aggregates/s of 9,360 B (one PUT payload unit each): 108,000 units an hour x
    // $0.014 / 1M = $0.001512; 3 tasks of 0.5 vCPU and 1 GB: 3 x (0.5 x $0.04048 +
    // $0.004445) = $0.074055; the Flink job: (1 KPU + 1 orchestration) x $0.11 = $0.22.
    expect(cost.usdPerHour).to.be.closeTo(0.03 + 0.001512 + 0.074055 + 0.22, 1e-9);
    expect(cost.provisionedStreamUsdPerHour).to.be.closeTo(0.03 + 0.001512, 1e-9);
    // On-demand: $0.04 + 30 x 10 KB (9,360 B rounded up) x 3,600 s at $0.08/GB + 2 readers x 280,800 B x 3,600 s at $0.04/GB.
    const gb = 1024 ** 3;
    expect(cost.onDemandStreamUsdPerHour).to.be.closeTo(
      0.04 + ((30 * 10_240 * 3600) / gb) * 0.08 + ((2 * 280_800 * 3600) / gb) * 0.04,
      1e-9,
    );
    expect(cost.lines.map((l) => l.what)).to.deep.equal([
      "stream: 2 shards",
      "stream: PUT payload units",
      "ingest: 1 task of 0.5 vCPU, 1 GB",
      "processing: 2 tasks of 0.5 vCPU, 1 GB",
      "hot spots: 1 KPU (+1 orchestration)",
    ]);
    expect(cost).to.include({ region: "us-east-1", capacityScale: 10 });
  });

  it("counts no traffic once ingest has been silent for two intervals", () => {
    const view = new PipelineView(SETUP);
    view.shardCount(0, 1);
    view.metrics(ingest(1000, 260, 6, 3));
    const cost = view.snapshot(6000).cost!;
    expect(cost.provisionedStreamUsdPerHour).to.be.closeTo(0.015, 1e-12);
  });
});
