/**
 * What a guarded child printed, kept for its parent: the end of stdout and of stderr (and
 * of both together, for error messages), its stdout line by line to whoever listens, or,
 * when it writes to a file instead of a pipe, the file's tail read back.
 */
import { closeSync, fstatSync, readSync } from "node:fs";

/** What recentOutput() and the exit reports show. */
export const OUTPUT_TAIL_CHARS = 4000;

/** What a child printed: the end of each stream, or of the file both go to. */
export class KeptOutput {
  private readonly streams = { stdout: "", stderr: "" };
  private together = "";
  private partialLine = "";
  private readonly lineListeners: ((line: string) => void)[] = [];
  private closed = false;

  constructor(
    private readonly keepChars: number,
    private readonly fd?: number,
  ) {}

  add(stream: "stdout" | "stderr", chunk: Buffer): void {
    const text = chunk.toString("utf8");
    this.streams[stream] = (this.streams[stream] + text).slice(-this.keepChars);
    this.together = (this.together + text).slice(-OUTPUT_TAIL_CHARS);
    if (stream !== "stdout" || this.lineListeners.length === 0) return;
    const lines = (this.partialLine + text).split("\n");
    this.partialLine = lines.pop() ?? "";
    for (const line of lines) for (const listener of this.lineListeners) listener(line);
  }

  onLine(listener: (line: string) => void): void {
    this.lineListeners.push(listener);
  }

  kept(stream: "stdout" | "stderr"): string {
    return this.streams[stream];
  }

  tail(): string {
    if (this.fd === undefined) return this.together;
    if (this.closed) return this.together;
    const size = fstatSync(this.fd).size;
    const tail = Buffer.alloc(Math.min(size, OUTPUT_TAIL_CHARS));
    readSync(this.fd, tail, 0, tail.length, size - tail.length);
    return tail.toString("utf8");
  }

  /** The file is closed once the child is gone; its tail is kept for later messages. */
  close(): void {
    if (this.fd === undefined || this.closed) return;
    this.together = this.tail();
    this.closed = true;
    closeSync(this.fd);
  }
}
