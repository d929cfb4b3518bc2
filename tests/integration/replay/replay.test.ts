/**
 * The replay CLI as it runs (compiled, a child process) against the real ingest service
 * over the real kinesis-local emulator: a small CSV of real TLC rows, bad ones included,
 * replayed at a high speedup through the ingest API (the local stack's, found by its stack
 * file, as `--target local` finds it) into a stream; what a consumer reads back is every
 * good row once, in the Glue wire format of the registry's taxi-trip version (the ingest
 * service enforces it), and the skipped counts it prints match the bad rows. A parent with
 * an IPC channel hears when it starts and where it stopped, as the local stack does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { expect } from "chai";

import { isChildStarted, isReplayStopped } from "../../../runtime/common/child-messages";
import { createKinesisClient } from "../../../runtime/common/aws/kinesis-client";
import { Emulator, LOCAL_REGION, startKinesis } from "../../../runtime/local/emulators";
import { freePort } from "../../../runtime/local/ports";
import { createLocalStream } from "../../../runtime/local/stream-setup";
import { event2015 } from "../../../runtime/replay/trip-event";
import { LocalSchemaRegistry } from "../../../runtime/schemas/local-registry";
import { decode } from "../../../runtime/schemas/wire-format";
import { builtEntrypoint, REPO_ROOT } from "../../harness/built";
import { IngestProcess } from "../../harness/ingest-process";
import { readStream } from "../../harness/stream-contents";
import { ServiceProcess } from "../../harness/service-process";
import { readSummary, ReplaySummary } from "../../../runtime/replay/summary";

const TAXI_2015 = path.join(REPO_ROOT, "data", "nyc-taxi", "yellow_tripdata_2015-01_head.csv");
const RUN_TIMEOUT_MS = 30_000;

/** Every replay and ingest service this file starts, so that a failed test leaves none behind. */
const started = new Set<ServiceProcess>();

/** The replay CLI, compiled, as a child process of the test; it must exit within RUN_TIMEOUT_MS of its start. */
class ReplayProcess extends ServiceProcess {
  private readonly deadline = Date.now() + RUN_TIMEOUT_MS;

  constructor(args: string[], stateDir: string) {
    super("the replay", {
      script: builtEntrypoint("replay"),
      args,
      env: { PATH: process.env.PATH, LOCAL_STATE_DIR: stateDir },
      ipc: true,
    });
    started.add(this);
  }

  /** Its exit, with what it printed; past its deadline it is killed and this fails, showing its output. */
  async done(): Promise<Run> {
    const exit = await this.exitWithin(Math.max(0, this.deadline - Date.now()));
    return { ...exit, stdout: this.stdout, stderr: this.stderr };
  }
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function summaryOf(run: Run): ReplaySummary {
  const summary = readSummary(run.stdout);
  expect(summary, `no summary in:\n${run.stdout}\n${run.stderr}`).to.not.equal(undefined);
  return summary!;
}

describe("replay CLI against kinesis-local", function () {
  this.timeout(90_000);
  let kinesis: Emulator;
  let client: KinesisClient;
  let dir: string;
  let registryFile: string;
  let versionId: string;

  const lines = readFileSync(TAXI_2015, "utf8").split(/\r?\n/);
  const header = lines[0];
  // 30 good real rows (file rows 2..31), and real bad rows: 0/0 both ends (row 33), 0/0
  // dropoff (row 374), a dropoff outside NYC (row 276), a negative fare (row 3833).
  const good = lines.slice(1, 31);
  const bad = [lines[32], lines[373], lines[275], lines[3832]];
  // Broken on purpose (no such rows in the sample): an unparsable pickup time, and a
  // negative distance, which only the schema refuses (minimum 0).
  const broken = good[0].split(",");
  broken[1] = "yesterday";
  const negativeDistance = good[1].split(",");
  negativeDistance[4] = "-1.5";
  // Picked up after every good row: the ingest API's 422 refuses a whole batch, so the row
  // only the schema refuses must be due (and posted) on its own.
  const late = negativeDistance.slice();
  late[1] = "2015-01-31 23:00:00";
  late[2] = "2015-01-31 23:10:00";
  const csvRows = [...bad.slice(0, 2), ...good.slice(0, 15), bad[2], broken.join(","), ...good.slice(15), bad[3]];
  csvRows.splice(5, 0, late.join(","));
  const goodRows = good;

  /** A stack file as the local stack writes it, naming `ingestUrl`: what `--target local` reads. */
  function writeStack(ingestUrl: string): string {
    const stateDir = mkdtempSync(path.join(dir, "state-"));
    writeFileSync(
      path.join(stateDir, "stack.json"),
      JSON.stringify({ kinesisEndpoint: kinesis.endpoint, region: LOCAL_REGION, ingestUrl }),
    );
    return stateDir;
  }

  /** An ingest service on `streamName` enforcing the taxi-trip schema of the test's registry. */
  async function startIngest(streamName: string): Promise<IngestProcess> {
    const ingest = await IngestProcess.start({
      STREAM_NAME: streamName,
      KINESIS_ENDPOINT: kinesis.endpoint,
      SCHEMA_NAME: "taxi-trip",
      SCHEMA_REGISTRY_FILE: registryFile,
    });
    started.add(ingest);
    return ingest;
  }

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "replay-test-"));
    kinesis = await startKinesis();
    client = createKinesisClient({ region: LOCAL_REGION, endpoint: kinesis.endpoint, http: "1.1" });
    registryFile = path.join(dir, "schema-registry.json");
    const registry = new LocalSchemaRegistry({ file: registryFile });
    const definition = readFileSync(path.join(REPO_ROOT, "schemas", "taxi-trip.json"), "utf8");
    versionId = registry.register("taxi-trip", definition).schemaVersionId;
  });

  afterEach(async () => {
    for (const running of started) running.kill();
    await Promise.all([...started].map((running) => running.exitWithin(5_000).catch(() => undefined)));
    started.clear();
  });

  after(async () => {
    client?.destroy();
    await kinesis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("writes every good row once, in the wire format, and counts the bad ones by reason", async () => {
    await createLocalStream(client, "replay-once", 2);
    const ingest = await startIngest("replay-once");
    const csv = path.join(dir, "trips.csv");
    writeFileSync(csv, [header, ...csvRows].join("\r\n") + "\r\n");
    const stateDir = writeStack(ingest.url);
    const began = Date.now();
    const run = await new ReplayProcess(["--file", csv, "--speedup", "1000000"], stateDir).done();
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(Date.now() - began).to.be.below(RUN_TIMEOUT_MS);
    const summary = summaryOf(run);
    expect(summary).to.deep.include({ rows: csvRows.length, sent: goodRows.length + 1, stored: goodRows.length });
    expect(summary.skipped).to.deep.equal({
      "negative-fare": 1,
      "outside-nyc": 1,
      // The ingest API's 422: the taxi-trip schema refuses a negative distance.
      schema_violation: 1,
      unparsable: 1,
      "zero-coordinates": 2,
    });

    const { records } = await readStream(client, "replay-once");
    const stored = records.map((record) => {
      const decoded = decode(record.data);
      expect(decoded.kind).to.equal("registry");
      if (decoded.kind !== "registry") throw new Error("not a registry record");
      expect(decoded.schemaVersionId).to.equal(versionId);
      return JSON.parse(decoded.payload.toString("utf8"));
    });
    const expected = goodRows.map((line) =>
      event2015(Object.fromEntries(header.split(",").map((n, i) => [n, line.split(",")[i]]))),
    );
    const sortByPickup = (events: { pickupTime: string; totalAmount: number }[]) =>
      [...events].sort((a, b) => a.pickupTime.localeCompare(b.pickupTime) || a.totalAmount - b.totalAmount);
    expect(stored).to.have.length(goodRows.length);
    expect(sortByPickup(stored)).to.deep.equal(sortByPickup(expected));
    expect(new Set(records.map((r) => r.partitionKey)).size).to.equal(goodRows.length);
  });

  it("stops cleanly on SIGTERM mid-loop, with everything it sent stored, and tells its parent where it stopped", async () => {
    await createLocalStream(client, "replay-stop", 1);
    const ingest = await startIngest("replay-stop");
    const csv = path.join(dir, "loop.csv");
    writeFileSync(csv, [header, ...good].join("\n") + "\n");
    // The 30 trips span about 16 days of event time: at 10^6 a pass takes about 1.4 s.
    const replay = new ReplayProcess(["--file", csv, "--speedup", "1000000", "--loop"], writeStack(ingest.url));
    const start = await replay.child.waitForMessage(isChildStarted, { what: "the replay to start", timeoutMs: 15_000 });
    expect(start.what).to.include("looping").and.include(ingest.url);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    replay.child.kill("SIGTERM");
    const run = await replay.done();
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    const summary = summaryOf(run);
    expect(summary).to.include({ stoppedBySignal: true });
    expect(summary.passes).to.be.at.least(2);
    expect(summary.stored).to.equal(summary.sent);
    const { records } = await readStream(client, "replay-stop");
    expect(records).to.have.length(summary.stored as number);
    const pickups = records.map((r) =>
      Date.parse(JSON.parse((decode(r.data) as { payload: Buffer }).payload.toString()).pickupTime),
    );
    expect(Math.max(...pickups) - Math.min(...pickups)).to.be.greaterThan(16 * 86_400_000);
    // Where a replay resumed with --resume-at would go on: after the last trip stored.
    expect(summary.resumeAtMs).to.be.at.least(Math.max(...pickups) - Math.min(...pickups));
    // The parent hears the same over the IPC channel: no need to read it off stdout.
    expect(replay.child.messages().filter(isReplayStopped)).to.deep.equal([
      {
        type: "replay-stopped",
        resumeAtMs: summary.resumeAtMs,
        sent: summary.sent,
        stored: summary.stored,
        stoppedBySignal: true,
      },
    ]);
  });

  it("posts to an ingest URL in batches, counting the API's refusals by error code", async () => {
    await createLocalStream(client, "replay-http", 2);
    const ingest = await startIngest("replay-http");
    // Good rows only, then the negative distance alone at the end: a 422 refuses a whole
    // batch, so it must be due (and posted) on its own: at 10^6 it is due ~0.4 s after the last good one.
    const csv = path.join(dir, "http.csv");
    writeFileSync(csv, [header, ...good.slice(0, 10), late.join(",")].join("\n") + "\n");
    const run = await new ReplayProcess(["--file", csv, "--speedup", "1000000", "--target", ingest.url], dir).done();
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    const summary = summaryOf(run);
    expect(summary).to.deep.include({ sent: 11, stored: 10, skipped: { schema_violation: 1 } });
    const { records } = await readStream(client, "replay-http");
    expect(records).to.have.length(10);
  });

  const USAGE_ERRORS: [string, (stateDir: string) => string[], string][] = [
    [
      "a file that does not exist",
      () => ["--file", "/no/such/trips.csv", "--speedup", "60"],
      "--file /no/such/trips.csv cannot be read (ENOENT)",
    ],
    [
      "a header that is neither layout",
      () => ["--file", path.join(REPO_ROOT, "data", "nab", "nyc_taxi.csv"), "--speedup", "60"],
      "which is neither TLC layout",
    ],
    ["a speedup of 0", () => ["--file", TAXI_2015, "--speedup", "0"], '--speedup is "0" (allowed: a positive number'],
  ];
  for (const [what, args, message] of USAGE_ERRORS) {
    it(`exits 2 on ${what}`, async () => {
      const run = await new ReplayProcess(args(dir), dir).done();
      expect([run.code, run.stderr]).to.satisfy(
        ([code, stderr]: [number, string]) => code === 2 && stderr.includes(message),
      );
    });
  }

  it("exits 2 when the local stack's ingest API is unreachable", async () => {
    const closedPort = await freePort();
    const run = await new ReplayProcess(
      ["--file", TAXI_2015, "--speedup", "60"],
      writeStack(`http://127.0.0.1:${closedPort}`),
    ).done();
    expect(run.code, run.stderr).to.equal(2);
    expect(run.stderr).to.include(`the target http://127.0.0.1:${closedPort}/ is unreachable`);
  });
});
