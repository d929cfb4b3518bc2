import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { KinesisClient } from "@aws-sdk/client-kinesis";
import { createKinesisClient } from "../aws/kinesis-client";
import { LOCAL_CAPACITY_SCALE, LOCAL_SCALING_PERIOD_MS, LocalShardScaler } from "../scaling/local-shard-scaler";
import { LOCAL_REGION, startEmulators } from "./emulators";
import { ChildExit, GuardedChild } from "./guarded-child";
import { LOCAL_HOTSPOTS_APPLICATION, startHotspots } from "./hotspots-child";
import { startIngest } from "./ingest-child";
import { LOCAL_REPLAY_FILE, startReplay } from "./replay-child";
import { LOCAL_APPLICATION, startProcessing } from "./processing-children";
import { LocalSchemaRegistry } from "../schema/local-registry";
import { shippedSchemas } from "../schema/shipped-schemas";
import { LocalConfig, MAX_LOCAL_SHARDS } from "./local-env";

/** The local scaler goes up to this many times LOCAL_SHARDS (within the emulator's limit). */
const LOCAL_SCALER_MAX_FACTOR = 4;
import { assertPortFree } from "./ports";
import { readStackFile, removeStackFile, stackFilePath, updateStackFile, writeStackFile } from "./stack-file";
import { Layer, StackChild, stopInOrder } from "./stop-order";
import { createLocalStream } from "./stream-setup";
import { UsageError } from "../usage-error";

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
export class LocalStack {
  private readonly children: StackChild[] = [];
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
    await assertPortFree(config.kinesisPort, "LOCAL_KINESIS_PORT");
    await assertPortFree(config.dynamodbPort, "LOCAL_DYNAMODB_PORT");
    await assertPortFree(config.ingestPort, "LOCAL_INGEST_PORT");
    await assertPortFree(config.hotspotsPort, "LOCAL_HOTSPOTS_PORT");
    await assertPortFree(config.scalerPort, "LOCAL_SCALER_PORT");

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

    log.info("Starting the ingest service...");
    const ingest = await startIngest({
      port: config.ingestPort,
      kinesisEndpoint: kinesis.endpoint,
      streamName: stream.streamName,
      schema: config.ingestSchema ? { name: config.ingestSchema, registryFile: schemaRegistryFile } : undefined,
      signal,
    });
    this.adopt(ingest, "service");

    log.info("Starting the processing workers...");
    const processedFile = path.join(config.stateDir, "processed.jsonl");
    const deadLetterFile = path.join(config.stateDir, "dead-letters.jsonl");
    await Promise.all([rm(processedFile, { force: true }), rm(deadLetterFile, { force: true })]);
    const workers = await startProcessing({
      kinesisEndpoint: kinesis.endpoint,
      dynamodbEndpoint: dynamodb.endpoint,
      streamName: stream.streamName,
      shardCount: stream.shardCount,
      processedFile,
      deadLetterFile,
      schemaRegistryFile,
      signal,
    });
    workers.forEach((w) => this.adopt(w, "service"));

    log.info("Starting the hot-spot worker...");
    const hotspots = await startHotspots({
      port: config.hotspotsPort,
      kinesisEndpoint: kinesis.endpoint,
      dynamodbEndpoint: dynamodb.endpoint,
      streamName: stream.streamName,
      schemaRegistryFile,
      replaySpeedup: config.replaySpeedup,
      signal,
    });
    this.adopt(hotspots, "service");

    // The shard scaler of the AWS stack, on the local stream: bursts reshard it up, quiet
    // brings it back to LOCAL_SHARDS. In this process: it is a loop, not a service.
    this.scalerClient = createKinesisClient({ region: LOCAL_REGION, endpoint: kinesis.endpoint, http: "1.1" });
    this.scaler = await LocalShardScaler.start({
      kinesis: this.scalerClient,
      streamName: stream.streamName,
      baseShards: stream.shardCount,
      maxShards: Math.min(LOCAL_SCALER_MAX_FACTOR * stream.shardCount, MAX_LOCAL_SHARDS),
      port: config.scalerPort,
      log: (line) => log.info(line),
    });

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
      hotspotsUrl: hotspots.url,
      scalingEventsUrl: this.scaler.url,
      stackPid: process.pid,
      pids: Object.fromEntries(this.children.map(({ child }) => [child.name, child.pid])),
      startedAt: startedAt.toISOString(),
    });
    this.wroteStackFile = true;

    // The taxi replay reads the stack file, so it starts last; LOCAL_REPLAY_SPEEDUP turns it on.
    let replayRow = "off (LOCAL_REPLAY_SPEEDUP=0)";
    const speedup = config.replaySpeedup;
    if (speedup !== undefined) {
      log.info(`Starting the NYC taxi replay (speedup ${speedup})...`);
      const replay = await startReplay({ stateDir: config.stateDir, speedup, signal });
      this.adopt(replay, "service");
      await updateStackFile(config.stateDir, { pids: { replay: replay.pid } });
      replayRow = `${LOCAL_REPLAY_FILE} in a loop, ${speedup}x, taxi-trip schema enforced  (pid ${replay.pid})`;
    }

    const rows: [string, string][] = [
      ["Kinesis endpoint", `${kinesis.endpoint}  (pid ${kinesis.pid})`],
      ["DynamoDB endpoint", `${dynamodb.endpoint}  (pid ${dynamodb.pid})`],
      ["Region", LOCAL_REGION],
      ["Stream", `${stream.streamName} (${stream.shardCount} shard${stream.shardCount === 1 ? "" : "s"})`],
      ["Ingest API", `${ingest.url}  (pid ${ingest.pid}; POST / {"data": ...})`],
      [
        "Processing",
        `${workers.length} workers (pids ${workers.map((w) => w.pid).join(", ")}), leases in ${LOCAL_APPLICATION}`,
      ],
      ["Hot spots", `${hotspots.url}  (pid ${hotspots.pid}; leases in ${LOCAL_HOTSPOTS_APPLICATION})`],
      [
        "Shard scaler",
        `${this.scaler.url}  (${stream.shardCount}..${Math.min(LOCAL_SCALER_MAX_FACTOR * stream.shardCount, MAX_LOCAL_SHARDS)} shards, every ${LOCAL_SCALING_PERIOD_MS / 1000} s, traffic counted ${LOCAL_CAPACITY_SCALE}x)`,
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

  /** Makes `child` part of the stack: stopped with it, and its death ends the stack. */
  private adopt(child: GuardedChild, layer: Layer): void {
    this.children.push({ child, layer });
    void child.exited.then((exit) => {
      if (!this.stopping) this.endWith({ kind: "child died", child, exit });
    });
  }

  private async stop(): Promise<void> {
    this.stopping = true;
    // The scaler first: no reshard while the services drain.
    await this.scaler?.stop();
    this.scalerClient?.destroy();
    // Services first, so they can drain into the emulators (about 2 s at worst in all).
    await stopInOrder(this.children);
    if (this.wroteStackFile) await removeStackFile(this.options.config.stateDir);
  }

  private reportDeath({ child, exit }: Extract<Ending, { kind: "child died" }>): void {
    const how = exit.signal === null ? `exit code ${exit.code}` : `killed by ${exit.signal}`;
    const output = child.recentOutput().trim();
    this.options.log.error(
      `${child.name} (pid ${child.pid}) died unexpectedly (${how}); stopping the rest of the local stack.`,
    );
    if (output !== "") this.options.log.error(`--- last output of ${child.name} ---\n${output}`);
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

function isRunning(pid: unknown): boolean {
  if (typeof pid !== "number") return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
