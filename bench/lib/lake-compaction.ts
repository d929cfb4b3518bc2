/**
 * What one tenant's hour becomes under steady load, before and after the compactor: the
 * segment objects the writer makes (one per segment of each shard, runtime/lake/roll-policy.ts),
 * and the compacted parts the compactor's own plan cuts them into
 * (runtime/lake/compaction/part-plan.ts). Sizes come from what bench:lake measured in the same
 * run: the writer's Parquet bytes per byte of record data, and the merge's bytes out per byte in.
 */
import { planParts } from "../../runtime/lake/compaction/part-plan";
import { RollSettings, segmentsPerHour } from "../../runtime/lake/roll-policy";
import { tableObjectKey } from "../../runtime/lake/object-keys";

/**
 * Athena reads objects of 128 MB and more best ("Optimize file sizes":
 * https://docs.aws.amazon.com/athena/latest/ug/performance-tuning-data-optimization-techniques.html).
 */
export const ATHENA_OBJECT_BYTES = 128_000_000;

export interface SteadyLoad {
  label: string;
  shards: number;
  /** Record data a shard takes each second (a shard's most is 1 MiB/s). */
  bytesPerSecondPerShard: number;
  tenants: number;
}

export interface CompactedHour {
  /** Segment objects of the tenant's hour, and their mean size. */
  objects: number;
  objectBytes: number;
  /** The compacted parts' sizes. */
  parts: number[];
  /** Every part is Athena-sized, or the tenant's whole hour is one part (less data than that). */
  athenaSized: boolean;
}

export function compactedHour(
  load: SteadyLoad,
  roll: RollSettings,
  measured: { parquetPerDataByte: number; mergedPerInputByte: number },
  partBytes: number,
): CompactedHour {
  const perHour = segmentsPerHour(load.bytesPerSecondPerShard, roll);
  // Every tenant writes in every segment (its keys hash over every shard): its share of each.
  const objectBytes = Math.round(
    ((load.bytesPerSecondPerShard * 3600) / perHour / load.tenants) * measured.parquetPerDataByte,
  );
  const objects = Math.round(perHour * load.shards);
  const time = { date: "2026-12-07", hour: "12" };
  const listing = Array.from({ length: objects }, (_, i) => ({
    key: tableObjectKey("records", "t0", time, {
      shardId: `shardId-${String(i % load.shards).padStart(12, "0")}`,
      first: { sequenceNumber: String(1000 + i), subSequenceNumber: 0 },
    }),
    size: objectBytes,
  }));
  const parts = planParts(listing, partBytes).map((p) => Math.round(p.bytes * measured.mergedPerInputByte));
  return {
    objects,
    objectBytes,
    parts,
    athenaSized: parts.length === 1 || parts.every((b) => b >= ATHENA_OBJECT_BYTES),
  };
}
