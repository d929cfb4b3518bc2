/**
 * The shard scaler in the local stack: the same policy as on AWS, fed by a StreamMeter
 * instead of CloudWatch, on a short period (so a burst from `npm run replay -- --speedup`
 * reshards the local stream within a minute), calling UpdateShardCount on the emulator.
 * Its decisions go to the log and to GET /scaling-events (`scalingEventsUrl`).
 */
import { KinesisClient } from "@aws-sdk/client-kinesis";
import http from "node:http";
import { serveJson } from "../common/json-endpoint";
import { SHARD_SCALING_DEFAULTS, ShardHold, ShardScalingConfig } from "./shard-policy";
import { runShardScaler, ShardScalerPort } from "./shard-scaler";
import { streamScalingPort } from "./shard-scaler-aws";
import { MemoryShardHistory, ShardHistoryStore } from "./shard-history";
import { MeterReading, StreamMeter } from "./stream-meter";

export interface LocalScalingEvent {
  at: string;
  from: number;
  to: number;
  usageFactor: number;
  reason: string;
}

export interface LocalShardScalerOptions {
  kinesis: KinesisClient;
  streamName: string;
  /** The configured shard count: the floor (the scaler only adds shards for bursts). */
  baseShards: number;
  maxShards: number;
  port: number;
  periodMs?: number;
  /** How many times AWS's traffic one local byte or record stands for (see LOCAL_CAPACITY_SCALE). */
  capacityScale?: number;
  /**
   * The scaler's history; by default in memory: this scaler is one process whose periods run
   * one after another, and the local stream lives only as long as the stack.
   */
  history?: ShardHistoryStore;
  log: (line: string) => void;
}

/**
 * kinesis-local moves about 1 MB/s in all on a laptop-sized machine (measured here: a replay
 * at 1,000,000x stored ~0.6 MB/s of aggregates; raw PutRecords peak ~1.2 MB/s), less than
 * one AWS shard's 1 MiB/s. So the local scaler is a scale model: every byte and record it
 * meters counts ten times, as if each local shard took a tenth of AWS's capacity, and a
 * replay burst shows what a real burst would do on AWS. The policy itself is unchanged.
 */
export const LOCAL_CAPACITY_SCALE = 10;

/** Half a minute: the policy's 5 minutes would make a local demo wait too long. */
export const LOCAL_SCALING_PERIOD_MS = 30_000;
/** The most recent events GET /scaling-events returns. */
const KEPT_EVENTS = 100;

export class LocalShardScaler {
  readonly url: string;
  private readonly events: LocalScalingEvent[] = [];
  /** The last period's hold, by code: a refusal is said when it is new, not every period. */
  private lastHold?: ShardHold;
  /** The scaler's port: the AWS one's Kinesis half, with the meter in CloudWatch's place and the history in memory. */
  private readonly port: ShardScalerPort;
  /** What the meter counted over the period being evaluated. */
  private reading: MeterReading = { records: 0, bytes: 0 };
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  private constructor(
    private readonly options: LocalShardScalerOptions,
    private readonly config: ShardScalingConfig,
    private readonly meter: StreamMeter,
    private readonly server: http.Server,
  ) {
    this.url = `http://127.0.0.1:${options.port}/scaling-events`;
    const scale = options.capacityScale ?? LOCAL_CAPACITY_SCALE;
    const history = options.history ?? new MemoryShardHistory();
    this.port = {
      ...streamScalingPort(options.kinesis, options.streamName),
      history: () => history.read(),
      claimUpdate: (seen, updates) => history.claim(seen, updates),
      periodMetrics: async () => ({
        incomingBytes: this.reading.bytes * scale,
        incomingRecords: this.reading.records * scale,
      }),
      rewriteAlarms: async () => undefined,
      // On AWS a metric; here the period's catch logs the error that follows (said once).
      reportFailure: async () => undefined,
    };
  }

  static async start(options: LocalShardScalerOptions): Promise<LocalShardScaler> {
    const periodMs = options.periodMs ?? LOCAL_SCALING_PERIOD_MS;
    const periodMinutes = periodMs / 60_000;
    const config: ShardScalingConfig = {
      ...SHARD_SCALING_DEFAULTS,
      minShards: options.baseShards,
      maxShards: options.maxShards,
      periodMinutes,
      // One period between changes: a reshard on the emulator takes well under a second.
      scaleUpCooldownMinutes: periodMinutes,
      scaleDownCooldownMinutes: 4 * periodMinutes,
      // The 24-hour call budget in the same proportion as the period (288 periods).
      budgetWindowMinutes:
        (SHARD_SCALING_DEFAULTS.budgetWindowMinutes * periodMinutes) / SHARD_SCALING_DEFAULTS.periodMinutes,
    };
    const meter = new StreamMeter(options.kinesis, options.streamName);
    await meter.start();
    // The endpoint starts before the scaler exists: it answers from whatever is set here.
    const current: { scaler?: LocalShardScaler } = {};
    const server = await serveJson(options.port, "/scaling-events", () => current.scaler?.snapshot());
    current.scaler = new LocalShardScaler(options, config, meter, server);
    current.scaler.schedule(periodMs);
    return current.scaler;
  }

  snapshot() {
    return {
      stream: this.options.streamName,
      periodSeconds: this.config.periodMinutes * 60,
      capacityScale: this.options.capacityScale ?? LOCAL_CAPACITY_SCALE,
      minShards: this.config.minShards,
      maxShards: this.config.maxShards,
      events: [...this.events].reverse(),
    };
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.meter.stop();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private schedule(periodMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.evaluate()
        .catch((e: Error) => this.options.log(`shard scaler: ${e.name}: ${e.message}`))
        .finally(() => {
          if (this.timer) this.schedule(periodMs);
        });
    }, periodMs);
  }

  /**
   * One period: the scaler's own run (runShardScaler), over the same Kinesis calls as on AWS
   * (streamScalingPort: state, UpdateShardCount), with the meter in CloudWatch's place, the
   * history in memory and no alarms to rewrite.
   */
  async evaluate(): Promise<void> {
    this.reading = this.meter.take();
    const now = Date.now();
    const outcome = await runShardScaler(this.port, this.config, { now, dryRun: false });
    const { decision } = outcome;
    if (outcome.superseded !== undefined) {
      this.options.log(`shard scaler: no change: ${outcome.superseded}`);
      return;
    }
    // Not a dry-run nor superseded: any decision but a hold has been applied (a failed change throws).
    if (decision.action === "none") {
      // A refusal worth knowing (a cooldown, the call budget) is said once, not every period.
      // Holds are told apart by code: the reason's text carries the period's usage.
      if (decision.code !== this.lastHold && decision.code !== "in-band") {
        this.options.log(`shard scaler: no change: ${decision.reason}`);
      }
      this.lastHold = decision.code;
      return;
    }
    this.lastHold = undefined;
    this.events.push({
      at: new Date(now).toISOString(),
      from: decision.from,
      to: decision.to,
      usageFactor: decision.usageFactor,
      reason: decision.reason,
    });
    if (this.events.length > KEPT_EVENTS) this.events.shift();
    this.options.log(`shard scaler: ${decision.action} ${decision.from} -> ${decision.to} (${decision.reason})`);
  }
}
