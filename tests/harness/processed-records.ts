/**
 * What the workers processed, read back from their processed files (PROCESSED_FILE: one
 * JSON line per user record, appended by the logging processor). Several workers may share
 * one file: appends are atomic per line, so the line order is the order of processing
 * across all of them, which is what the ordering checks need.
 */
import { existsSync, promises as fs } from "node:fs";
import { eventually } from "./eventually";
import { KeyedData, WrittenRecord } from "./keyed-records";

/** One line of a processed file, with the record's data parsed. */
export interface ProcessedRecord extends KeyedData {
  file: string;
  /** The line's index in its file: the order of processing (across workers, when they share a file). */
  line: number;
  shardId: string;
  sequenceNumber: string;
  subSequenceNumber?: number;
  /** The tenant the worker read from the record (runtime/stream/tenant-key.ts). */
  tenant: string;
  partitionKey: string;
  workerId: string;
}

/** Parses processed files; a missing file is empty. A torn last line (a worker killed mid-write) is left out. */
export async function readProcessed(files: readonly string[]): Promise<ProcessedRecord[]> {
  const records: ProcessedRecord[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const lines = (await fs.readFile(file, "utf8")).split("\n");
    lines.pop(); // after the last "\n": empty, or an unfinished line
    lines.forEach((text, line) => {
      try {
        const raw = JSON.parse(text) as Omit<ProcessedRecord, "file" | "line" | keyof KeyedData> & { data: string };
        const { data, ...place } = raw;
        records.push({ ...place, ...(JSON.parse(data) as KeyedData), file, line });
      } catch (error) {
        throw new Error(`${file}:${line + 1}: not a processed record: ${text.slice(0, 200)}`, { cause: error });
      }
    });
  }
  return records;
}

/** The identity of a user record for the writer: its key and number. */
export function recordKey(r: KeyedData): string {
  return `${r.key}#${r.n}`;
}

/** The identity of a stored copy: shard, sequence number and index in the aggregate. */
export function storedAt(r: Pick<ProcessedRecord, "shardId" | "sequenceNumber" | "subSequenceNumber">): string {
  return `${r.shardId}/${r.sequenceNumber}/${r.subSequenceNumber ?? 0}`;
}

/** Written records that no worker processed. */
export function unprocessed(written: readonly WrittenRecord[], processed: readonly ProcessedRecord[]): WrittenRecord[] {
  const seen = new Set(processed.map(recordKey));
  return written.filter((w) => !seen.has(recordKey(w)));
}

/** Stored copies processed more than once, each with all its processings. */
export function duplicates(processed: readonly ProcessedRecord[]): ProcessedRecord[][] {
  const byCopy = new Map<string, ProcessedRecord[]>();
  for (const r of processed) byCopy.set(storedAt(r), [...(byCopy.get(storedAt(r)) ?? []), r]);
  return [...byCopy.values()].filter((copies) => copies.length > 1);
}

/** The first processing of every record (by key and n), in processing order. One shared file only. */
export function firstProcessings(processed: readonly ProcessedRecord[]): ProcessedRecord[] {
  if (new Set(processed.map((r) => r.file)).size > 1) throw new Error("processing order needs one shared file");
  const first = new Map<string, ProcessedRecord>();
  for (const r of [...processed].sort((a, b) => a.line - b.line)) {
    if (!first.has(recordKey(r))) first.set(recordKey(r), r);
  }
  return [...first.values()];
}

/**
 * Waits (bounded) until every written record was processed, and returns what was.
 * Fails with the number and a sample of those still missing.
 */
export async function waitUntilProcessed(
  files: readonly string[],
  written: readonly WrittenRecord[],
  timeoutMs: number,
): Promise<ProcessedRecord[]> {
  let missing: WrittenRecord[] = written.slice();
  return eventually(
    async () => {
      const processed = await readProcessed(files);
      missing = unprocessed(written, processed);
      return missing.length === 0 && processed;
    },
    {
      what: `all ${written.length} written records to be processed`,
      timeoutMs,
      intervalMs: 200,
      details: () =>
        `${missing.length} of ${written.length} not processed, e.g. ` +
        missing
          .slice(0, 5)
          .map((m) => `${recordKey(m)} on ${m.shardId}`)
          .join(", "),
    },
  );
}
