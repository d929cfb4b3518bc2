/**
 * What the replay shows while it runs: a progress bar on a terminal, and plain lines every
 * few seconds otherwise (a log file or `npm start`'s child output has no use for a bar).
 */
import { SingleBar } from "cli-progress";
import { SkipTally } from "./skip-tally";

export interface ReplaySnapshot {
  sent: number;
  stored: number;
  skipped: SkipTally;
  /** How far sending trails the intended pace now, in ms. */
  lagMs: number;
  pass: number;
}

export const PLAIN_INTERVAL_MS = 5_000;

/** One plain progress line: events sent, skipped by reason, replay lag. */
export function progressLine(s: ReplaySnapshot): string {
  return `replay: sent ${s.sent}, stored ${s.stored}, skipped ${s.skipped.total} (${s.skipped.describe()}), lag ${Math.round(s.lagMs)} ms${s.pass > 0 ? `, pass ${s.pass + 1}` : ""}`;
}

export interface Progress {
  update(snapshot: ReplaySnapshot): void;
  stop(): void;
}

export function startProgress(options: {
  tty: boolean;
  tripsPerPass: number;
  write: (line: string) => void;
  snapshot: () => ReplaySnapshot;
}): Progress {
  if (!options.tty) {
    const timer = setInterval(() => options.write(progressLine(options.snapshot())), PLAIN_INTERVAL_MS);
    timer.unref();
    return { update: () => undefined, stop: () => clearInterval(timer) };
  }
  const bar = new SingleBar({
    format: "replay |{bar}| {value}/{total} trips (pass {pass}) | stored {stored} | skipped {skipped} | lag {lag} ms",
    hideCursor: true,
  });
  const payload = (s: ReplaySnapshot) => ({
    pass: s.pass + 1,
    stored: s.stored,
    skipped: s.skipped.total,
    lag: Math.round(s.lagMs),
  });
  bar.start(options.tripsPerPass, 0, payload(options.snapshot()));
  return {
    update: (s) => bar.update(s.sent - s.pass * options.tripsPerPass, payload(s)),
    stop: () => bar.stop(),
  };
}
