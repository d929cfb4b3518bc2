/**
 * The taxi replay's contract: `npm run replay`, a one-off Fargate task on AWS and a child of
 * the local stack. It sends NYC taxi trips to the ingest API at event-time pace times a
 * speedup; it calls no AWS API itself (its task role holds nothing). Its settings are
 * command-line options (replay-args.ts); its environment only tunes reporting.
 */
import path from "node:path";
import { defineContract } from "../common/contract";
import { matching } from "../common/env";
import { REPORTING_VARIABLES } from "../common/service-variables";

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
    purpose: "with --target local, print the producer's counters as EMF lines (Service replay) this often",
  },
  LOCAL_STATE_DIR: {
    ...matching(/^.+$/, "a directory path"),
    default: "" as const,
    purpose: "with --target local, where the local stack's stack.json is; empty: <repo>/.local",
  },
};

export const REPLAY = defineContract({
  part: "replay",
  purpose: "the NYC taxi replay: trips to the ingest API at event-time pace times a speedup",
  entry: { kind: "command", script: "dist/runtime/replay/main.js" },
  variables: REPLAY_VARIABLES,
  resources: {},
  calls: [],
  metrics: [],
});

/** The replay's command line after `node <script>`: a file, looped at `speedup`, into `target` (an ingest URL). */
export function replayArguments<T>(options: {
  file: string;
  speedup: number;
  loop: boolean;
  target: T;
}): (string | T)[] {
  return [
    "--file",
    options.file,
    "--speedup",
    String(options.speedup),
    ...(options.loop ? ["--loop"] : []),
    "--target",
    options.target,
  ];
}
