/**
 * Where records go that cannot be handed to the processor (a corrupt aggregate, a malformed
 * schema header, an unknown schema version): logged with their shard and place, counted,
 * and, when a file is set (the local stack), appended to it as JSON lines. The worker goes
 * on: one bad record never stops a shard.
 */
import { appendFile } from "node:fs/promises";

export interface DeadLetter {
  shardId: string;
  sequenceNumber: string;
  subSequenceNumber?: number;
  partitionKey: string;
  reason: string;
  /** The record's bytes, base64, so it can be inspected or replayed. */
  data: string;
}

export class DeadLetters {
  private count = 0;

  constructor(
    private readonly log: (fields: Record<string, unknown>, msg: string) => void,
    private readonly file?: string,
  ) {}

  /** Records sent here since the last call (for the metrics). */
  take(): number {
    const n = this.count;
    this.count = 0;
    return n;
  }

  async add(letter: DeadLetter): Promise<void> {
    this.count++;
    const { data: _data, ...where } = letter;
    this.log(where, "record sent to the dead-letter path");
    if (this.file) await appendFile(this.file, `${JSON.stringify({ ...letter, at: new Date().toISOString() })}\n`);
  }
}
