import { expect } from "chai";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { priceSheet } from "../../../runtime/cost/price-table";
import { estimate, Estimate } from "../../../tools/cost/estimate";
import { DEFAULT_USAGE, readUsage, UsageError } from "../../../tools/cost/usage";
import { planDocument, PlanDocument } from "../../../infra/plan/render";
import { runPipeline } from "../../harness/pulumi";

const ROOT = join(__dirname, "..", "..", "..");
const run = promisify(execFile);
const sheet = priceSheet("us-east-1");

/** A known stack: 2 shards with the shard scaler (1..8), no analytics, no flow logs, no lake. */
async function knownStack(): Promise<PlanDocument> {
  const { recorded, outputs } = await runPipeline({
    shardCount: "2",
    analytics: "false",
    flowLogs: "false",
    lake: "false",
  });
  return planDocument(
    { project: "kinesis-pipeline", stack: "known", region: "us-east-1" },
    recorded.resources,
    outputs,
  );
}

describe("npm run cost: the monthly estimate", function () {
  this.timeout(60_000);
  let doc: PlanDocument;
  let e: Estimate;
  before(async () => {
    doc = await knownStack();
    // 1,000 records/s of 200 B with 16-character keys, 100 records a request, 1 GB a month a log group.
    e = estimate(doc, DEFAULT_USAGE, sheet);
  });

  it("holds the known stack and traffic to the figure computed by hand", () => {
    const MONTH_S = 730 * 3600; // 2,628,000 s
    const GIB = 1024 ** 3;
    // Aggregation. A 200 B record with a 16 B key takes 2+1+2+200 = 205 B as a Record, 208 B
    // with its tag and length in the aggregate, 18 B in the key table: 226 B; 227 B from the
    // 128th on (2-byte index). 20 B of magic and MD5: 20 + 128 x 226 + 98 x 227 = 51,194 B
    // holds 226 records. The scaler's floor is 1 shard: 1,000 records/s make 100 records
    // every 100 ms, 10 aggregates/s of 100 x 51,194 / 226 = 22,652.2 B, + 16 B key.
    const aggregate = (100 * 51_194) / 226;
    const streamBytesPerSecond = 10 * (aggregate + 16); // 226,682 B/s
    // Shards: usage of one shard 226,682 / 1,048,576 = 0.216; at a 50% target: 1 shard.
    const streamGb = (streamBytesPerSecond * MONTH_S) / GIB; // 554.8 GB a month
    const stream = 730 * 0.015 + ((10 * MONTH_S) / 1e6) * 0.014; // one PUT unit an aggregate
    const fanOut = 730 * 0.015 + streamGb * 0.013; // one consumer on one shard
    // NAT: one gateway, and its public IPv4. Nothing of the stream crosses it: ingest's writes
    // and processing's reads go through the Kinesis interface endpoint (streamVpcEndpoint's
    // default), in 2 zones at $0.01 an AZ-hour, $0.01/GB; S3 and DynamoDB through free gateways.
    const network = 730 * 0.045 + 0 * 0.045 + 730 * 0.005;
    const streamEndpoint = 2 * 730 * 0.01 + 2 * streamGb * 0.01;
    // ALB: 1,000 x (200 + 120) B/s = 1.152 GB/h = 1.152 LCU (requests: 10/s, 0.01 LCU).
    const alb = 730 * 0.0225 + 1.152 * 730 * 0.008 + 2 * 730 * 0.005;
    // Fargate: ingest and processing, 2 tasks each of 0.5 vCPU and 1 GB, all month.
    const fargate = 2 * (730 * 0.04048 + 1460 * 0.004445);
    // The ALB's access logs: 10 requests/s x 500 B / 5 (gzip), a month kept.
    const accessLogs = ((1000 * MONTH_S) / GIB) * 0.023;
    // Log groups (ingest, processing, shard-scaler, schemas-setup): 1 GB in, 1 GB kept each.
    const logs = 4 * (0.5 + 0.03);
    // Leases: 1 shard x 1.1 writes/s; 2 workers x 0.1 scans/s x 1 shard.
    const leases = ((1.1 * MONTH_S) / 1e6) * 0.625 + ((0.2 * MONTH_S) / 1e6) * 0.125;
    // The scaler: 12 runs/h (rate(5 minutes)): 8,760 runs of 1 s at 256 MB, a history read
    // each, 10 writes a day at most.
    const scaler =
      0.00876 * 0.2 + 8760 * 0.25 * 0.0000166667 + 0.00876 * 0.125 + ((10 / 86_400) * MONTH_S * 0.625) / 1e6;
    // Keys: the stream's (4 tasks x 12 data keys an hour) and the topics'; the image in ECR.
    const keys = 1 + ((4 * 12 * 730) / 10_000) * 0.03 + 1 + ((12 * 730) / 10_000) * 0.03;
    const ecr = 0.3 * 0.1;
    // Alarms: 3 of one metric (operations), 2 of two (the scaler's usage math); the dashboard; 2 topics.
    const observability = 3 * 0.1 + 2 * 2 * 0.1 + 3 + 2 * 0.001 * 0.5;
    // The tenants table: 2 ingest tasks refresh the one tenant's key every 30 s x 0.8 = 24 s,
    // two strongly consistent GetItems (its key's item, its tenant's), 1 read unit each.
    const tenants = ((2 * (2 / 24) * MONTH_S) / 1e6) * 0.125;
    const byHand =
      stream +
      fanOut +
      network +
      streamEndpoint +
      alb +
      fargate +
      accessLogs +
      logs +
      leases +
      scaler +
      keys +
      ecr +
      observability +
      tenants;
    expect(byHand).to.be.closeTo(204.21, 0.005);
    expect(e.totalUsd).to.be.closeTo(byHand, 1e-6);
  });

  it("names the three biggest items and prices every resource of the plan", () => {
    // The stream's bytes go through the Kinesis endpoint: NAT's data is no longer an item of note.
    expect(e.biggest.map((b) => [b.part, b.name, b.what])).to.deep.equal([
      ["network", "network", "1 NAT gateway"],
      ["ingest", "ingest", "2 x 0.5 vCPU"],
      ["processing", "processing", "2 x 0.5 vCPU"],
    ]);
    expect(e.notPriced).to.deep.equal([]);
    expect(e.parts.map((p) => p.part)).to.include.members(["stream", "ingest", "processing", "network", "scaling"]);
  });

  it("shows aggregation's effect: 1,000 records/s become 10 aggregates/s, 1,000 PUT units/s become 10", () => {
    const a = e.stream.aggregation;
    expect(a.without).to.deep.include({ kinesisRecordsPerSecond: 1000, putPayloadUnitsPerSecond: 1000 });
    expect(a.with).to.deep.include({ kinesisRecordsPerSecond: 10, putPayloadUnitsPerSecond: 10 });
    expect([a.shardsWithout, a.shardsWith]).to.deep.equal([1, 1]);
  });

  it("compares the scaled provisioned stream with on-demand: both monthly figures and where they meet", () => {
    const m = e.stream.modes;
    expect(m.provisioned.shards).to.equal(1);
    expect(m.provisioned.monthlyUsd).to.be.closeTo(10.95 + 26.28 * 0.014, 1e-6);
    expect(m.onDemand.monthlyUsd).to.be.greaterThan(29.2);
    expect(m.cheaperAtZero).to.equal("provisioned");
    expect(m.breakEvenRecordsPerSecond).to.deep.equal([]);
  });

  it("names a resource type it does not know instead of taking it as free", () => {
    const withUnknown: PlanDocument = {
      ...doc,
      resources: [
        ...doc.resources,
        { ...doc.resources[0], type: "aws:memorydb/cluster:Cluster", name: "cache", urn: "urn:cache", parentUrn: null },
      ],
    };
    const unknown = estimate(withUnknown, DEFAULT_USAGE, sheet);
    expect(unknown.notPriced).to.deep.equal([
      {
        part: "common",
        type: "aws:memorydb/cluster:Cluster",
        name: "cache",
        why: "no price rule for this resource type (tools/cost/resource-prices.ts)",
      },
    ]);
    expect(unknown.totalUsd).to.equal(e.totalUsd);
  });

  it("names a price the region lacks (an OpenSearch instance type) instead of counting it as 0", () => {
    const domain = {
      ...doc.resources[0],
      type: "aws:opensearch/domain:Domain",
      name: "search",
      urn: "urn:search",
      parentUrn: null,
      inputs: {
        clusterConfig: { instanceCount: 2, instanceType: "r7g.large.search" },
        ebsOptions: { ebsEnabled: false },
      },
    };
    const unknown = estimate({ ...doc, resources: [...doc.resources, domain] }, DEFAULT_USAGE, sheet);
    expect(unknown.notPriced.map((n) => n.why)).to.deep.equal([
      '2 x r7g.large.search: no "opensearch:r7g.large.search" price for us-east-1',
    ]);
  });

  it("names a provisioned-capacity table, which it does not price", () => {
    const table = {
      ...doc.resources[0],
      type: "aws:dynamodb/table:Table",
      name: "counts",
      urn: "urn:counts",
      parentUrn: null,
      inputs: { billingMode: "PROVISIONED" },
    };
    const unknown = estimate({ ...doc, resources: [...doc.resources, table] }, DEFAULT_USAGE, sheet);
    expect(unknown.notPriced).to.deep.equal([
      {
        part: "common",
        type: "aws:dynamodb/table:Table",
        name: "counts",
        why: "billing mode PROVISIONED: only on-demand (PAY_PER_REQUEST) tables are priced",
      },
    ]);
  });

  it("prices the resources other parts are adding: a tenants table, a lake bucket, Glue tables, an Athena workgroup", () => {
    const base = doc.resources[0];
    const lake = {
      ...base,
      type: "kinesis-pipeline:lake:DataLake",
      name: "lake",
      urn: "urn:lake",
      parentUrn: null,
      inputs: {},
    };
    const added = [
      {
        type: "aws:dynamodb/table:Table",
        name: "tenants",
        parentUrn: null,
        inputs: { billingMode: "PAY_PER_REQUEST" },
      },
      { type: "aws:s3/bucket:Bucket", name: "lake", parentUrn: "urn:lake", inputs: {} },
      { type: "aws:glue/catalogTable:CatalogTable", name: "records", parentUrn: "urn:lake", inputs: {} },
      { type: "aws:athena/workgroup:Workgroup", name: "lake", parentUrn: "urn:lake", inputs: {} },
    ].map((r, i) => ({ ...base, ...r, urn: `urn:added-${i}` }));
    const usage = { ...DEFAULT_USAGE, tenants: 10 };
    const more = estimate({ ...doc, resources: [...doc.resources, lake, ...added] }, usage, sheet);
    expect(more.notPriced).to.deep.equal([]);
    const line = (name: string, what: string) => more.items.find((i) => i.name === name && i.what === what)!;
    // Tenants: 10 tenants x 2 ingest tasks, 2 reads every 24 s (the cache's refresh): 20 x 2/24
    // per second x 2,628,000 s, in millions.
    expect(line("tenants", "read request units").quantity).to.be.closeTo(20 * (2 / 24) * 2.628, 1e-9);
    // Lake: 200 kB/s of records, a quarter stored as Parquet. Without lake workers in the
    // plan nothing writes objects: no PUT requests (a real lake's are held below).
    expect(line("lake", "storage (the first month's data)").quantity).to.be.closeTo(
      (200_000 * 2_628_000 * 0.25) / 1024 ** 3,
      1e-9,
    );
    expect(line("lake", "PUT requests")).to.equal(undefined);
    // Athena: 10 GB a day, 30.4 days, in TB.
    expect(line("lake", "data scanned").monthlyUsd).to.be.closeTo(((10 * 730) / 24 / 1024) * 5, 1e-9);
    expect(more.free.find((f) => f.name === "records")?.why).to.match(/Data Catalog's free first million/);
    expect(more.items.filter((i) => i.name === "lake").every((i) => i.part === "lake")).to.equal(true);
  });

  it("a stack with the lake: its objects, its leases, its reads through the Kinesis endpoint and Firehose beside it, by hand", async () => {
    const { recorded, outputs } = await runPipeline({
      shardCount: "2",
      analytics: "false",
      flowLogs: "false",
    });
    const lakeDoc = await planDocument(
      { project: "kinesis-pipeline", stack: "lake", region: "us-east-1" },
      recorded.resources,
      outputs,
    );
    const l = estimate(lakeDoc, { ...DEFAULT_USAGE, tenants: 3 }, sheet);
    const MONTH_S = 2_628_000;
    const line = (name: string, what: string) => l.items.find((i) => i.name === name && i.what === what)!;
    // One shard takes 200,000 B/s of records: 64 MiB fills in 335.5 s, so the 300 s roll cuts
    // 12 segments an hour, each with every one of the 3 tenants: 3 objects and a claim; and
    // the shard's progress once a minute.
    expect(line("lake", "PUT requests").quantity).to.be.closeTo(((12 * 4 + 60) * 730) / 1000, 1e-9);
    // The compactor reads each of the 36 objects an hour once, and at each of its 4 runs an hour
    // the state and the shard's progress, and the hour's plan; it tags each object once, and per
    // tenant writes a part and lists the hour four times, plus the plan and two state writes.
    expect(line("lake", "compaction GET requests").quantity).to.be.closeTo(((36 + 4 * (1 + 1) + 1) * 730) / 1000, 1e-9);
    expect(line("lake", "compaction PUT, tagging and LIST requests").quantity).to.be.closeTo(
      ((36 + 5 * 3 + 3) * 730) / 1000,
      1e-9,
    );
    // Its runs: 4 an hour of about a second, and 35 ms a MiB of the month's Parquet (a quarter
    // of the records' bytes), at 3 GB.
    const parquetMiB = ((200_000 * MONTH_S) / 1024 ** 3) * 0.25 * 1024;
    expect(line("lake-compactor", "compute").quantity).to.be.closeTo((4 * 730 + (parquetMiB * 35) / 1000) * 3, 1e-6);
    // Leases: a renewal every 10 s and a checkpoint a segment (12 an hour) on the one shard.
    expect(line("lake-leases", "write request units").quantity).to.be.closeTo(
      ((0.1 + 12 / 3600) * MONTH_S) / 1e6,
      1e-9,
    );
    // The lake's floor of 2 tasks writes 1,000 rows/s; 100,000 rows/s at 45 µs a row is
    // 4.5 vCPU, 13 tasks of 0.5 vCPU kept at 70% (12.9).
    expect(line("lake", "2 x 0.5 vCPU").quantity).to.equal(730);
    const busy = estimate(lakeDoc, { ...DEFAULT_USAGE, recordsPerSecond: 100_000 }, sheet);
    expect(busy.items.find((i) => i.name === "lake" && i.what === "13 x 0.5 vCPU")?.quantity).to.equal(13 * 0.5 * 730);
    // On-demand would bill data out to each reader: processing and the lake.
    expect(l.stream.modes.onDemand.lines.map((x) => x.what)).to.include("data out (2 readers)");
    // The Kinesis endpoint carries ingest's writes, processing's and the lake's reads; nothing
    // of them crosses NAT. The lake's PUTs go through the S3 gateway endpoint, free.
    const streamGb = (10 * ((100 * 51_194) / 226 + 16) * MONTH_S) / 1024 ** 3;
    const nat = l.items.find((i) => i.price.key === "natGatewayGb")!;
    const endpoint = l.items.find((i) => i.price.key === "vpcEndpointGb")!;
    expect(nat.quantity).to.equal(0);
    expect(endpoint.name).to.equal("network-endpoint-kinesis");
    expect(endpoint.quantity).to.be.closeTo(3 * streamGb, 1e-9);
    expect(l.items.find((i) => i.price.key === "vpcEndpointAzHour")!.quantity).to.equal(2 * 730);
    expect(l.free.filter((f) => f.type === "aws:ec2/vpcEndpoint:VpcEndpoint").map((f) => f.name)).to.have.members([
      "network-endpoint-s3",
      "network-endpoint-dynamodb",
    ]);
    // Firehose reads the aggregates (22,668 B: 5 steps of 5 KB), 10 a second; delivers 200 kB/s;
    // 3 tenants' partitions flushed every 300 s.
    const billedGb = (10 * 5 * 5120 * MONTH_S) / 1024 ** 3;
    const deliveredGb = (200_000 * MONTH_S) / 1024 ** 3;
    const objects = (3 * 12 * 730) / 1000;
    expect(l.lake!.firehose.usd).to.be.closeTo(
      billedGb * (0.029 + 0.018) + deliveredGb * 0.02 + objects * (0.005 + 0.005),
      1e-9,
    );
    // Unaggregated, each 200 B record is billed as 5 KB: 25.6 times its bytes.
    const unaggregatedGb = (1000 * 5120 * MONTH_S) / 1024 ** 3;
    expect(l.lake!.firehoseUnaggregated.usd).to.be.closeTo(
      unaggregatedGb * (0.029 + 0.018) + deliveredGb * 0.02 + objects * (0.005 + 0.005),
      1e-9,
    );
    // The writer's side: its workers, fan-out, leases, logs, PUTs and its reads through the endpoint.
    const writer = l.items
      .filter((i) => i.part === "lake" && !["aws:kms/key:Key", "aws:athena/workgroup:Workgroup"].includes(i.type))
      .filter(
        (i) => !(i.type === "aws:s3/bucket:Bucket" && i.what !== "PUT requests" && !i.what.startsWith("compaction")),
      )
      .reduce((s, i) => s + i.monthlyUsd, 0);
    expect(l.lake!.writer.usd).to.be.closeTo(writer + streamGb * 0.01, 1e-9);
    expect(l.lake!.writer.lines.map((x) => x.what)).to.include.members([
      "workers 2 x 0.5 vCPU",
      "fan-out consumer-shard-hours",
      "Kinesis endpoint data of its reads",
      "objects PUT requests",
    ]);
  });

  it("streamVpcEndpoint false: the stream's traffic and the lake's reads cross NAT at $0.045/GB, by hand", async () => {
    const { recorded, outputs } = await runPipeline({
      shardCount: "2",
      analytics: "false",
      flowLogs: "false",
      streamVpcEndpoint: "false",
    });
    const natDoc = await planDocument(
      { project: "kinesis-pipeline", stack: "nat", region: "us-east-1" },
      recorded.resources,
      outputs,
    );
    const n = estimate(natDoc, { ...DEFAULT_USAGE, tenants: 3 }, sheet);
    const streamGb = (10 * ((100 * 51_194) / 226 + 16) * 2_628_000) / 1024 ** 3;
    // Ingest's writes, processing's and the lake's reads, through the one NAT gateway.
    expect(n.items.find((i) => i.price.key === "natGatewayGb")!.quantity).to.be.closeTo(3 * streamGb, 1e-9);
    expect(n.items.filter((i) => i.price.key.startsWith("vpcEndpoint"))).to.deep.equal([]);
    const reads = n.lake!.writer.lines.find((x) => x.what === "NAT data of its reads")!;
    expect(reads.usd).to.be.closeTo(streamGb * 0.045, 1e-9);
    expect(n.lake!.writer.lines.map((x) => x.what)).to.not.include("Kinesis endpoint data of its reads");
    // Against the same stack with the endpoint: NAT's $0.045/GB instead of the endpoint's $0.01 on
    // 3 x 554.8 GB, less the endpoint's 2 zones x 730 h x $0.01: $43.65 a month more.
    const withEndpoint = await runPipeline({ shardCount: "2", analytics: "false", flowLogs: "false" });
    const w = estimate(
      await planDocument(
        { project: "kinesis-pipeline", stack: "lake", region: "us-east-1" },
        withEndpoint.recorded.resources,
        withEndpoint.outputs,
      ),
      { ...DEFAULT_USAGE, tenants: 3 },
      sheet,
    );
    expect(n.totalUsd - w.totalUsd).to.be.closeTo(3 * streamGb * (0.045 - 0.01) - 2 * 730 * 0.01, 1e-9);
    expect(n.totalUsd - w.totalUsd).to.be.closeTo(43.65, 0.005);
  });

  it("reads the traffic flags, naming every bad one", () => {
    expect(readUsage({ "records-per-second": "5000", tenants: "3" })).to.deep.include({
      recordsPerSecond: 5000,
      tenants: 3,
    });
    expect(() => readUsage({ "records-per-second": "lots", "record-bytes": "0" })).to.throw(
      UsageError,
      /--records-per-second must be an integer from 0 to 10000000, got "lots"\n--record-bytes must be an integer from 1 to 1048576, got "0"/,
    );
  });

  it("npm run cost -- --stack dev: the Infracost-style table, the total, the biggest items and the comparisons", async () => {
    const { stdout } = await run(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "tools/cost/main.ts", "--stack", "dev", "--records-per-second", "2000"],
      { cwd: ROOT, timeout: 60_000 },
    );
    expect(stdout).to.match(/^Project: kinesis-pipeline\/dev \(us-east-1; prices checked \d{4}-\d{2}-\d{2}/);
    expect(stdout).to.match(/ Name +Monthly Qty +Unit +Monthly Cost/);
    expect(stdout).to.match(/ OVERALL TOTAL +\$\d+\.\d\d\n/);
    expect(stdout).to.match(/The three biggest items: 1\. .*; 2\. .*; 3\. /);
    expect(stdout).to.contain("--records-per-second 2000");
    expect(stdout).to.match(/without: 2,000 Kinesis records\/s, 2,000 PUT payload units\/s/);
    expect(stdout).to.match(/provisioned: \$\d+\.\d\d a month/);
    expect(stdout).to.match(/on-demand: +\$\d+\.\d\d a month/);
  });
});
