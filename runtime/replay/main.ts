/**
 * `npm run replay`: replays NYC taxi trips from a TLC CSV into the pipeline at event-time
 * pace times a speedup, through the ingest API (the local stack's, or one at a URL). Maps
 * outcomes to output and exit codes: 2 for anything the user fixes by running it
 * differently, 1 for a crash, 0 otherwise (also when stopped by a signal after flushing
 * what was accepted). A parent that started it with an IPC channel (the local stack) hears
 * when it starts sending and where it stopped (runtime/common/child-messages.ts).
 */
import { identifyPart } from "../common/aws/call-trace";
import { tellParent } from "../common/child-messages";
import { readEnv } from "../common/env";
import { UsageError } from "../common/usage-error";
import { stdoutSink } from "../observability/emf";
import { REPLAY, REPLAY_VARIABLES } from "./contract";
import { openHttpSink } from "./http-sink";
import { startProgress } from "./progress";
import { parseReplayArgs, REPLAY_USAGE, wantsReplayHelp } from "./replay-args";
import { runReplayLoop } from "./replay-loop";
import { ReplayMetrics } from "./replay-metrics";
import { ingestUrlOf, replayApiKeyOf } from "./replay-target";
import { SkipTally } from "./skip-tally";
import { ReplaySummary, summaryLine } from "./summary";
import { readTripFile } from "./trip-file";

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (wantsReplayHelp(argv)) {
    process.stdout.write(REPLAY_USAGE);
    return 0;
  }
  const args = parseReplayArgs(argv);
  // It only talks HTTP to the ingest API: no AWS call, locally as on AWS.
  identifyPart(REPLAY.part, REPLAY.variables);
  const settings = readEnv(REPLAY_VARIABLES, process.env);
  const file = readTripFile(args.file);
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) console.log(`\n${signal} received: stopping the replay, flushing what was accepted...`);
    stop.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const targetEnv = { LOCAL_STATE_DIR: settings.LOCAL_STATE_DIR };
  const sink = await openHttpSink(
    await ingestUrlOf(args.target, targetEnv),
    await replayApiKeyOf(args.target, settings.INGEST_API_KEY, targetEnv),
  );
  const what = `${file.trips.length} of ${file.rows} rows of ${args.file} (${file.layout.name} layout) to ${sink.description}, speedup ${args.speedup}${args.loop ? ", looping" : ""}`;
  console.log(`replay: ${what}; skipped ${file.skipped.total} rows (${file.skipped.describe()})`);
  await tellParent({ type: "started", what: `replay of ${what}` });
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
  const metrics = new ReplayMetrics(() => ({ sent: latest.sent, accepted: sink.stored }), stdoutSink);
  if (settings.METRICS_INTERVAL_MS !== undefined) metrics.start(settings.METRICS_INTERVAL_MS);
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
    if (settings.METRICS_INTERVAL_MS !== undefined) await metrics.stop();
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
  await tellParent({
    type: "replay-stopped",
    resumeAtMs: summary.resumeAtMs,
    sent: summary.sent,
    stored: summary.stored,
    stoppedBySignal: summary.stoppedBySignal,
  });
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
