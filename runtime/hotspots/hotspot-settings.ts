/**
 * The hot-spot processor's settings (PROCESSOR_MODULE=.../hotspot-processor.js): the
 * variables of its contract (processor-contract.ts), beside the worker's own.
 */
import { readEnv } from "../common/env";
import { JobConfig, jobConfig } from "./job-config";
import { HOTSPOT_VARIABLES } from "./processor-contract";

export interface HotspotSettings {
  /** 0: no HTTP endpoint. */
  port: number;
  config: JobConfig;
  /** How many closed windows GET /hotspots shows. */
  retainedWindows: number;
}

/** Throws one SettingsError naming every bad variable, its value and what is allowed. */
export function readHotspotSettings(env: Readonly<Record<string, string | undefined>>): HotspotSettings {
  const v = readEnv(HOTSPOT_VARIABLES, env);
  return {
    port: v.HOTSPOTS_PORT,
    config: jobConfig({
      windowMinutes: v.HOTSPOT_WINDOW_MINUTES,
      geohashPrecision: v.HOTSPOT_GEOHASH_PRECISION,
      minTrips: v.HOTSPOT_MIN_TRIPS,
      outOfOrdernessSeconds: v.HOTSPOT_OUT_OF_ORDERNESS_SECONDS,
    }),
    retainedWindows: v.HOTSPOT_RETAINED_WINDOWS,
  };
}
