/**
 * The hot-spot processor's settings (PROCESSOR_MODULE=.../hotspot-processor.js): environment
 * variables beside the worker's own, read with the services' helpers. The job's values are
 * allowed exactly when jobConfig accepts them, so its rules stay in job-config.ts.
 */
import { EnvVar, integer, readEnv } from "../common/env";
import { JOB_DEFAULTS, JobConfig, jobConfig, jobSetting } from "./job-config";

export interface HotspotSettings {
  /** 0: no HTTP endpoint. */
  port: number;
  config: JobConfig;
  /** How many closed windows GET /hotspots shows. */
  retainedWindows: number;
}

function jobVariable(key: keyof JobConfig, purpose: string): EnvVar<number> {
  return { ...jobSetting(key), default: String(JOB_DEFAULTS[key]), purpose };
}

export const HOTSPOT_VARIABLES = {
  HOTSPOTS_PORT: {
    ...integer(0, 65535),
    default: "0",
    purpose: "port of GET /hotspots on 127.0.0.1, the latest closed windows as JSON (0: no endpoint)",
  },
  HOTSPOT_WINDOW_MINUTES: jobVariable("windowMinutes", "size of the tumbling windows"),
  HOTSPOT_GEOHASH_PRECISION: jobVariable("geohashPrecision", "geohash length of a cell"),
  HOTSPOT_MIN_TRIPS: jobVariable("minTrips", "pickups in a window that make a cell a hot spot"),
  HOTSPOT_OUT_OF_ORDERNESS_SECONDS: jobVariable("outOfOrdernessSeconds", "how far the watermark trails event time"),
  HOTSPOT_RETAINED_WINDOWS: {
    ...integer(1, 1000),
    default: "24",
    purpose: "closed windows GET /hotspots keeps, newest first",
  },
};

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
