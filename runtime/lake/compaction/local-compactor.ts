/**
 * The lake compactor in the local stack: the same run as the Lambda's (compactor.ts), in the
 * stack's process, once a period (a minute: on AWS a schedule every
 * COMPACTION_DEFAULTS.scheduleMinutes), against the local S3 server and the stream emulator,
 * with the least slack allowed, so a closed hour is merged about a minute after the writers'
 * progress passes it. One run at a time: a period that finds a run still going skips.
 */
import { CompactorPorts, CompactorSettings, RunOutcome, runCompactor, UNBOUNDED_RUN_MS } from "./compactor";
import { COMPACTION_DEFAULTS, COMPACTION_LIMITS } from "./compactor-contract";

/** A minute: the local stack's hours close a minute after the writers' progress passes them. */
export const LOCAL_COMPACTION_PERIOD_MS = 60_000;
export const LOCAL_COMPACTION_SETTINGS: CompactorSettings = {
  partBytes: COMPACTION_DEFAULTS.partBytes,
  slackMs: COMPACTION_LIMITS.closeSlackSeconds.min * 1000,
  // `npm run lake:query` lists the parts and reads the state within one DuckDB query,
  // milliseconds apart: a period is settle enough.
  settleMs: LOCAL_COMPACTION_PERIOD_MS,
};

export interface LocalCompactorOptions {
  ports: Omit<CompactorPorts, "hasTime">;
  settings?: CompactorSettings;
  periodMs?: number;
  /** How long one run may go on (periods meanwhile are skipped). */
  runMs?: number;
  log: (level: "info" | "warn", line: string) => void;
}

export class LocalCompactor {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** The last run's end, so an idle lake logs nothing each minute. */
  private lastEnd?: string;
  runs = 0;

  private constructor(private readonly options: LocalCompactorOptions) {}

  static start(options: LocalCompactorOptions): LocalCompactor {
    const compactor = new LocalCompactor(options);
    const period = options.periodMs ?? LOCAL_COMPACTION_PERIOD_MS;
    compactor.timer = setInterval(() => compactor.tick(options.runMs ?? UNBOUNDED_RUN_MS), period);
    compactor.timer.unref();
    return compactor;
  }

  private tick(runMs: number): void {
    if (this.running) return;
    const deadline = Date.now() + runMs;
    this.running = runCompactor(
      { ...this.options.ports, hasTime: () => Date.now() < deadline },
      this.options.settings ?? LOCAL_COMPACTION_SETTINGS,
    )
      .then((outcome) => this.report(outcome))
      .catch((e: unknown) =>
        this.options.log("warn", `lake compactor: the run failed; the next one retries: ${String(e)}`),
      )
      .finally(() => {
        this.runs++;
        this.running = undefined;
      });
  }

  private report(outcome: RunOutcome): void {
    const changed = outcome.partsWritten > 0 || outcome.hoursCompacted.length > 0 || outcome.objectsRetired > 0;
    if (!changed && outcome.end === this.lastEnd) return;
    this.lastEnd = outcome.end;
    const hours = outcome.hoursCompacted.length > 0 ? ` hours ${outcome.hoursCompacted.join(", ")};` : "";
    this.options.log(
      "info",
      `lake compactor: ${outcome.end};${hours} ${outcome.partsWritten} parts, ${outcome.rows} rows written, ` +
        `${outcome.objectsRetired} segment objects tagged; compacted before ${outcome.state?.compacted_before ?? "(no state yet)"}`,
    );
  }

  /** No new run; waits for the one under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
