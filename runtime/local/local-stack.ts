import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { KinesisClient } from "@aws-sdk/client-kinesis";
import { createKinesisClient } from "../common/aws/kinesis-client";
import { LOCAL_CAPACITY_SCALE, LOCAL_SCALING_PERIOD_MS, LocalShardScaler } from "../scaling/local-shard-scaler";
import { LOCAL_REGION, startEmulators } from "./emulators";
import { ChildExit, GuardedChild, withLastOutput } from "./guarded-child";
import {
  HotspotsChildOptions,
  LOCAL_HOTSPOTS_APPLICATION,
  localOutOfOrdernessSeconds,
  startHotspots,
} from "./hotspots-child";
import { startIngest } from "./ingest-child";
import { DEMO_TENANT, LOCAL_AUTH_CACHE_TTL_MS, REPLAY_TENANT, setUpLocalTenants } from "./local-tenants";
import { LOCAL_TENANTS_TABLE_ENTRY } from "../tenants/cli-target";
import { LOCAL_REPLAY_KEY_ENTRY } from "../replay/replay-target";
import { LOCAL_REPLAY_FILE } from "../replay/contract";
import { ReplayChild, startReplay, stoppedAtMs } from "./replay-child";
import {
  LOCAL_APPLICATION,
  processingWorkerNames,
  ProcessingOptions,
  spawnProcessingWorker,
  startProcessing,
} from "./processing-children";
import { createDynamoDbClient } from "../common/aws/dynamodb-client";
import { LeaseTable } from "../processing/leases/lease-table";
import { LOCAL_LAKE_APPLICATION, localLakeDirectory, startLake } from "./lake-child";
import { LocalS3 } from "./s3-server";
import { lakeSummary } from "./lake-summary";
import { Burst } from "./page/burst";
import { PageFeed } from "./page/page-feed";
import { startPageServer } from "./page/page-server";
import { PipelineView } from "./page/pipeline-view";
import { ProcessingWorkerState, StackControls } from "./page/stack-controls";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LocalSchemaRegistry } from "../schemas/local-registry";
import { shippedSchemas } from "../schemas/shipped-schemas";
import { LocalConfig, MAX_LOCAL_SHARDS } from "./local-env";
import { LOCAL_METRICS_INTERVAL_MS } from "./local-metrics";

import { assertPortFree } from "./ports";
import { isRunning } from "./process-alive";
import { readStackFile, removeStackFile, stackFilePath, updateStackFile, writeStackFile } from "../common/stack-file";
import { Layer, stopInOrder } from "./stop-order";
import { createLocalStream } from "./stream-setup";
import { UsageError } from "../common/usage-error";

/** The local scaler goes up to this many times LOCAL_SHARDS (within the emulator's limit). */
const LOCAL_SCALER_MAX_FACTOR = 4;

export interface LocalStackOptions {
  config: LocalConfig;
  /** Aborted on SIGINT/SIGTERM, also in the middle of starting. */
  stopSignal: AbortSignal;
  log: { info(line: string): void; error(line: string): void };
}

type Ending = { kind: "stop requested" } | { kind: "child died"; child: GuardedChild; exit: ChildExit };

/**
 * The local stack's lifecycle: start the children (the emulators, then the ingest service;
 * consumers later, through `adopt`), run until a stop signal or until a child dies, then
 * stop all of them. Whatever happens, `run` returns only once no child is left running.
 */
export class LocalStack implements StackControls {
  private readonly children: { child: GuardedChild; layer: Layer }[] = [];
  /** The local S3 server of the lake: in this process, stopped once the lake worker is. */
  private localS3?: LocalS3;
  /** The lake compactor, in this process: stopped before the local S3 server. */
  private lakeCompactor?: { stop(): Promise<void> };
  /** Children stopped on purpose (from the page): their exit does not end the stack. */
  private readonly released = new WeakSet<GuardedChild>();
  private replay?: { child: ReplayChild; speedup: number; startedAt: number; resumedAtMs: number };
  /** Event time into the replay where the last one stopped: a new one goes on from there. */
  private replayPositionMs = 0;
  private hotspots?: { child: GuardedChild; options: HotspotsChildOptions };
  /** The local ingest API: the replay posts to it, as the replay task does on AWS. */
  private ingestUrl?: string;
  /** The replay tenant's key: the replay writes as its own tenant, as on AWS. */
  private replayKey?: string;
  private readonly workers = new Map<string, { workerId: string; n: number; child?: GuardedChild }>();
  private processingOptions?: Omit<ProcessingOptions, "shardCount" | "signal" | "readyTimeoutMs">;
  private page?: {
    feed: PageFeed;
    burst: Burst;
    close(): Promise<void>;
    dynamo: DynamoDBClient;
  };
  /** Serializes the page's controls: two clicks must not start two replays. */
  private controlling: Promise<unknown> = Promise.resolve();
  private stopping = false;
  private wroteStackFile = false;
  private scaler?: LocalShardScaler;
  private scalerClient?: KinesisClient;
  private endWith: (ending: Ending) => void = () => undefined;
  private readonly ended = new Promise<Ending>((resolve) => (this.endWith = resolve));

  constructor(private readonly options: LocalStackOptions) {
    const signal = options.stopSignal;
    if (signal.aborted) this.endWith({ kind: "stop requested" });
    signal.addEventListener("abort", () => this.endWith({ kind: "stop requested" }), { once: true });
  }

  /** Resolves to the exit code: 0 when stopped by a signal, 1 when a child died. */
  async run(): Promise<number> {
    try {
      await this.start();
    } catch (error) {
      // A child that died mid-start explains the failure better than the error it caused
      // (often just ECONNREFUSED), and its exit event may trail that error by a moment.
      const ending = await Promise.race([this.ended, sleep(250).then(() => undefined)]);
      if (ending?.kind === "child died") this.reportDeath(ending);
      await this.stop();
      if (ending === undefined) throw error;
      return ending.kind === "child died" ? 1 : 0;
    }
    const ending = await this.ended;
    if (ending.kind === "child died") this.reportDeath(ending);
    await this.stop();
    return ending.kind === "child died" ? 1 : 0;
  }

  private async start(): Promise<void> {
    const { config, stopSignal: signal, log } = this.options;
    const startedAt = new Date();
    await this.refuseSecondStack();
    for (const { port, variable } of config.ports) await assertPortFree(port, variable);

    log.info("Starting the Kinesis and DynamoDB emulators...");
    const { kinesis, dynamodb } = await startEmulators({
      kinesisPort: config.kinesisPort,
      dynamodbPort: config.dynamodbPort,
      signal,
    });
    this.adopt(kinesis, "emulator");
    this.adopt(dynamodb, "emulator");

    const client = createKinesisClient({ region: LOCAL_REGION, endpoint: kinesis.endpoint, http: "1.1" });
    const stream = await createLocalStream(client, config.streamName, config.shardCount, { signal }).finally(() =>
      client.destroy(),
    );

    // A local schema registry with Glue's semantics, holding every schema of schemas/.
    const schemaRegistryFile = path.join(config.stateDir, "schema-registry.json");
    await mkdir(config.stateDir, { recursive: true });
    await rm(schemaRegistryFile, { force: true });
    const registry = new LocalSchemaRegistry({ file: schemaRegistryFile });
    for (const s of shippedSchemas()) registry.register(s.name, s.definition);

    // Tenants first: ingest wants a key on every request, the replay and the page's burst too.
    const tenantsClient = createDynamoDbClient({ region: LOCAL_REGION, endpoint: dynamodb.endpoint });
    const tenants = await setUpLocalTenants(tenantsClient, LOCAL_REGION).finally(() => tenantsClient.destroy());
    this.replayKey = tenants.replayKey;

    log.info("Starting the ingest service...");
    const ingest = await startIngest({
      port: config.ingestPort,
      kinesisEndpoint: kinesis.endpoint,
      streamName: stream.streamName,
      schema: config.ingestSchema ? { name: config.ingestSchema, registryFile: schemaRegistryFile } : undefined,
      tenants: { table: tenants.table, dynamodbEndpoint: dynamodb.endpoint, cacheTtlMs: LOCAL_AUTH_CACHE_TTL_MS },
      signal,
    });
    this.adopt(ingest, "service");
    this.ingestUrl = ingest.url;

    log.info("Starting the processing workers...");
    const processedFile = path.join(config.stateDir, "processed.jsonl");
    const deadLetterFile = path.join(config.stateDir, "dead-letters.jsonl");
    await Promise.all([rm(processedFile, { force: true }), rm(deadLetterFile, { force: true })]);
    this.processingOptions = {
      kinesisEndpoint: kinesis.endpoint,
      dynamodbEndpoint: dynamodb.endpoint,
      streamName: stream.streamName,
      processedFile,
      deadLetterFile,
      schemaRegistryFile,
    };
    const workers = await startProcessing({ ...this.processingOptions, shardCount: stream.shardCount, signal });
    workers.forEach((w, i) => {
      this.adopt(w, "service");
      this.workers.set(w.name, { ...processingWorkerNames(i + 1), n: i + 1, child: w });
    });

    log.info("Starting the lake writer and its local S3 server...");
    const lake = await startLake({
      ...this.processingOptions,
      stateDir: config.stateDir,
      shardCount: stream.shardCount,
      signal,
      log: (level, line) => (level === "warn" ? log.error(line) : log.info(line)),
    });
    this.localS3 = lake.s3;
    this.lakeCompactor = lake.compactor;
    this.adopt(lake.worker, "service");

    log.info("Starting the hot-spot worker...");
    const hotspotsOptions: HotspotsChildOptions = {
      port: config.hotspotsPort,
      kinesisEndpoint: kinesis.endpoint,
      dynamodbEndpoint: dynamodb.endpoint,
      streamName: stream.streamName,
      schemaRegistryFile,
      replaySpeedup: config.replaySpeedup,
      signal,
    };
    const hotspots = await startHotspots(hotspotsOptions);
    this.adopt(hotspots, "service");
    this.hotspots = { child: hotspots, options: hotspotsOptions };

    // The shard scaler of the AWS stack, on the local stream: bursts reshard it up, quiet
    // brings it back to LOCAL_SHARDS. In this process: it is a loop, not a service.
    const maxShards = Math.min(LOCAL_SCALER_MAX_FACTOR * stream.shardCount, MAX_LOCAL_SHARDS);
    this.scalerClient = createKinesisClient({ region: LOCAL_REGION, endpoint: kinesis.endpoint, http: "1.1" });
    this.scaler = await LocalShardScaler.start({
      kinesis: this.scalerClient,
      streamName: stream.streamName,
      baseShards: stream.shardCount,
      maxShards,
      port: config.scalerPort,
      log: (line) => log.info(line),
    });

    // The live page: it reads what the others report, and its buttons drive them.
    const view = new PipelineView({
      streamName: stream.streamName,
      minShards: stream.shardCount,
      maxShards,
      capacityScale: LOCAL_CAPACITY_SCALE,
      metricsIntervalMs: LOCAL_METRICS_INTERVAL_MS,
    });
    const dynamo = createDynamoDbClient({ region: LOCAL_REGION, endpoint: dynamodb.endpoint, maxAttempts: 1 });
    const burst = new Burst(ingest.url, tenants.demoKey);
    const scaler = this.scaler;
    const feed = new PageFeed({
      view,
      // The scaler's client: the page stops before the scaler, so the client outlives both readers.
      kinesis: this.scalerClient,
      streamName: stream.streamName,
      leases: new LeaseTable(dynamo, LOCAL_APPLICATION),
      hotspotsUrl: hotspots.url,
      lake: (now) => lakeSummary(localLakeDirectory(config.stateDir), now),
      scalingEvents: () => scaler.snapshot().events,
      controls: this,
      burst,
      pollMs: LOCAL_METRICS_INTERVAL_MS,
      log: (line) => log.info(line),
    });
    feed.watch(ingest);
    workers.forEach((w) => feed.watch(w));
    const pageServer = await startPageServer({ port: config.pagePort, view, controls: this, burst });
    this.page = { feed, burst, close: pageServer.close, dynamo };
    feed.start();

    await writeStackFile(config.stateDir, {
      kinesisEndpoint: kinesis.endpoint,
      dynamodbEndpoint: dynamodb.endpoint,
      region: LOCAL_REGION,
      ...stream,
      ingestUrl: ingest.url,
      processedFile,
      deadLetterFile,
      schemaRegistryFile,
      leaseTable: LOCAL_APPLICATION,
      [LOCAL_TENANTS_TABLE_ENTRY]: tenants.table,
      // Local test keys (kp_test_), in the git-ignored state directory: what tools and tests send with.
      demoApiKey: tenants.demoKey,
      [LOCAL_REPLAY_KEY_ENTRY]: tenants.replayKey,
      hotspotsUrl: hotspots.url,
      scalingEventsUrl: this.scaler.url,
      pageUrl: pageServer.url,
      stackPid: process.pid,
      pids: Object.fromEntries(this.children.map(({ child }) => [child.name, child.pid])),
      startedAt: startedAt.toISOString(),
    });
    this.wroteStackFile = true;

    // The taxi replay starts last: it writes through the ingest service, and its pid goes into
    // the stack file once that exists. LOCAL_REPLAY_SPEEDUP turns it on.
    let replayRow = "off (LOCAL_REPLAY_SPEEDUP=0; the page's Start button starts it)";
    const speedup = config.replaySpeedup;
    if (speedup !== undefined) {
      log.info(`Starting the NYC taxi replay (speedup ${speedup})...`);
      // Through the controls' queue: the page is up already, and a click must wait for this.
      let replay: ReplayChild | undefined;
      await this.control(async () => void (replay = await this.launchReplay(speedup)));
      if (!replay) throw new Error("the stack stopped while the replay was starting");
      replayRow = `${LOCAL_REPLAY_FILE} in a loop, ${speedup}x, through the ingest API  (pid ${replay.pid})`;
    }

    const rows: [string, string][] = [
      ["Live page", `${pageServer.url}  (open it in a browser)`],
      ["Kinesis endpoint", `${kinesis.endpoint}  (pid ${kinesis.pid})`],
      ["DynamoDB endpoint", `${dynamodb.endpoint}  (pid ${dynamodb.pid})`],
      ["Region", LOCAL_REGION],
      ["Stream", `${stream.streamName} (${stream.shardCount} shard${stream.shardCount === 1 ? "" : "s"})`],
      ["Ingest API", `${ingest.url}  (pid ${ingest.pid}; POST / {"data": ...} with a tenant's key)`],
      ["Tenants", `${DEMO_TENANT}, ${REPLAY_TENANT} in ${tenants.table}  (npm run tenants -- list --local)`],
      ["Demo API key", `${tenants.demoKey}  (a local test key of tenant ${DEMO_TENANT})`],
      [
        "Try it",
        `curl -sS -X POST ${ingest.url}/ -H "Authorization: Bearer ${tenants.demoKey}" -H "Content-Type: application/json" -d '{"data": {"hello": "stream"}}'`,
      ],
      [
        "Processing",
        `${workers.length} workers (pids ${workers.map((w) => w.pid).join(", ")}), leases in ${LOCAL_APPLICATION}`,
      ],
      [
        "Lake",
        `${lake.s3.endpoint} (local S3, objects in ${localLakeDirectory(config.stateDir)}); writer pid ${lake.worker.pid}, leases in ${LOCAL_LAKE_APPLICATION}; npm run lake:query -- "<SQL>"`,
      ],
      ["Hot spots", `${hotspots.url}  (pid ${hotspots.pid}; leases in ${LOCAL_HOTSPOTS_APPLICATION})`],
      [
        "Shard scaler",
        `${this.scaler.url}  (${stream.shardCount}..${maxShards} shards, every ${LOCAL_SCALING_PERIOD_MS / 1000} s, traffic counted ${LOCAL_CAPACITY_SCALE}x)`,
      ],
      ["Taxi replay", replayRow],
      ["Processed file", `${processedFile}  (one JSON line per record)`],
      [
        "Schemas",
        `${registry.names().join(", ")} in ${schemaRegistryFile}${config.ingestSchema ? `; ingest enforces ${config.ingestSchema}` : ""}`,
      ],
      ["Stack file", stackFilePath(config.stateDir)],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    log.info(`Local stack is up (started in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)} s):`);
    for (const [label, value] of rows) log.info(`  ${label.padEnd(width)}  ${value}`);
    log.info("Ctrl-C to stop.");
  }

  replayState(): { running: boolean; speedup?: number } {
    return this.replay ? { running: true, speedup: this.replay.speedup } : { running: false };
  }

  /**
   * (Re)starts the replay at `speedup`, going on from the event time where the last one was,
   * so the hot-spot job's watermark never sees time go back. A pace whose trips may arrive
   * later than the hot-spot worker allows (its bound follows the speedup) restarts that
   * worker with a bound to match; it resumes from its checkpoints. A slower pace keeps the
   * larger bound: the trips already in the stream were written at the faster one.
   */
  startReplay(speedup: number): Promise<void> {
    return this.control(async () => {
      if (this.replay?.speedup === speedup) return;
      await this.stopReplayNow();
      const hotspots = this.hotspots;
      if (
        hotspots &&
        localOutOfOrdernessSeconds(speedup) > localOutOfOrdernessSeconds(hotspots.options.replaySpeedup)
      ) {
        await this.restartHotspots({ ...hotspots.options, replaySpeedup: speedup });
      }
      if (this.stopping) return;
      await this.launchReplay(speedup);
    });
  }

  stopReplay(): Promise<void> {
    return this.control(() => this.stopReplayNow());
  }

  processingWorkers(): ProcessingWorkerState[] {
    return [...this.workers].map(([name, w]) => ({
      name,
      workerId: w.workerId,
      pid: w.child?.pid,
      running: w.child !== undefined,
    }));
  }

  killWorker(name: string): Promise<void> {
    return this.control(async () => {
      const worker = this.workers.get(name);
      const child = worker?.child;
      if (!worker || !child) return;
      this.release(child);
      worker.child = undefined;
      // A crash, not a shutdown: no lease is given back, the others take them once they expire.
      child.kill("SIGKILL");
      await child.exited;
      this.options.log.info(`page: killed ${name} (pid ${child.pid}); its leases move once they expire`);
    });
  }

  restartWorker(name: string): Promise<void> {
    return this.control(async () => {
      const worker = this.workers.get(name);
      if (!worker || !this.processingOptions || this.stopping) return;
      if (worker.child) {
        await this.retire(worker.child);
        worker.child = undefined;
      }
      if (this.stopping) return;
      const child = spawnProcessingWorker(this.processingOptions, worker.n);
      worker.child = child;
      this.adopt(child, "service");
      this.page?.feed.watch(child);
      await updateStackFile(this.options.config.stateDir, { pids: { [name]: child.pid } });
      this.options.log.info(`page: started ${name} (pid ${child.pid})`);
    });
  }

  /** The page's controls one at a time, and none once the stack is stopping. */
  private control(action: () => Promise<void>): Promise<void> {
    const next = this.controlling.then(() => (this.stopping ? undefined : action()));
    this.controlling = next.catch(() => undefined);
    return next;
  }

  private async launchReplay(speedup: number): Promise<ReplayChild | undefined> {
    const { config, stopSignal: signal } = this.options;
    const resumedAtMs = this.replayPositionMs;
    const ingestUrl = this.ingestUrl!;
    const child = await startReplay({ ingestUrl, apiKey: this.replayKey, speedup, resumeAtMs: resumedAtMs, signal });
    // The stack began to stop while it started: its writers may be stopped already.
    if (this.stopping) {
      await child.stop();
      return undefined;
    }
    this.adopt(child, "writer");
    this.replay = { child, speedup, startedAt: Date.now(), resumedAtMs };
    this.page?.feed.watch(child);
    await updateStackFile(config.stateDir, { pids: { replay: child.pid } });
    return child;
  }

  private async stopReplayNow(): Promise<void> {
    const replay = this.replay;
    if (!replay) return;
    this.replay = undefined;
    // Where its pace had taken it, by the clock: used only if it cannot say so itself.
    const paced = replay.resumedAtMs + (Date.now() - replay.startedAt) * replay.speedup;
    await this.retire(replay.child);
    // The next replay goes on from the first trip this one did not send.
    this.replayPositionMs = stoppedAtMs(replay.child) ?? paced;
  }

  private async restartHotspots(options: HotspotsChildOptions): Promise<void> {
    const old = this.hotspots;
    if (old) await this.retire(old.child);
    if (this.stopping) return;
    const child = await startHotspots(options);
    this.adopt(child, "service");
    this.hotspots = { child, options };
    await updateStackFile(this.options.config.stateDir, { pids: { hotspots: child.pid } });
    this.options.log.info(
      `page: restarted the hot-spot worker (pid ${child.pid}) for ${options.replaySpeedup}x: trips may now arrive up to ${localOutOfOrdernessSeconds(options.replaySpeedup)} s late in event time`,
    );
  }

  /** Makes `child` part of the stack: stopped with it, and its death ends the stack. */
  private adopt(child: GuardedChild, layer: Layer): void {
    this.children.push({ child, layer });
    void child.exited.then((exit) => {
      if (!this.stopping && !this.released.has(child)) this.endWith({ kind: "child died", child, exit });
    });
  }

  /** Stops `child` on purpose (a restart, a re-pace): its exit does not end the stack. */
  private async retire(child: GuardedChild): Promise<void> {
    this.release(child);
    await child.stop();
  }

  /** Takes `child` out of the stack before stopping it on purpose. */
  private release(child: GuardedChild): void {
    this.released.add(child);
    const index = this.children.findIndex((c) => c.child === child);
    if (index >= 0) this.children.splice(index, 1);
  }

  private async stop(): Promise<void> {
    this.stopping = true;
    // The page first: no button may start anything while the rest stops.
    if (this.page) {
      await this.page.burst.stop();
      await this.page.feed.stop();
      await this.page.close();
      this.page.dynamo.destroy();
    }
    // The scaler first: no reshard while the services drain.
    await this.scaler?.stop();
    await this.lakeCompactor?.stop();
    this.scalerClient?.destroy();
    // Services first, so they can drain into the emulators (about 2 s at worst in all). A
    // control under way (a restart, a re-pace) ends alongside them, not before them: it starts
    // nothing once `stopping` is set, and the stop signal aborts a start it had begun.
    await stopInOrder(this.children, this.controlling);
    // After the lake worker, which stores its open segments into it on the way out.
    await this.localS3?.stop();
    if (this.wroteStackFile) await removeStackFile(this.options.config.stateDir);
  }

  private reportDeath({ child, exit }: Extract<Ending, { kind: "child died" }>): void {
    const how = exit.signal === null ? `exit code ${exit.code}` : `killed by ${exit.signal}`;
    this.options.log.error(
      withLastOutput(
        child,
        `${child.name} (pid ${child.pid}) died unexpectedly (${how}); stopping the rest of the local stack.`,
      ),
    );
  }

  /** Two stacks sharing one state directory would overwrite each other's stack file. */
  private async refuseSecondStack(): Promise<void> {
    const stateDir = this.options.config.stateDir;
    const existing = await readStackFile(stateDir).catch(() => undefined);
    if (existing !== undefined && existing.stackPid !== process.pid && isRunning(existing.stackPid)) {
      throw new UsageError(
        `another local stack (pid ${existing.stackPid}) is running with ${stackFilePath(stateDir)}; ` +
          "stop it first, or set LOCAL_STATE_DIR to another directory",
      );
    }
  }
}
