/**
 * Load traces for the scaling simulator: records per second, minute by minute. Three are
 * made up to test one behaviour each; `nab` is real: the NYC taxi demand series of the
 * Numenta Anomaly Benchmark (data/nab/nyc_taxi.csv, passengers per 30 minutes), scaled so
 * that its busiest half hour is `peakRecordsPerSecond`.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../common/repo-root";

export const TRACE_NAMES = ["step", "spiky", "diurnal", "nab"] as const;
export type TraceName = (typeof TRACE_NAMES)[number];

export interface Trace {
  name: TraceName;
  description: string;
  /** Records per second in each minute. */
  recordsPerSecond: number[];
}

export const NAB_FILE = path.join(REPO_ROOT, "data", "nab", "nyc_taxi.csv");

export function trace(name: TraceName): Trace {
  switch (name) {
    case "step":
      // An hour at 1,000/s, then 6,000/s: from one busy shard's worth to six.
      return {
        name,
        description: "1,000 records/s for 60 min, then 6,000/s for 180 min",
        recordsPerSecond: minutes(240, (m) => (m < 60 ? 1000 : 6000)),
      };
    case "spiky":
      // 10-minute bursts every 40 minutes over a steady base: a scaler that chases each burst flaps.
      return {
        name,
        description: "1,500 records/s with 10-minute bursts to 7,000/s every 40 min, 8 hours",
        recordsPerSecond: minutes(480, (m) => (m % 40 < 10 ? 7000 : 1500)),
      };
    case "diurnal":
      // Two days of a smooth day/night cycle between 500/s and 8,000/s.
      return {
        name,
        description: "a day/night cycle between 500 and 8,000 records/s, 2 days",
        recordsPerSecond: minutes(2 * 1440, (m) => 4250 - 3750 * Math.cos((2 * Math.PI * m) / 1440)),
      };
    case "nab":
      return {
        name,
        description: "NYC taxi demand (NAB nyc_taxi, 2014-07-01 .. 07-14), peak half hour = 8,000 records/s",
        recordsPerSecond: nabTrace(readFileSync(NAB_FILE, "utf8"), 14, 8000),
      };
  }
}

function minutes(count: number, load: (minute: number) => number): number[] {
  return Array.from({ length: count }, (_, m) => load(m));
}

/** The first `days` of the NAB series, each half hour held for 30 minutes, scaled to `peak`. */
export function nabTrace(csv: string, days: number, peakRecordsPerSecond: number): number[] {
  const values = csv
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => Number(line.split(",")[1]))
    .slice(0, days * 48);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v)))
    throw new Error("the NAB series has unreadable values");
  const peak = Math.max(...values);
  return values.flatMap((v) => Array.from({ length: 30 }, () => (v / peak) * peakRecordsPerSecond));
}
