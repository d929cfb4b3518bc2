/**
 * The hot-spot processor's contract: the hot-spot job as a record processor of a processing
 * worker (its PROCESSOR_MODULE), the local stack's stand-in for the Managed Flink job. It
 * reads these variables beside the worker's own, and serves its latest windows at
 * GET /hotspots. The job's values are allowed exactly when jobConfig accepts them, so its
 * rules stay in job-config.ts.
 */
import { defineContract } from "../common/contract";
import { EnvVar, integer } from "../common/env";
import { JOB_DEFAULTS, JobConfig, jobSetting } from "./job-config";

/** A job setting as a variable: allowed exactly when jobConfig accepts it (job-config.ts). */
function jobVariable(key: keyof JobConfig, purpose: string): EnvVar<number> & { default: string } {
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

export const HOTSPOT_PROCESSOR = defineContract({
  part: "hotspotProcessor",
  purpose: "the hot-spot job as a processing worker's record processor, serving GET /hotspots (local stack)",
  entry: { kind: "processor", module: "dist/runtime/hotspots/hotspot-processor.js" },
  variables: HOTSPOT_VARIABLES,
  resources: {},
  // Its worker makes the calls (the processing contract's); the processor makes none.
  calls: [],
  metrics: [],
  localOnly: "the local stack's hot-spot worker; on AWS the hot-spot job runs on Managed Flink",
});
