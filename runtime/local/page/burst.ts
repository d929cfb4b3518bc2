/**
 * The page's "burst" button: load on the ingest API for a while, as fast as it takes it
 * (POST /batch of 500 records of about 1 KB, a few requests in flight), so the local shard
 * scaler sees its usage factor pass 75% and doubles the stream. The records are not taxi
 * trips: the hot-spot job counts and skips them, the map is not disturbed.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { STREAM_LIMITS } from "../../stream/limits";

/** Longer than one scaler period (30 s), so a whole period is busy whichever moment it starts. */
export const DEFAULT_BURST_SECONDS = 45;
export const MAX_BURST_SECONDS = 600;
const REQUESTS_IN_FLIGHT = 4;
const PADDING = "x".repeat(1000);

export interface BurstState {
  running: boolean;
  /** Epoch ms it stops at, while running. */
  until?: number;
  recordsSent: number;
}

export class Burst {
  private state: BurstState = { running: false, recordsSent: 0 };
  private abort?: AbortController;
  private done?: Promise<void>;

  constructor(
    private readonly ingestUrl: string,
    /** A tenant's key (the demo tenant's): the burst writes as that tenant. */
    private readonly apiKey?: string,
  ) {}

  get current(): BurstState {
    return { ...this.state };
  }

  /** Starts a burst of `seconds`; a burst already running is extended instead. */
  start(seconds: number): void {
    const until = Date.now() + seconds * 1000;
    if (this.state.running) {
      this.state.until = Math.max(this.state.until ?? 0, until);
      return;
    }
    this.abort = new AbortController();
    this.state = { running: true, until, recordsSent: this.state.recordsSent };
    const signal = this.abort.signal;
    this.done = Promise.all(Array.from({ length: REQUESTS_IN_FLIGHT }, (_, lane) => this.send(lane, signal))).then(
      () => {
        this.state = { running: false, recordsSent: this.state.recordsSent };
      },
    );
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.done;
  }

  private async send(lane: number, signal: AbortSignal): Promise<void> {
    let sequence = 0;
    while (!signal.aborted && Date.now() < (this.state.until ?? 0)) {
      const records = Array.from({ length: STREAM_LIMITS.maxRecordsPerPutRecords }, () => ({
        data: { kind: "burst", lane, sequence: sequence++, padding: PADDING },
      }));
      try {
        const response = await fetch(`${this.ingestUrl}/batch`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
          },
          body: JSON.stringify({ records }),
          signal,
        });
        await response.arrayBuffer();
        if (response.ok) this.state.recordsSent += records.length;
        // 503 or 429 (its tenant over its limit): the ingest API pushes back; wait as long as it asks.
        else await pause(Number(response.headers.get("retry-after") ?? 1) * 1000, signal);
      } catch {
        await pause(1000, signal);
      }
    }
  }
}

/** Waits, or less when the burst is stopped. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(Number.isFinite(ms) && ms > 0 ? ms : 1000, undefined, { signal }).catch(() => undefined);
}
