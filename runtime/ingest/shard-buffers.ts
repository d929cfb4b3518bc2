/**
 * One aggregate per destination shard, as the KPL does: user records bound for the same
 * shard are packed together until the next one would push the aggregate past the size
 * limit, and then the aggregate is sealed into a Kinesis record ("entry").
 */
import { AggregateBuilder, UserRecord } from "../stream/aggregation";
import { recordBytes } from "../stream/limits";
import { routingKey } from "../stream/hash-key";
import { PutEntry } from "./kinesis-port";

/** An accepted user record, until it is stored (onStored) or given up on (onFailed). */
export interface Pending {
  record: UserRecord;
  /** Data plus partition key: what counts against the 1 MiB record limit. */
  bytes: number;
  acceptedAt: number;
  deadline: number;
  /** Times it has been sent and had to be sent again. */
  retries: number;
  lastError?: string;
  /** Set once stored or failed: a shutdown may give up on a record whose call answers later. */
  settled: boolean;
  /** Told where the record was stored; unset when nobody waits for that (buffered mode). */
  onStored?: (ack: Ack) => void;
  onFailed: (error: Error) => void;
}

/** Where a user record was stored. `subSequenceNumber` is set when it was aggregated. */
export interface Ack {
  shardId: string;
  sequenceNumber: string;
  subSequenceNumber?: number;
}

/** One Kinesis record about to be put, and the user records it carries. */
export interface Entry {
  /** The shard the entry is meant for, by the shard map at sealing time. */
  shardId: string;
  records: Pending[];
  put: PutEntry;
  /** Data plus partition key bytes, as PutRecords counts them. */
  bytes: number;
}

interface OpenAggregate {
  builder: AggregateBuilder;
  records: Pending[];
}

/**
 * Emptied builders kept for the next aggregates: a builder's buffers and key table grow to
 * an aggregate's size, and growing them again for every aggregate costs more than the
 * records' own encoding at 51,200 B. Bounded, so an idle producer of a stream with many
 * shards does not hold an aggregate's memory for each: at most this many builders, none
 * that held a record too large to share (each buffer at most twice the aggregate size).
 */
export const SPARE_BUILDERS = 16;

/** What `add` returns when it sealed nothing (most records): one shared empty list, no garbage. */
const NOTHING_SEALED: readonly Entry[] = Object.freeze([]);

export class ShardBuffers {
  private readonly buffers = new Map<string, OpenAggregate>();
  private readonly spare: AggregateBuilder[] = [];

  constructor(private readonly options: { aggregation: boolean; aggregationMaxSize: number }) {}

  /**
   * Adds a record bound for `shardId`; returns the entries this sealed (none, one or two).
   * `routingWords`: the record's routing key words, when routing computed them (they save
   * the aggregate its own MD5 of the partition key: AggregateBuilder.tryAdd).
   */
  add(p: Pending, shardId: string, routingWords?: Uint32Array): readonly Entry[] {
    if (!this.options.aggregation) return [plainEntry(p, shardId)];
    let sealed: Entry[] | undefined;
    const max = this.options.aggregationMaxSize;
    let buffer = this.buffers.get(shardId);
    if (buffer && !buffer.builder.tryAdd(p.record, max, routingWords)) {
      sealed = [this.seal(shardId, buffer)];
      buffer = undefined;
    }
    if (!buffer) {
      buffer = { builder: this.spare.pop() ?? new AggregateBuilder(), records: [] };
      this.buffers.set(shardId, buffer);
      buffer.builder.tryAdd(p.record, max, routingWords);
    }
    buffer.records.push(p);
    // A record too large to share an aggregate goes out alone (and plain), as in the KPL.
    if (buffer.builder.size > this.options.aggregationMaxSize) (sealed ??= []).push(this.seal(shardId, buffer));
    return sealed ?? NOTHING_SEALED;
  }

  /** Emptied builders held for the next aggregates (at most SPARE_BUILDERS). */
  get spareBuilders(): number {
    return this.spare.length;
  }

  /** Seals every open aggregate. */
  sealAll(): Entry[] {
    return [...this.buffers.entries()].map(([shardId, buffer]) => this.seal(shardId, buffer));
  }

  private seal(shardId: string, buffer: OpenAggregate): Entry {
    this.buffers.delete(shardId);
    const data = buffer.records.length === 1 ? undefined : buffer.builder.encode();
    // encode copied the aggregate out: its builder can take the next one.
    if (this.spare.length < SPARE_BUILDERS && buffer.builder.size <= this.options.aggregationMaxSize) {
      buffer.builder.reset();
      this.spare.push(buffer.builder);
    }
    if (!data) return plainEntry(buffer.records[0], shardId);
    const first = buffer.records[0];
    return {
      shardId,
      records: buffer.records,
      // The first sub-record's hash key pins the aggregate to the shard all of them map to.
      put: { partitionKey: first.record.partitionKey, explicitHashKey: routingKey(first.record).toString(), data },
      bytes: recordBytes(first.record.partitionKey, data),
    };
  }
}

/** A user record sent as a Kinesis record of its own, without the aggregation format. */
function plainEntry(p: Pending, shardId: string): Entry {
  return {
    shardId,
    records: [p],
    put: { partitionKey: p.record.partitionKey, explicitHashKey: p.record.explicitHashKey, data: p.record.data },
    bytes: p.bytes,
  };
}
