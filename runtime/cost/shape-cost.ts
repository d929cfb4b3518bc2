/**
 * What a shape of the pipeline (shards, tasks, KPUs) and its rates cost per hour on AWS,
 * from the price table: for the live page (the local stack's current shape as if it ran on
 * AWS) and the scaling simulator (shards and KPUs over a trace, against on-demand).
 */
import { RegionPrices } from "./price-table";
import { BYTES_PER_GB, PUT_PAYLOAD_UNIT_BYTES } from "./stream-traffic";

export interface PipelineShape {
  shards: number;
  /** Fargate tasks with their size: ingest and processing workers. */
  tasks: { service: string; count: number; vcpu: number; memoryGb: number }[];
  /** Flink KPUs of the hot-spot job (0 when it does not run); the orchestration KPU is added. */
  kpus: number;
  /** Kinesis records (aggregates) and bytes per second into the stream. */
  kinesisRecordsPerSecond: number;
  bytesPerSecond: number;
}

export interface HourlyLine {
  what: string;
  usdPerHour: number;
}

export interface HourlyCost {
  lines: HourlyLine[];
  usdPerHour: number;
}

/** Flink charges one extra KPU per application for orchestration (Managed Flink's pricing page). */
export const FLINK_ORCHESTRATION_KPUS = 1;

function total(lines: HourlyLine[]): HourlyCost {
  return { lines, usdPerHour: lines.reduce((s, l) => s + l.usdPerHour, 0) };
}

/** PUT payload units per hour of `kinesisRecordsPerSecond` records averaging `bytesPerSecond / rate` bytes. */
function putUnitsPerHour(shape: Pick<PipelineShape, "kinesisRecordsPerSecond" | "bytesPerSecond">): number {
  if (shape.kinesisRecordsPerSecond <= 0) return 0;
  const perRecord = Math.max(
    1,
    Math.ceil(shape.bytesPerSecond / shape.kinesisRecordsPerSecond / PUT_PAYLOAD_UNIT_BYTES),
  );
  return shape.kinesisRecordsPerSecond * perRecord * 3600;
}

/** The hourly cost of a provisioned stream: its shards and the PUT payload units of its rate. */
export function provisionedStreamHourly(
  shape: Pick<PipelineShape, "shards" | "kinesisRecordsPerSecond" | "bytesPerSecond">,
  prices: RegionPrices,
): HourlyCost {
  return total([
    { what: `${shape.shards} shards`, usdPerHour: shape.shards * prices.kinesisShardHour.usd },
    {
      what: "PUT payload units",
      usdPerHour: (putUnitsPerHour(shape) / 1e6) * prices.kinesisPutPayloadUnits.usd,
    },
  ]);
}

/** The same traffic on an on-demand stream: the stream-hour, GB in (records rounded up to 1 KB), GB out per reader. */
export function onDemandStreamHourly(
  rates: { kinesisRecordsPerSecond: number; bytesPerSecond: number; readers: number },
  prices: RegionPrices,
): HourlyCost {
  const perRecord = rates.kinesisRecordsPerSecond > 0 ? rates.bytesPerSecond / rates.kinesisRecordsPerSecond : 0;
  const billedIn = rates.kinesisRecordsPerSecond * Math.ceil(perRecord / 1024) * 1024 * 3600;
  const out = rates.readers * rates.bytesPerSecond * 3600;
  return total([
    { what: "on-demand stream", usdPerHour: prices.kinesisOnDemandStreamHour.usd },
    { what: "data in", usdPerHour: (billedIn / BYTES_PER_GB) * prices.kinesisOnDemandGbIn.usd },
    { what: "data out", usdPerHour: (out / BYTES_PER_GB) * prices.kinesisOnDemandGbOut.usd },
  ]);
}

export function flinkHourly(kpus: number, prices: RegionPrices): number {
  return kpus > 0 ? (kpus + FLINK_ORCHESTRATION_KPUS) * prices.flinkKpuHour.usd : 0;
}

export function shapeHourlyCost(shape: PipelineShape, prices: RegionPrices): HourlyCost {
  const stream = provisionedStreamHourly(shape, prices);
  return total([
    ...stream.lines.map((l) => ({ what: `stream: ${l.what}`, usdPerHour: l.usdPerHour })),
    ...shape.tasks.map((t) => ({
      what: `${t.service}: ${t.count} task${t.count === 1 ? "" : "s"} of ${t.vcpu} vCPU, ${t.memoryGb} GB`,
      usdPerHour: t.count * (t.vcpu * prices.fargateVcpuHour.usd + t.memoryGb * prices.fargateGbHour.usd),
    })),
    ...(shape.kpus > 0
      ? [
          {
            what: `hot spots: ${shape.kpus} KPU${shape.kpus === 1 ? "" : "s"} (+${FLINK_ORCHESTRATION_KPUS} orchestration)`,
            usdPerHour: flinkHourly(shape.kpus, prices),
          },
        ]
      : []),
  ]);
}
