/**
 * The hot-spot job as part of the local stack: the compiled processing worker with the
 * hot-spot processor (runtime/hotspots/hotspot-processor.ts) as a guarded child, alone in a
 * consumer application of its own, so it reads every shard independently of the processing
 * workers. Ready once GET /hotspots answers.
 */
import { contractEnvironment } from "../common/contract";
import { REPO_ROOT } from "../common/repo-root";
import { compiledEntrypoint } from "../common/services";
import { JOB_DEFAULTS } from "../hotspots/job-config";
import { HOTSPOT_PROCESSOR } from "../hotspots/processor-contract";
import { PROCESSING } from "../processing/service-contract";
import { answersOk, waitUntilReady } from "./child-ready";
import { GuardedChild, spawnGuarded } from "./guarded-child";
import { LocalConsumerTarget, localConsumerSettings } from "./processing-children";

/** Its consumer group: also the name of its lease table. */
export const LOCAL_HOTSPOTS_APPLICATION = "kinesis-pipeline-local-hotspots";

export interface HotspotsChild extends GuardedChild {
  url: string;
}

export interface HotspotsChildOptions extends LocalConsumerTarget {
  port: number;
  /** The taxi replay's speedup, which sets how late a trip may arrive; undefined without replay. */
  replaySpeedup?: number;
  signal?: AbortSignal;
  readyTimeoutMs?: number;
}

const STOP_GRACE_MS = 10_000;
const READY_TIMEOUT_MS = 30_000;
/**
 * How far apart in wall-clock time the worker may see two shards: it reads them one poll at
 * a time (POLL_IDLE_MS 200 when caught up, plus a GetRecords round trip), so one shard's
 * trips can reach the engine after another shard's later trips. A bound with room to spare.
 */
const SHARD_SKEW_SECONDS = 2;

/**
 * The watermark delay for a replay at `speedup`: the shard skew in event time, so that the
 * trips at the end of every window are not dropped as late. The job's default when there is
 * no replay (ingest API posts), and at most a day (the job's limit).
 */
export function localOutOfOrdernessSeconds(speedup: number | undefined): number {
  const skew = speedup === undefined ? 0 : Math.ceil(speedup * SHARD_SKEW_SECONDS);
  return Math.min(86_400, Math.max(JOB_DEFAULTS.outOfOrdernessSeconds, skew));
}

export async function startHotspots(options: HotspotsChildOptions): Promise<HotspotsChild> {
  const child = spawnGuarded({
    name: "hotspots",
    script: compiledEntrypoint(PROCESSING),
    cwd: REPO_ROOT,
    // A worker's settings and its processor's, and PATH only, as on Fargate.
    env: {
      PATH: process.env.PATH,
      ...contractEnvironment(PROCESSING, {
        ...localConsumerSettings(options, LOCAL_HOTSPOTS_APPLICATION, "local-hotspots"),
        PROCESSOR_MODULE: compiledEntrypoint(HOTSPOT_PROCESSOR),
        POLL_IDLE_MS: 200,
      }).variables,
      ...contractEnvironment(HOTSPOT_PROCESSOR, {
        HOTSPOTS_PORT: options.port,
        HOTSPOT_OUT_OF_ORDERNESS_SECONDS: localOutOfOrdernessSeconds(options.replaySpeedup),
      }).variables,
    },
    stopGraceMs: STOP_GRACE_MS,
  });
  const hotspots: HotspotsChild = { ...child, url: `http://127.0.0.1:${options.port}/hotspots` };
  await waitUntilReady(child, (signal) => answersOk(hotspots.url, signal), {
    what: `the hot-spot worker (pid ${child.pid}) to answer GET ${hotspots.url}`,
    timeoutMs: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
    signal: options.signal,
  });
  return hotspots;
}
