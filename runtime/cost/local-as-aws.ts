/**
 * The local stack priced as if it ran on AWS, for the live page: its current shape (open
 * shards, the ingest process and the running processing workers as Fargate tasks, the
 * hot-spot engine as the Flink job) and its current rates, each local record standing for
 * `capacityScale` on AWS (the local scaler's scale model), at the dev stack's sizes.
 */
import { priceSheet } from "./price-table";
import { HourlyLine, onDemandStreamHourly, shapeHourlyCost } from "./shape-cost";

/**
 * The AWS sizes the local processes stand for: the dev stack's defaults (ingestCpu and
 * processingCpu 512, their memory 1024, flinkParallelism 1 at one per KPU; a test holds
 * them to infra/config/config-keys.ts), a taxi trip event's bytes, and the dev stack's region.
 */
export const LOCAL_AS_AWS = {
  region: "us-east-1",
  taskVcpu: 0.5,
  taskMemoryGb: 1,
  kpus: 1,
  /** A trip event (its JSON) plus its partition key: what one user record puts on the stream. */
  recordBytes: 216,
} as const;

export interface LocalShape {
  shards: number;
  ingestTasks: number;
  processingWorkers: number;
  /** The local rates, per second. */
  userRecordsPerSecond: number;
  kinesisRecordsPerSecond: number;
  capacityScale: number;
}

export interface LocalCost {
  region: string;
  pricesChecked: string;
  /** What the rates were multiplied by: the scale model. */
  capacityScale: number;
  usdPerHour: number;
  lines: HourlyLine[];
  /** The same traffic on an on-demand stream instead of the shards (read by processing and the Flink job). */
  onDemandStreamUsdPerHour: number;
  provisionedStreamUsdPerHour: number;
}

export function localCostPerHour(shape: LocalShape): LocalCost {
  const sheet = priceSheet(LOCAL_AS_AWS.region);
  const userRate = shape.userRecordsPerSecond * shape.capacityScale;
  const kinesisRate = shape.kinesisRecordsPerSecond * shape.capacityScale;
  const bytesPerSecond = userRate * LOCAL_AS_AWS.recordBytes;
  const task = (service: string, count: number) => ({
    service,
    count,
    vcpu: LOCAL_AS_AWS.taskVcpu,
    memoryGb: LOCAL_AS_AWS.taskMemoryGb,
  });
  const cost = shapeHourlyCost(
    {
      shards: shape.shards,
      tasks: [task("ingest", shape.ingestTasks), task("processing", shape.processingWorkers)],
      kpus: LOCAL_AS_AWS.kpus,
      kinesisRecordsPerSecond: kinesisRate,
      bytesPerSecond,
    },
    sheet.prices,
  );
  const stream = cost.lines.filter((l) => l.what.startsWith("stream:")).reduce((s, l) => s + l.usdPerHour, 0);
  const onDemand = onDemandStreamHourly(
    { kinesisRecordsPerSecond: kinesisRate, bytesPerSecond, readers: 2 },
    sheet.prices,
  ).usdPerHour;
  return {
    region: sheet.region,
    pricesChecked: sheet.checked,
    capacityScale: shape.capacityScale,
    usdPerHour: cost.usdPerHour,
    lines: cost.lines,
    onDemandStreamUsdPerHour: onDemand,
    provisionedStreamUsdPerHour: stream,
  };
}
