/**
 * A user record's place in its shard: the Kinesis record's sequence number and, inside a KPL
 * aggregate, the user record's index (0 for a plain record). Segments, claims and object keys
 * are named by positions (EXACTLY-ONCE.md).
 */
import { compareSequence } from "../processing/leases/lease";

export interface Position {
  sequenceNumber: string;
  subSequenceNumber: number;
}

export function positionOf(record: { sequenceNumber: string; subSequenceNumber?: number }): Position {
  return { sequenceNumber: record.sequenceNumber, subSequenceNumber: record.subSequenceNumber ?? 0 };
}

export function comparePosition(a: Position, b: Position): number {
  return compareSequence(a.sequenceNumber, b.sequenceNumber) || a.subSequenceNumber - b.subSequenceNumber;
}

/** As it appears in a key: `<sequence>-<sub>` (sequence numbers are decimal digits only). */
export function positionText(p: Position): string {
  return `${p.sequenceNumber}-${p.subSequenceNumber}`;
}

export function parsePosition(text: string): Position {
  const m = /^(\d{1,80})-(\d{1,10})$/.exec(text);
  if (!m) throw new Error(`a position is <sequence number>-<sub-sequence number>, got ${JSON.stringify(text)}`);
  return { sequenceNumber: m[1], subSequenceNumber: Number(m[2]) };
}
