/**
 * The replay's last line: what it sent and skipped, and where it stopped (a re-paced replay
 * goes on from `resumeAtMs`). Scripts read it back, so the line's prefix and shape are
 * defined once, here; the local stack hears the same over its IPC channel instead.
 */
export interface ReplaySummary {
  file: string;
  layout: string;
  rows: number;
  sent: number;
  stored: number;
  skipped: Record<string, number>;
  passes: number;
  maxLagMs: number;
  stoppedBySignal: boolean;
  /** Event time into the replay of the next trip it did not send: `--resume-at` goes on there. */
  resumeAtMs: number;
}

const PREFIX = "replay summary: ";

export function summaryLine(summary: ReplaySummary): string {
  return `${PREFIX}${JSON.stringify(summary)}`;
}

/** The last summary in `output` (a child's stdout), or undefined when it printed none. */
export function readSummary(output: string): ReplaySummary | undefined {
  const line = output
    .split("\n")
    .reverse()
    .find((l) => l.startsWith(PREFIX));
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line.slice(PREFIX.length)) as ReplaySummary;
  } catch {
    return undefined;
  }
}
