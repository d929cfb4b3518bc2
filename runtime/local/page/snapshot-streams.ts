/**
 * The open pages' server-sent event streams. One timer serves them all and each snapshot is
 * serialized once for every tab; a control's result is pushed at once (`broadcast`) instead
 * of waiting for the next tick. Streams are ended on `endAll`: an open browser tab must not
 * hold up the stack's stop.
 */
import { ServerResponse } from "node:http";

export class SnapshotStreams {
  private readonly open = new Set<ServerResponse>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly snapshot: () => unknown,
    private readonly everyMs: number,
  ) {}

  /** Starts streaming to `out` (a snapshot at once) until its request closes. */
  add(out: ServerResponse, request: NodeJS.EventEmitter): void {
    out.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache",
      Connection: "keep-alive",
    });
    out.write(this.event());
    this.open.add(out);
    this.timer ??= setInterval(() => this.broadcast(), this.everyMs);
    request.on("close", () => {
      this.open.delete(out);
      if (this.open.size === 0) this.stopTimer();
    });
  }

  /** Sends the current snapshot to every open page now. */
  broadcast(): void {
    if (this.open.size === 0) return;
    const event = this.event();
    for (const out of this.open) out.write(event);
  }

  endAll(): void {
    this.stopTimer();
    for (const out of this.open) out.end();
    this.open.clear();
  }

  private event(): string {
    return `data: ${JSON.stringify(this.snapshot())}\n\n`;
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
