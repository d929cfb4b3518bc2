import { readFile } from "node:fs/promises";
import { promises as fs } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import { PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { expect } from "chai";

import { createKinesisClient } from "../../../runtime/common/aws/kinesis-client";
import { LOCAL_VARIABLES } from "../../../runtime/local/local-env";
import { LocalStackFile, readStackFile, stackFilePath } from "../../../runtime/common/stack-file";
import { REPO_ROOT } from "../../harness/built";
import { localLakeDirectory } from "../../../runtime/local/lake-child";
import { queryLake } from "../../../runtime/local/lake-query";
import { Answer, IngestClient } from "../../harness/ingest-client";
import { locationOf, readStream } from "../../harness/stream-contents";
import { isRunning, killIfRunning, waitUntilGone } from "../../harness/process-checks";
import { freePortsEnv, StackProcess } from "../../harness/stack-process";

/** Start takes 2-4 s here (mostly kinesis-local); the bound leaves room for a busy machine. */
const START_TIMEOUT_MS = 40_000;

describe("npm start (the local stack)", function () {
  this.timeout(90_000);
  let stack: StackProcess | undefined;
  let stateDir: string;
  let env: Record<string, string>;
  let stackFile: LocalStackFile | undefined;

  beforeEach(async () => {
    stateDir = await fs.mkdtemp(path.join(os.tmpdir(), "local-stack-test-"));
    env = {
      ...(await freePortsEnv()),
      LOCAL_STATE_DIR: stateDir,
      LOCAL_SHARDS: "2",
      // The tests that compare stream contents exactly run without the taxi replay.
      LOCAL_REPLAY_SPEEDUP: "0",
    };
    stack = undefined;
    stackFile = undefined;
  });

  afterEach(async () => {
    // Even after a failed assertion, nothing this test started may keep running.
    stack?.kill();
    for (const pid of Object.values(stackFile?.pids ?? {})) killIfRunning(pid);
    await fs.rm(stateDir, { recursive: true, force: true });
  });

  /** Starts the stack and waits until it is ready: the stack file exists and the table is printed. */
  async function startStack(extra: Record<string, string> = {}): Promise<LocalStackFile> {
    stack = new StackProcess({ ...env, ...extra });
    const running = stack;
    stackFile = await running.waitFor("the stack file", () => readStackFile(stateDir), START_TIMEOUT_MS);
    await running.waitFor(
      "the ready message",
      () => (running.stdout.includes("Ctrl-C to stop") ? true : undefined),
      5_000,
    );
    return stackFile;
  }

  it("starts the emulators, a stream, the ingest service, two workers and the hot-spot worker, round-trips and processes records, stops cleanly on SIGINT", async () => {
    const file = await startStack();
    expect(file).to.include({
      kinesisEndpoint: `http://127.0.0.1:${env.LOCAL_KINESIS_PORT}`,
      dynamodbEndpoint: `http://127.0.0.1:${env.LOCAL_DYNAMODB_PORT}`,
      ingestUrl: `http://127.0.0.1:${env.LOCAL_INGEST_PORT}`,
      hotspotsUrl: `http://127.0.0.1:${env.LOCAL_HOTSPOTS_PORT}/hotspots`,
      scalingEventsUrl: `http://127.0.0.1:${env.LOCAL_SCALER_PORT}/scaling-events`,
      pageUrl: `http://127.0.0.1:${env.LOCAL_PAGE_PORT}/`,
      region: "us-east-1",
      streamName: "kinesis-pipeline-local",
      shardCount: 2,
      stackPid: stack!.child.pid,
    });
    expect(file.pids).to.have.keys("kinesis", "dynamodb", "ingest", "processing-1", "processing-2", "lake", "hotspots");
    expect(file.processedFile).to.equal(path.join(stateDir, "processed.jsonl"));
    expect(stack!.stdout)
      .to.include(file.kinesisEndpoint)
      .and.include(file.dynamodbEndpoint)
      .and.include(`Ingest API         ${file.ingestUrl}  (pid ${file.pids.ingest}`)
      .and.include(`Hot spots          ${file.hotspotsUrl}  (pid ${file.pids.hotspots}`)
      .and.include(`writer pid ${file.pids.lake}, leases in kinesis-pipeline-local-lake`)
      .and.include(`Shard scaler       ${file.scalingEventsUrl}  (2..8 shards, every 30 s, traffic counted 10x)`)
      .and.include(stackFilePath(stateDir));
    // The local shard scaler answers with its bounds and (none yet) events.
    const scaling = (await (await fetch(file.scalingEventsUrl as string)).json()) as Record<string, unknown>;
    expect(scaling).to.deep.include({ minShards: 2, maxShards: 8, periodSeconds: 30, capacityScale: 10, events: [] });

    const kinesis = createKinesisClient({ region: file.region, endpoint: file.kinesisEndpoint, http: "1.1" });
    // Ingest wants a tenant's key: the demo tenant's, which the stack printed and wrote to its file.
    expect(file.demoApiKey).to.match(/^kp_test_/);
    expect(stack!.stdout).to.include(`Authorization: Bearer ${file.demoApiKey as string}`);
    const ingest = new IngestClient(file.ingestUrl as string, { maxSockets: 2, apiKey: file.demoApiKey as string });
    const hotspots = new IngestClient(file.hotspotsUrl as string, { keepAlive: false });
    try {
      const sent = ["a", "b", "c", "d", "e", "f", "g", "h"].map((key) => ({ key, data: `event for ${key}` }));
      const put = await kinesis.send(
        new PutRecordsCommand({
          StreamName: file.streamName,
          Records: sent.map(({ key, data }) => ({ PartitionKey: key, Data: Buffer.from(data) })),
        }),
      );
      expect(put.FailedRecordCount).to.equal(0);
      const posted = await ingest.post("/", { data: { via: "ingest" }, partitionKey: "i" });
      expect(posted.status, JSON.stringify(posted.body)).to.equal(200);

      const contents = await readStream(kinesis, file.streamName);
      const received = contents.records.map((r) => ({ key: r.partitionKey, data: r.data.toString() }));
      // Through ingest, the record carries its tenant: the demo tenant's prefix on the key.
      const byKey = (x: { key: string }, y: { key: string }) => x.key.localeCompare(y.key);
      expect(received.sort(byKey)).to.deep.equal(
        [...sent.slice(0, 8), { key: "demo|i", data: '{"via":"ingest"}' }].sort(byKey),
      );
      const viaIngest = contents.records.find((r) => r.partitionKey === "demo|i")!;
      expect(locationOf(viaIngest), "where the ingest API said it stored the record").to.equal(locationOf(posted.body));

      // The two processing workers share the shards and process every record, at least once
      // (a lease stolen while the workers balance may be processed by both for a moment).
      const processed = await stack!.waitFor(
        "every record in the processed file",
        async () => {
          const lines = (await readFile(file.processedFile as string, "utf8").catch(() => ""))
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => JSON.parse(l) as { tenant: string; partitionKey: string; data: string; workerId: string });
          return new Set(lines.map((l) => l.partitionKey)).size >= 9 ? lines : undefined;
        },
        30_000,
      );
      // The workers see each record's tenant: demo through ingest, none for those put directly.
      expect([...new Set(processed.map((r) => `${r.tenant} ${r.partitionKey}`))].sort()).to.deep.equal([
        "demo demo|i",
        "untenanted a",
        "untenanted b",
        "untenanted c",
        "untenanted d",
        "untenanted e",
        "untenanted f",
        "untenanted g",
        "untenanted h",
      ]);
      expect(processed.find((r) => r.partitionKey === "demo|i")!.data).to.equal('{"via":"ingest"}');

      // The hot-spot worker reads every shard as well, on leases of its own: nine records, no trip among them.
      const stats = await stack!.waitFor(
        "the hot-spot worker to count every record",
        async () => {
          const { body } = await hotspots.get("");
          return body.stats.skipped >= 9 ? body.stats : undefined;
        },
        30_000,
      );
      expect(stats).to.deep.equal({
        events: 0,
        late: 0,
        outsideBox: 0,
        skipped: 9,
        // Eight records that are not JSON; a JSON object without a trip's time.
        skippedBy: { notATrip: 8, time: 1, position: 0, future: 0 },
      });

      // The lake writer stores every record once: the JSON one (through ingest, the demo
      // tenant's) as a row of the generic table, the eight put directly (not JSON, no tenant
      // prefix) as dead letters.
      const lake = await stack!.waitFor(
        "every record in the local lake",
        async () => {
          const { rows } = await queryLake(
            localLakeDirectory(stateDir),
            "SELECT partition_key, tenant, 'row' AS kind FROM records UNION ALL " +
              "SELECT partition_key, tenant, reason FROM dead_letters ORDER BY partition_key",
          ).catch(() => ({ rows: [] as unknown[][] }));
          return rows.length >= 9 ? rows : undefined;
        },
        30_000,
      );
      expect(lake).to.deep.equal(
        [
          ...["a", "b", "c", "d", "e", "f", "g", "h"].map((k) => [
            k,
            "untenanted",
            "data is not JSON and names no schema",
          ]),
          ["demo|i", "demo", "row"],
        ].sort((x, y) => x[0].localeCompare(y[0])),
      );

      // SIGINT while a record is accepted but still buffered (the service waits up to 100 ms
      // to aggregate): the stack stops the ingest service with a signal it drains on, so the
      // request is answered 200. (That it stops before the emulators is in stop-order.test.ts:
      // kinesis-local outlives its SIGTERM long enough that this test could not tell.)
      const buffered = await acceptedButBuffered(ingest);
      stack!.child.kill("SIGINT");
      const drained = await buffered.answer;
      expect(drained.status, JSON.stringify(drained.body)).to.equal(200);
    } finally {
      ingest.close();
      hotspots.close();
      kinesis.destroy();
    }

    const exit = await stack!.exitWithin(10_000);
    expect(exit, stack!.output()).to.deep.equal({ code: 0, signal: null });
    expect(await readStackFile(stateDir), "stack file left behind").to.equal(undefined);
    for (const name of ["ingest", "processing-1", "processing-2", "lake", "hotspots", "kinesis", "dynamodb"]) {
      expect(isRunning(file.pids[name]!), `${name} still running`).to.equal(false);
    }
  });

  for (const variable of ["LOCAL_KINESIS_PORT", "LOCAL_INGEST_PORT"]) {
    it(`refuses a port in use (${variable}): exit code 2, naming the port and the variable, nothing started`, async () => {
      const port = Number(env[variable]);
      const squatter = net.createServer();
      await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", resolve));
      try {
        stack = new StackProcess(env);
        const exit = await stack.exitWithin(15_000);
        expect(exit.code, stack.output()).to.equal(2);
        expect(stack.stderr).to.include(`port ${port} is already in use`).and.include(variable);
        expect(stack.stdout).to.not.include("Starting");
        expect(await readStackFile(stateDir)).to.equal(undefined);
      } finally {
        await new Promise((resolve) => squatter.close(resolve));
      }
    });
  }

  it("rejects a bad setting with exit code 2, naming the variable, its value and what is allowed", async () => {
    stack = new StackProcess({ ...env, LOCAL_SHARDS: "51" });
    const exit = await stack.exitWithin(15_000);
    expect(exit.code, stack.output()).to.equal(2);
    expect(stack.stderr).to.match(/LOCAL_SHARDS must be an integer from 1 to 50, got 51/);
  });

  it("--help lists every environment variable and exits 0", async () => {
    stack = new StackProcess(env, ["--help"]);
    const exit = await stack.exitWithin(15_000);
    expect(exit.code, stack.output()).to.equal(0);
    for (const variable of Object.keys(LOCAL_VARIABLES)) {
      expect(stack.stdout).to.include(variable);
    }
  });

  it("when the kinesis emulator dies, says so, stops DynamoDB and exits 1", async () => {
    const file = await startStack();
    process.kill(file.pids.kinesis!, "SIGKILL");
    const exit = await stack!.exitWithin(10_000);
    expect(exit.code, stack!.output()).to.equal(1);
    expect(stack!.stderr).to.match(
      new RegExp(`kinesis \\(pid ${file.pids.kinesis}\\) died unexpectedly \\(killed by SIGKILL\\)`),
    );
    await waitUntilGone(file.pids.dynamodb!, "the dynamodb emulator", 2_000);
    await waitUntilGone(file.pids.ingest!, "the ingest service", 2_000);
    await waitUntilGone(file.pids.hotspots!, "the hot-spot worker", 2_000);
    expect(await readStackFile(stateDir), "stack file left behind").to.equal(undefined);
  });

  it("when the ingest service dies, says so, stops the emulators and exits 1", async () => {
    const file = await startStack();
    process.kill(file.pids.ingest!, "SIGKILL");
    const exit = await stack!.exitWithin(10_000);
    expect(exit.code, stack!.output()).to.equal(1);
    expect(stack!.stderr).to.match(
      new RegExp(`ingest \\(pid ${file.pids.ingest}\\) died unexpectedly \\(killed by SIGKILL\\)`),
    );
    await waitUntilGone(file.pids.kinesis!, "the kinesis emulator", 2_000);
    await waitUntilGone(file.pids.dynamodb!, "the dynamodb emulator", 2_000);
    expect(await readStackFile(stateDir), "stack file left behind").to.equal(undefined);
  });

  it("with LOCAL_INGEST_SCHEMA, ingest refuses invalid data with 422 and workers decode the schema's records", async () => {
    const file = await startStack({ LOCAL_INGEST_SCHEMA: "weather-report" });
    expect(stack!.stdout).to.include("ingest enforces weather-report");
    const ingest = new IngestClient(file.ingestUrl as string, { maxSockets: 2, apiKey: file.demoApiKey as string });
    try {
      const refused = await ingest.post("/", { data: { location: { city: 1 } } });
      expect(refused.status).to.equal(422);
      expect((refused.body as { error: string }).error).to.equal("schema_violation");
      const report = { location: { city: "Seattle", state: "WA" }, temperature: 12, timestamp: 1700000000 };
      const stored = await ingest.post("/", { data: report, partitionKey: "w" });
      expect(stored.status, JSON.stringify(stored.body)).to.equal(200);
      const line = await stack!.waitFor(
        "the record in the processed file",
        async () =>
          (await readFile(file.processedFile as string, "utf8").catch(() => ""))
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => JSON.parse(l) as { partitionKey: string; data: string; schema?: string })
            .find((l) => l.partitionKey === "demo|w"),
        30_000,
      );
      expect(line.schema).to.equal("weather-report@1");
      expect(JSON.parse(line.data)).to.deep.equal(report);
    } finally {
      ingest.close();
    }
    stack!.child.kill("SIGINT");
    expect(await stack!.exitWithin(10_000)).to.deep.equal({ code: 0, signal: null });
  });

  it("by default replays NYC taxi trips through the ingest API (here enforcing the taxi schema), the workers decode them, GET /hotspots shows them", async function () {
    this.timeout(120_000);
    await startStack({ LOCAL_REPLAY_SPEEDUP: "", LOCAL_INGEST_SCHEMA: "taxi-trip" });
    // The replay starts after the stack file is first written, and adds its pid to it.
    const file = (await readStackFile(stateDir))!;
    stackFile = file;
    expect(file.pids).to.have.property("replay");
    expect(stack!.stdout).to.match(/Taxi replay +\S+ in a loop, 3600x, through the ingest API {2}\(pid \d+\)/);
    // It posts to the local ingest API, as the replay task posts to the stack's on AWS.
    const argv = (await readFile(`/proc/${file.pids.replay}/cmdline`, "utf8")).split("\0");
    expect(argv[argv.indexOf("--target") + 1], argv.join(" ")).to.equal(file.ingestUrl);
    const trips = await stack!.waitFor(
      "replayed trips in the processed file",
      async () => {
        const lines = (await readFile(file.processedFile as string, "utf8").catch(() => ""))
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => JSON.parse(l) as { data: string; schema?: string });
        return lines.length >= 5 ? lines : undefined;
      },
      30_000,
    );
    for (const trip of trips) {
      expect(trip.schema).to.equal("taxi-trip@1");
      expect(JSON.parse(trip.data)).to.include.keys("pickupTime", "pickupLongitude", "pickupLatitude");
    }
    // The first 6-hour window closes after about 8 s of replay (6 h, plus the 2 h the watermark trails, at 3600x).
    const hotspots = new IngestClient(file.hotspotsUrl as string, { keepAlive: false });
    try {
      const view = await stack!.waitFor(
        "a closed window at GET /hotspots",
        async () => {
          const { body } = await hotspots.get("");
          return body.windows?.length > 0 ? body : undefined;
        },
        60_000,
      );
      expect(view.windows[0].hotSpots[0]).to.have.keys("cell", "location", "count");
      // The watermark's delay covers the skew between shards: (next to) no trip is dropped as late.
      expect(view.stats.late, JSON.stringify(view.stats)).to.be.at.most(view.stats.events / 100);
      expect(view.stats.skipped).to.equal(0);
    } finally {
      hotspots.close();
    }
    stack!.child.kill("SIGINT");
    expect(await stack!.exitWithin(10_000)).to.deep.equal({ code: 0, signal: null });
    expect(isRunning(file.pids.replay!), "replay still running").to.equal(false);
    expect(isRunning(file.pids.hotspots!), "hot-spot worker still running").to.equal(false);
  });

  it("keeps its state in <repo>/.local by default, also when run compiled from dist/", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compiled = require(path.join(REPO_ROOT, "dist/runtime/common/stack-file.js")) as {
      resolveStateDir(value: string | undefined): string;
    };
    expect(compiled.resolveStateDir(undefined)).to.equal(path.join(REPO_ROOT, ".local"));
  });
});

/**
 * POSTs a record and resolves once the service holds it unsent (its /healthcheck counts it
 * pending), with the answer still to come. Tries again (bounded) if the record was written
 * before the poll saw it pending.
 */
async function acceptedButBuffered(ingest: IngestClient): Promise<{ answer: Promise<Answer> }> {
  for (let attempt = 1; attempt <= 10; attempt++) {
    const answer = ingest.post("/", { data: `buffered at the signal, attempt ${attempt}` });
    let answered = false;
    void answer.then(
      () => (answered = true),
      () => (answered = true),
    );
    while (!answered) {
      const health = await ingest.get("/healthcheck");
      // Wrapped: an async function returning the promise itself would wait for it.
      if (health.body.pending?.records > 0) return { answer };
    }
    await answer;
  }
  throw new Error("no record was ever seen pending in the ingest service in 10 attempts");
}
