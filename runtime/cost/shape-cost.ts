/**
 * What a shape of the pipeline (shards, tasks, KPUs) and its rates cost per hour on AWS,
 * from the price table: for the live page (the local stack's current shape as if it ran on
 * AWS) and the scaling simulator (shards and KPUs over a trace, against on-demand).
 */
import { RegionPrices } from "./price-table";
import { BillLine, onDemandBill, priceBill, provisionedBill } from "./stream-bill";
import { StreamLoad, streamLoad } from "./stream-traffic";

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

/** The stream's load from the rates measured on it: Kinesis records of their average size. */
function measuredLoad(rates: { kinesisRecordsPerSecond: number; bytesPerSecond: number }): StreamLoad {
  const r = rates.kinesisRecordsPerSecond;
  return streamLoad(r, r > 0 ? rates.bytesPerSecond / r : 0, 0);
}

function hourly(lines: BillLine[], prices: RegionPrices): HourlyCost {
  return total(priceBill(lines, 1, prices).lines.map((l) => ({ what: l.what, usdPerHour: l.usd })));
}

/** The hourly cost of a provisioned stream: its shards and the PUT payload units of its rate. */
export function provisionedStreamHourly(
  shape: Pick<PipelineShape, "shards" | "kinesisRecordsPerSecond" | "bytesPerSecond">,
  prices: RegionPrices,
): HourlyCost {
  const cost = hourly(provisionedBill(measuredLoad(shape), shape.shards), prices);
  // The page names the shards it prices.
  cost.lines[0] = { ...cost.lines[0], what: `${shape.shards} shards` };
  return cost;
}

/** The same traffic on an on-demand stream: the stream-hour, GB in (records rounded up to 1 KB), GB out per reader. */
export function onDemandStreamHourly(
  rates: { kinesisRecordsPerSecond: number; bytesPerSecond: number; readers: number },
  prices: RegionPrices,
): HourlyCost {
  return hourly(onDemandBill(measuredLoad(rates), rates.readers), prices);
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
