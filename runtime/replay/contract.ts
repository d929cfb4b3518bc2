/**
 * The taxi replay's contract: `npm run replay`, a one-off Fargate task on AWS and a child of
 * the local stack. It sends NYC taxi trips to the ingest API (the local stack's, or one at a
 * URL) at event-time pace times a speedup; it calls no AWS API itself (its task role holds
 * nothing). Its settings are command-line options
 * (replay-args.ts); its environment tunes reporting, and says where --target local finds the
 * local stack.
 */
import path from "node:path";
import { defineContract, emits } from "../common/contract";
import { matching } from "../common/env";
import { REPORTING_VARIABLES } from "../common/service-variables";
import { PIPELINE_SERVICES, REPLAY_METRICS } from "../observability/metrics/pipeline";

/** The shipped sample the stack's replay task and the local stack loop over. */
export const LOCAL_REPLAY_FILE = path.join("data", "nyc-taxi", "yellow_tripdata_2009-01_10k.csv");
/**
 * A lively but light pace: an hour of trips per second, about 13 events/s on average and 49
 * in the busiest second of the sample, far below the ~1,100 entries/s kinesis-local takes;
 * one pass of the month takes ~12 minutes.
 */
export const SUGGESTED_REPLAY_SPEEDUP = 3600;

export const REPLAY_VARIABLES = {
  METRICS_INTERVAL_MS: {
    ...REPORTING_VARIABLES.METRICS_INTERVAL_MS,
    default: "" as const,
    purpose: "print the trips sent and accepted as EMF lines (Service replay) this often; npm start sets it",
  },
  LOCAL_STATE_DIR: {
    ...matching(/^.+$/, "a directory path"),
    default: "" as const,
    purpose: "with --target local, where the local stack's stack.json is; empty: <repo>/.local",
  },
  INGEST_API_KEY: {
    ...matching(/^\S+$/, "an API key"),
    default: "" as const,
    purpose:
      "the replay tenant's API key, sent as Authorization: Bearer (on AWS an ECS secret from Secrets Manager); empty with --target local: the local stack's",
  },
};

export const REPLAY = defineContract({
  part: "replay",
  purpose: "the NYC taxi replay: trips to the ingest API at event-time pace times a speedup",
  entry: { kind: "command", script: "dist/runtime/replay/main.js" },
  variables: REPLAY_VARIABLES,
  resources: {},
  // It posts to the ingest API, locally as on AWS: no AWS call of its own.
  calls: [],
  metrics: [emits(REPLAY_METRICS, { Service: PIPELINE_SERVICES.replay })],
});

/**
 * The replay's command line after `node <script>`: a file, looped or not, at `speedup`, into
 * `target` (an ingest URL), from `resumeAtMs` of event time on (replay-args.ts reads it).
 */
export function replayArguments<T>(options: {
  file: string;
  speedup: number;
  loop: boolean;
  target: T;
  resumeAtMs?: number;
}): (string | T)[] {
  return [
    "--file",
    options.file,
    "--speedup",
    String(options.speedup),
    ...(options.loop ? ["--loop"] : []),
    "--target",
    options.target,
    ...(options.resumeAtMs !== undefined ? ["--resume-at", String(options.resumeAtMs)] : []),
  ];
}
