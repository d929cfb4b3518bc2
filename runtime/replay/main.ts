/**
 * `npm run replay`: replays NYC taxi trips from a TLC CSV into the pipeline at event-time
 * pace times a speedup. Maps outcomes to output and exit codes: 2 for anything the user
 * fixes by running it differently, 1 for a crash, 0 otherwise (also when stopped by a
 * signal after flushing what was accepted).
 */
import { identifyPart } from "../common/aws/call-trace";
import { readStackFile, resolveStateDir, stackFilePath } from "../local/stack-file";
import { startProgress } from "./progress";
import { parseReplayArgs, REPLAY_USAGE, ReplayArgs, wantsReplayHelp } from "./replay-args";
import { runReplayLoop } from "./replay-loop";
import { SkipTally } from "./skip-tally";
import { openHttpSink } from "./http-sink";
import { openStreamSink } from "./stream-sink";
import { readTripFile } from "./trip-file";
import { TripSink } from "./trip-sink";
import { UsageError } from "../common/usage-error";
import { readEnv } from "../common/env";
import { REPLAY, REPLAY_VARIABLES } from "./contract";
import { ReplaySummary, summaryLine } from "./summary";

async function openSink(args: ReplayArgs): Promise<TripSink> {
  if (args.target.kind === "ingest") return openHttpSink(args.target.url);
  // Writing straight to the local stack's stream is the local stack's own doing: the
  // deployed replay task sends to the ingest URL and calls no AWS API.
  identifyPart("local", ["LOCAL_STATE_DIR"]);
  const stateDir = resolveStateDir(process.env.LOCAL_STATE_DIR);
  const stack = await readStackFile(stateDir).catch((error: Error) => {
    throw new UsageError(`--target local: ${error.message}`);
  });
  if (stack === undefined) {
    throw new UsageError(
      `--target local: no local stack is running (no ${stackFilePath(stateDir)}); start one with \`npm start\`, or give an ingest URL`,
    );
  }
  if (typeof stack.schemaRegistryFile !== "string") {
    throw new UsageError(`--target local: ${stackFilePath(stateDir)} names no schemaRegistryFile`);
  }
  return openStreamSink({
    kinesisEndpoint: stack.kinesisEndpoint,
    region: stack.region,
    streamName: stack.streamName,
    schemaRegistryFile: stack.schemaRegistryFile,
    metricsIntervalMs: metricsInterval(process.env.METRICS_INTERVAL_MS),
  });
}

/** METRICS_INTERVAL_MS, optional here: the local stack sets it so its page can chart the replay. */
function metricsInterval(value: string | undefined): number | undefined {
  const spec = { METRICS_INTERVAL_MS: REPLAY_VARIABLES.METRICS_INTERVAL_MS };
  return readEnv(spec, { METRICS_INTERVAL_MS: value }).METRICS_INTERVAL_MS;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (wantsReplayHelp(argv)) {
    process.stdout.write(REPLAY_USAGE);
    return 0;
  }
  const args = parseReplayArgs(argv);
  identifyPart(REPLAY.part, REPLAY.variables);
  const file = readTripFile(args.file);
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) console.log(`\n${signal} received: stopping the replay, flushing what was accepted...`);
    stop.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const sink = await openSink(args);
  console.log(
    `replay: ${file.trips.length} of ${file.rows} rows of ${args.file} (${file.layout.name} layout) to ${sink.description}, speedup ${args.speedup}${args.loop ? ", looping" : ""}; skipped ${file.skipped.total} rows (${file.skipped.describe()})`,
  );
  const skipped = () => {
    const all = new SkipTally();
    all.addAll(file.skipped);
    all.addAll(sink.refused);
    return all;
  };
  let latest = { sent: 0, lagMs: 0, pass: 0 };
  const snapshot = () => ({ ...latest, stored: sink.stored, skipped: skipped() });
  const progress = startProgress({
    tty: process.stdout.isTTY === true,
    tripsPerPass: file.trips.length,
    write: (line) => console.log(line),
    snapshot,
  });
  let result;
  try {
    result = await runReplayLoop({
      trips: file.trips,
      speedup: args.speedup,
      loop: args.loop,
      resumeAtMs: args.resumeAtMs,
      sink,
      signal: stop.signal,
      onBatch: (now) => {
        latest = now;
        progress.update(snapshot());
      },
    });
    await sink.close();
  } finally {
    progress.stop();
  }
  const summary: ReplaySummary = {
    file: args.file,
    layout: file.layout.name,
    rows: file.rows,
    sent: result.sent,
    stored: sink.stored,
    skipped: skipped().toJSON(),
    passes: result.passes,
    maxLagMs: Math.round(result.maxLagMs),
    stoppedBySignal: result.stoppedBySignal,
    resumeAtMs: result.resumeAtMs,
  };
  console.log(summaryLine(summary));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`replay: ${error.message}`);
      process.exit(2);
    }
    console.error(`replay failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
