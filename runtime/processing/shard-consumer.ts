/**
 * One shard's life in this worker: initialize the processor, read and de-aggregate
 * records, hand them over with a checkpointer, and end in one of three ways: the shard is
 * finished (shardEnded, checkpoint SHARD_END), the lease is lost (leaseLost), or the worker
 * shuts down (shutdownRequested, then the lease is released for a peer to take at once).
 */
import { AggregationError } from "../stream/aggregation";
import { consumerRecordsOf, CorruptAggregates } from "./consumer-records";
import { keptByShard, ShardWordRange } from "./shard-range";
import { backoffDelay } from "../ingest/backoff";
import { HeldLease, LeaseLostError } from "./leases/held-lease";
import { Checkpoint, isCheckpointed, SHARD_END, sequenceCheckpoint } from "./leases/lease";
import { Checkpointer, ConsumerRecord, RecordProcessor } from "./record-processor";
import { ShardReader, StreamRecord } from "./retrieval/shard-reader";
import { DeadLetters } from "./dead-letters";
import { SchemaDecoder } from "./schema-decoder";

export interface ShardConsumerOptions {
  /** Attempts at one batch before it is skipped (logged and counted); 0 retries for ever. */
  processorMaxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export interface ShardConsumerEvents {
  log(level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown>): void;
  processed(shardId: string, records: number, millis: number): void;
  behind(shardId: string, millisBehindLatest: number): void;
  skipped(shardId: string, records: number): void;
  checkpointFailed(shardId: string): void;
}

/** What happens to records before the processor sees them (both unset in bare tests). */
export interface RecordIntake {
  decoder?: SchemaDecoder;
  /** Where corrupt aggregates go; without it they are logged and counted as skipped. */
  deadLetters?: DeadLetters;
  /**
   * "hand-on": a corrupt aggregate goes to the processor instead, as one record with
   * `corruptAggregate` set (consumer-records.ts), in its place among the others, so a
   * processor that stores every record before it checkpoints (the lake) keeps it too.
   */
  corruptAggregates?: CorruptAggregates;
  /** The shard's hash key range: an aggregate with a record outside it is dropped whole (shard-range.ts). */
  hashKeyRange?: ShardWordRange;
}

export type ShardEnding = "shard-ended" | "lease-lost" | "shutdown";

export class ShardConsumer {
  private stopRequested = false;
  /** The last record handed to the processor: what `checkpoint()` records. */
  private lastHanded?: { sequenceNumber: string; subSequenceNumber: number };
  readonly done: Promise<ShardEnding>;

  constructor(
    private readonly lease: HeldLease,
    private readonly reader: ShardReader,
    private readonly processor: RecordProcessor,
    private readonly options: ShardConsumerOptions,
    private readonly events: ShardConsumerEvents,
    /** Decodes schema-registry records and where records go that cannot be handed over. */
    private readonly intake: RecordIntake = {},
  ) {
    lease.onLost(() => reader.close());
    this.done = this.run();
  }

  get shardId(): string {
    return this.lease.shardId;
  }

  /** Stops fetching; the batch in hand is finished, then shutdownRequested and release. */
  shutdown(): Promise<ShardEnding> {
    this.stopRequested = true;
    this.reader.close();
    return this.done;
  }

  private async run(): Promise<ShardEnding> {
    const start: Checkpoint = this.lease.lease.checkpoint;
    await this.processor.initialize({ shardId: this.shardId, checkpoint: start });
    while (!this.stopRequested && !this.lease.lost) {
      let batch;
      try {
        batch = await this.reader.read();
      } catch (e) {
        this.events.log("warn", "reading the shard failed; retrying", { shardId: this.shardId, err: String(e) });
        await sleep(this.options.retryBaseMs * 10);
        continue;
      }
      if (this.lease.lost) break;
      if (batch.millisBehindLatest !== undefined) this.events.behind(this.shardId, batch.millisBehindLatest);
      const users = await this.userRecords(batch.records, start);
      const { decoder } = this.intake;
      const records = decoder && users.length > 0 ? await decoder.decode(users) : users;
      if (records.length > 0) await this.process(records, batch.millisBehindLatest);
      else if (batch.millisBehindLatest === 0 && !batch.shardEnded && batch.fetchedAt) {
        // Only a time the reader vouches for: a fan-out event that waited in its connection says nothing of now.
        await this.caughtUp(batch.fetchedAt);
      }
      if (batch.shardEnded && !this.lease.lost) return this.endShard();
    }
    if (this.lease.lost) {
      await this.processor.leaseLost({ shardId: this.shardId });
      return "lease-lost";
    }
    await this.processor.shutdownRequested({ shardId: this.shardId, checkpointer: this.checkpointer() });
    await this.lease.release();
    return "shutdown";
  }

  /** De-aggregates, and drops what the checkpoint says was processed (a restart mid-aggregate). */
  private async userRecords(batch: StreamRecord[], start: Checkpoint): Promise<ConsumerRecord[]> {
    const out: ConsumerRecord[] = [];
    let misplaced = 0;
    for (const r of batch) {
      let users: ConsumerRecord[];
      try {
        users = consumerRecordsOf(this.shardId, r, this.intake.corruptAggregates);
      } catch (e) {
        if (!(e instanceof AggregationError)) throw e;
        // Corrupt, not plain: to the dead letters with its bytes (logged, counted there, kept
        // in the dead-letter file where one is set); it never stops the worker.
        const { deadLetters } = this.intake;
        if (deadLetters) {
          await deadLetters.add({
            shardId: this.shardId,
            sequenceNumber: r.sequenceNumber,
            partitionKey: r.partitionKey,
            reason: `corrupt aggregated record: ${e.message}`,
            data: Buffer.from(r.data).toString("base64"),
          });
        } else {
          this.events.log("error", "skipping a corrupt aggregated record", {
            shardId: this.shardId,
            sequenceNumber: r.sequenceNumber,
            err: e.message,
          });
          this.events.skipped(this.shardId, 1);
        }
        continue;
      }
      const kept = keptByShard(users, this.intake.hashKeyRange);
      misplaced += users.length - kept.length;
      for (const u of kept) {
        if (!isCheckpointed(start, r.sequenceNumber, u.subSequenceNumber ?? 0)) out.push(u);
      }
    }
    if (misplaced > 0) {
      // Aggregates a producer with a stale shard map left here; their records were put again.
      this.events.log("info", "dropped aggregates with records outside the shard's hash key range", {
        shardId: this.shardId,
        records: misplaced,
      });
    }
    return out;
  }

  private async process(records: ConsumerRecord[], millisBehindLatest?: number): Promise<void> {
    const last = records[records.length - 1];
    const handedBefore = this.lastHanded;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      try {
        this.lastHanded = { sequenceNumber: last.sequenceNumber, subSequenceNumber: last.subSequenceNumber ?? 0 };
        await this.processor.processRecords({
          shardId: this.shardId,
          records,
          millisBehindLatest,
          checkpointer: this.checkpointer(),
        });
        this.events.processed(this.shardId, records.length, Date.now() - started);
        return;
      } catch (e) {
        if (e instanceof LeaseLostError || this.lease.lost) return;
        const fields = {
          shardId: this.shardId,
          firstSequenceNumber: records[0].sequenceNumber,
          lastSequenceNumber: last.sequenceNumber,
          records: records.length,
          attempt,
          err: e instanceof Error ? e.message : String(e),
        };
        const max = this.options.processorMaxAttempts;
        if (max > 0 && attempt >= max) {
          this.events.log("error", "processor failed on a batch; skipping it", fields);
          this.events.skipped(this.shardId, records.length);
          return;
        }
        this.events.log("warn", "processor failed on a batch; retrying", fields);
        await sleep(backoffDelay(attempt, { baseMs: this.options.retryBaseMs, maxMs: this.options.retryMaxMs }));
        if (this.stopRequested) {
          // Neither processed nor skipped: the shutdown checkpoint must stop short of it, so
          // the next owner of the shard processes it.
          this.lastHanded = handedBefore;
          return;
        }
      }
    }
  }

  /** Tells a processor that asks for it that a read at the tip had nothing for it; a failure is only logged. */
  private async caughtUp(readAt: Date): Promise<void> {
    if (!this.processor.caughtUp || this.lease.lost || this.stopRequested) return;
    try {
      await this.processor.caughtUp({ shardId: this.shardId, readAt });
    } catch (e) {
      this.events.log("warn", "the processor's caughtUp failed; the next read at the tip calls it again", {
        shardId: this.shardId,
        err: e instanceof Error ? e.message : String(e),
      });
    }
  }

  private checkpointer(): Checkpointer {
    const write = async (cp: Checkpoint) => {
      try {
        await this.lease.checkpoint(cp);
      } catch (e) {
        this.events.checkpointFailed(this.shardId);
        throw e;
      }
    };
    return {
      checkpoint: async () => {
        if (this.lastHanded)
          await write(sequenceCheckpoint(this.lastHanded.sequenceNumber, this.lastHanded.subSequenceNumber));
      },
      checkpointAt: (r) => write(sequenceCheckpoint(r.sequenceNumber, r.subSequenceNumber ?? 0)),
    };
  }

  /** The processor must checkpoint SHARD_END, so the children (which wait for it) may start. */
  private async endShard(): Promise<ShardEnding> {
    for (let attempt = 1; !this.lease.lost; attempt++) {
      try {
        await this.processor.shardEnded({
          shardId: this.shardId,
          checkpointer: { checkpoint: () => this.lease.checkpoint(SHARD_END) },
        });
      } catch (e) {
        if (e instanceof LeaseLostError) break;
        this.events.log("error", "shardEnded failed; retrying", { shardId: this.shardId, attempt, err: String(e) });
      }
      if (this.lease.lease.checkpoint.kind === "SHARD_END") {
        await this.lease.release();
        return "shard-ended";
      }
      if (!this.lease.lost) {
        this.events.log("error", "shardEnded did not checkpoint SHARD_END; the child shards wait until it does", {
          shardId: this.shardId,
          attempt,
        });
        await sleep(backoffDelay(attempt, { baseMs: this.options.retryBaseMs, maxMs: this.options.retryMaxMs }));
      }
    }
    await this.processor.leaseLost({ shardId: this.shardId });
    return "lease-lost";
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
