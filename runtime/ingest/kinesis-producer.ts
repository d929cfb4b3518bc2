/**
 * The producer: takes user records, aggregates them per destination shard, batches
 * aggregates into PutRecords calls, retries what Kinesis did not take, and settles each
 * record's promise only once Kinesis has stored it (or its time to live has run out).
 *
 * Memory is bounded by the pending limit: a record over it is refused at once
 * (BackpressureError) instead of being queued.
 */
import { UserRecord } from "../stream/aggregation";
import { routingKey } from "../stream/hash-key";
import { routingWordsInto } from "../stream/routing-key";
import { recordBytes } from "../stream/limits";
import { ShardMap, ShardRange } from "../stream/shard-map";
import { backoffDelay } from "./backoff";
import { BackpressureError, ProducerClosedError, RecordExpiredError, RecordRefusedError } from "./errors";
import { KinesisPort, PutResult } from "./kinesis-port";
import { Ack, Entry, Pending, ShardBuffers } from "./shard-buffers";

/**
 * Errors no retry can cure (a missing stream, missing permissions, a disabled key, a bad
 * request): the records fail at once instead of waiting out their time to live.
 */
export const NON_RETRYABLE_ERRORS: ReadonlySet<string> = new Set([
  "AccessDeniedException",
  "ResourceNotFoundException",
  "InvalidArgumentException",
  "ValidationException",
  "UnrecognizedClientException",
  "KMSAccessDeniedException",
  "KMSDisabledException",
  "KMSNotFoundException",
  "KMSInvalidStateException",
  "KMSOptInRequired",
]);

export interface ProducerOptions {
  aggregation: boolean;
  aggregationMaxSize: number;
  recordMaxBufferedTimeMs: number;
  collectionMaxCount: number;
  collectionMaxSize: number;
  recordTtlMs: number;
  maxConnections: number;
  pendingLimitRecords: number;
  pendingLimitBytes: number;
  shardMapRefreshMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** Counters a metrics reporter reads and resets; see metrics.ts. */
export interface ProducerStats {
  userRecordsAccepted: number;
  userRecordsAcknowledged: number;
  kinesisRecordsPut: number;
  putRecordsCalls: number;
  retries: number;
  wrongShard: number;
  expired: number;
  /** Acceptance to acknowledgement of the records acknowledged since the last reset, in ms. */
  bufferedMsSum: number;
  bufferedMsMax: number;
}

export function emptyStats(): ProducerStats {
  return {
    userRecordsAccepted: 0,
    userRecordsAcknowledged: 0,
    kinesisRecordsPut: 0,
    putRecordsCalls: 0,
    retries: 0,
    wrongShard: 0,
    expired: 0,
    bufferedMsSum: 0,
    bufferedMsMax: 0,
  };
}

export class KinesisProducer {
  private counters = emptyStats();
  private readonly buffers: ShardBuffers;
  private shardMap?: ShardMap;
  private refreshing?: Promise<void>;
  /** Records that wait for a shard map that covers their hash key. */
  private unrouted: Pending[] = [];
  /** Sealed entries that wait for a PutRecords call. */
  private ready: Entry[] = [];
  private readyBytes = 0;
  private inFlight = 0;
  private pendingRecords = 0;
  private pendingBytes = 0;
  private flushTimer?: NodeJS.Timeout;
  /** Set when buffered records are due: send everything, not only full batches. */
  private flushDue = false;
  /** Records waiting out a backoff before they are sent again. */
  private readonly retrying = new Map<NodeJS.Timeout, Pending>();
  /** Batches inside a PutRecords call: a shutdown that gives up must fail their records too. */
  private readonly flying = new Set<Entry[]>();
  private refreshTimer?: NodeJS.Timeout;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  /** The routing words of the record being routed (one at a time, synchronously). */
  private readonly routingWords = new Uint32Array(4);

  constructor(
    private readonly port: KinesisPort,
    private readonly options: ProducerOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.buffers = new ShardBuffers(options);
  }

  /** Loads the shard map and starts the periodic refresh. */
  async start(): Promise<void> {
    await this.refreshShardMap();
    this.refreshTimer = setInterval(
      () => void this.refreshShardMap().catch(() => undefined),
      this.options.shardMapRefreshMs,
    );
    this.refreshTimer.unref();
  }

  /** Counters since the last `takeStats()`. */
  get stats(): Readonly<ProducerStats> {
    return this.counters;
  }

  /** Returns the counters and starts new ones: a metrics reporter calls this each interval. */
  takeStats(): ProducerStats {
    const taken = this.counters;
    this.counters = emptyStats();
    return taken;
  }

  get pending(): { records: number; bytes: number } {
    return { records: this.pendingRecords, bytes: this.pendingBytes };
  }

  /**
   * Takes a user record. Throws at once when the producer is closed or the pending limit
   * is reached; otherwise resolves once Kinesis has stored the record.
   */
  put(record: UserRecord): Promise<Ack> {
    if (this.closed) throw new ProducerClosedError();
    const bytes = recordBytes(record.partitionKey, record.data);
    this.reserve(1, bytes);
    return this.accept(record, bytes);
  }

  /** Takes several records all or nothing: either every one is accepted or none is. */
  putAll(records: UserRecord[]): Promise<Ack>[] {
    if (this.closed) throw new ProducerClosedError();
    const sizes = records.map((r) => recordBytes(r.partitionKey, r.data));
    this.reserve(
      records.length,
      sizes.reduce((n, b) => n + b, 0),
    );
    return records.map((r, i) => this.accept(r, sizes[i]));
  }

  /** Sends everything buffered now and resolves when nothing is pending. */
  flush(): Promise<void> {
    this.sealAndSend();
    return this.idle();
  }

  /**
   * Stops taking records, sends everything, and resolves when all accepted records are
   * written or `timeoutMs` has passed (then what is left is rejected, and counted).
   */
  async close(timeoutMs: number): Promise<{ unsent: number }> {
    this.closed = true;
    clearInterval(this.refreshTimer);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    const outcome = await Promise.race([this.flush().then(() => "idle" as const), timedOut]);
    clearTimeout(timer);
    const unsent = outcome === "timeout" ? this.pendingRecords : 0;
    if (unsent > 0) this.abandonAll(new Error(`shutdown: not written within the ${timeoutMs} ms drain timeout`));
    return { unsent };
  }

  private reserve(records: number, bytes: number): void {
    if (this.pendingRecords + records > this.options.pendingLimitRecords) {
      throw new BackpressureError("records", this.pendingRecords, this.options.pendingLimitRecords);
    }
    if (this.pendingBytes + bytes > this.options.pendingLimitBytes) {
      throw new BackpressureError("bytes", this.pendingBytes, this.options.pendingLimitBytes);
    }
  }

  private accept(record: UserRecord, bytes: number): Promise<Ack> {
    return new Promise<Ack>((resolve, reject) => this.enter(record, bytes, resolve, reject));
  }

  /**
   * Takes a record whose outcome only matters when it fails (the ingest API's buffered mode,
   * which has answered already): no promise per record on that hot path.
   */
  putDetached(record: UserRecord, onFailure: (error: Error) => void): void {
    if (this.closed) throw new ProducerClosedError();
    const bytes = recordBytes(record.partitionKey, record.data);
    this.reserve(1, bytes);
    this.enter(record, bytes, undefined, onFailure);
  }

  /** `onStored` unset: nobody waits for the acknowledgement, so none is built. */
  private enter(
    record: UserRecord,
    bytes: number,
    onStored: ((ack: Ack) => void) | undefined,
    onFailed: (error: Error) => void,
  ): void {
    const acceptedAt = this.now();
    const p: Pending = {
      record,
      bytes,
      acceptedAt,
      deadline: acceptedAt + this.options.recordTtlMs,
      retries: 0,
      settled: false,
      onStored,
      onFailed,
    };
    this.pendingRecords++;
    this.pendingBytes += bytes;
    this.counters.userRecordsAccepted++;
    this.route(p);
  }

  /** False when `p` was settled already (given up on by a shutdown before its call answered). */
  private settle(p: Pending): boolean {
    if (p.settled) return false;
    p.settled = true;
    this.pendingRecords--;
    this.pendingBytes -= p.bytes;
    return true;
  }

  /** Fails a record: its time to live ran out, Kinesis refused it, or a shutdown gave up. */
  private fail(p: Pending, error: Error): void {
    if (!this.settle(p)) return;
    p.onFailed(error);
    this.wakeIfIdle();
  }

  private wakeIfIdle(): void {
    if (this.pendingRecords === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  private idle(): Promise<void> {
    return this.pendingRecords === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Puts a record into the aggregate of the shard it maps to, or parks it until the map covers it. */
  private route(p: Pending): void {
    // Computed again on each routing rather than kept: a pending record holds no more than it must,
    // which keeps large aggregates' records cheap to hold (CPU per record: bench/aggregation-cpu.ts).
    let shard: ShardRange | undefined;
    if (this.shardMap) {
      routingWordsInto(p.record, this.routingWords);
      shard = this.shardMap.shardForWords(this.routingWords);
    }
    if (!shard) {
      this.unrouted.push(p);
      void this.refreshShardMap().catch(() => this.retryUnroutedLater());
      return;
    }
    for (const entry of this.buffers.add(p, shard.shardId, this.routingWords)) this.enqueue(entry);
    this.scheduleFlush();
  }

  private enqueue(entry: Entry): void {
    this.ready.push(entry);
    this.readyBytes += entry.bytes;
    this.send();
  }

  /** RecordMaxBufferedTime: whatever is buffered goes out at most this long after it came. */
  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.sealAndSend();
    }, this.options.recordMaxBufferedTimeMs);
  }

  private sealAndSend(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const waiting = [...this.ready, ...this.buffers.sealAll()];
    this.ready = [];
    this.readyBytes = 0;
    const expired = this.now();
    for (const entry of waiting) {
      if (entry.records.every((p) => p.deadline > expired)) {
        this.ready.push(entry);
        this.readyBytes += entry.bytes;
        continue;
      }
      // Waited out its time to live for a free connection (a slow stream): fail the expired
      // records rather than acknowledge them late, and aggregate the others afresh.
      for (const p of entry.records) {
        if (p.deadline <= expired) this.expire(p);
        else this.route(p);
      }
    }
    this.flushDue = true;
    this.send();
  }

  /** Starts PutRecords calls while connections are free: full batches always, the rest when due. */
  private send(): void {
    while (this.ready.length > 0 && this.inFlight < this.options.maxConnections) {
      const full =
        this.ready.length >= this.options.collectionMaxCount || this.readyBytes >= this.options.collectionMaxSize;
      if (!full && !this.flushDue) return;
      void this.putBatch(this.takeBatch());
    }
    if (this.ready.length === 0) this.flushDue = false;
  }

  private takeBatch(): Entry[] {
    const batch: Entry[] = [];
    let bytes = 0;
    while (
      this.ready.length > 0 &&
      batch.length < this.options.collectionMaxCount &&
      bytes + this.ready[0].bytes <= this.options.collectionMaxSize
    ) {
      const entry = this.ready.shift()!;
      bytes += entry.bytes;
      batch.push(entry);
    }
    this.readyBytes -= bytes;
    return batch;
  }

  private async putBatch(batch: Entry[]): Promise<void> {
    this.inFlight++;
    this.flying.add(batch);
    this.counters.putRecordsCalls++;
    let results: PutResult[] | undefined;
    let callError: string | undefined;
    try {
      results = await this.port.putRecords(batch.map((e) => e.put));
      if (results.length !== batch.length)
        throw new Error(`PutRecords answered ${results.length} of ${batch.length} records`);
    } catch (e) {
      callError = (e as Error).name && (e as Error).name !== "Error" ? (e as Error).name : (e as Error).message;
      results = undefined;
    }
    this.inFlight--;
    // Given up on by a shutdown while the call hung: its records were failed (and may be in
    // the stream all the same: at least once, as for any 503 the client retries).
    if (!this.flying.delete(batch)) return;
    if (!results) {
      batch.forEach((entry) => this.retry(entry.records, callError!));
    } else {
      await Promise.all(batch.map((entry, i) => this.settleEntry(entry, results![i])));
    }
    this.send();
  }

  private async settleEntry(entry: Entry, result: PutResult): Promise<void> {
    if (!result.ok) {
      this.retry(entry.records, result.errorCode);
      return;
    }
    this.counters.kinesisRecordsPut++;
    const aggregated = entry.records.length > 1;
    if (aggregated && result.shardId !== entry.shardId) {
      await this.settleWrongShard(entry, result);
      return;
    }
    const records = entry.records;
    for (let i = 0; i < records.length; i++) {
      this.acknowledge(records[i], result.shardId, result.sequenceNumber, aggregated ? i : undefined);
    }
  }

  /**
   * The stream was resharded since the map was read: the aggregate landed on another shard
   * than planned. If that shard holds every sub-record's hash key, the aggregate is where a
   * reader expects it: all are acknowledged there. Otherwise readers discard the whole
   * aggregate (KCL 2.x's AggregatorUtil.deaggregate drops every record of an aggregate with one
   * out of its shard's range, and so does our consumer, runtime/processing/shard-range.ts), so
   * none of it is stored: every sub-record is sent again under a fresh map.
   */
  private async settleWrongShard(entry: Entry, result: { shardId: string; sequenceNumber: string }): Promise<void> {
    try {
      await this.refreshShardMap();
    } catch {
      this.retry(entry.records, "ShardMapRefreshFailed");
      return;
    }
    if (entry.records.every((p) => this.shardMap!.holds(result.shardId, routingKey(p.record)))) {
      entry.records.forEach((p, i) => this.acknowledge(p, result.shardId, result.sequenceNumber, i));
      return;
    }
    this.counters.wrongShard += entry.records.length;
    this.retry(entry.records, "WrongShard");
  }

  /** The Ack object is built only for a record someone waits for (not a detached one). */
  private acknowledge(p: Pending, shardId: string, sequenceNumber: string, subSequenceNumber?: number): void {
    if (!this.settle(p)) return;
    const waited = this.now() - p.acceptedAt;
    this.counters.userRecordsAcknowledged++;
    this.counters.bufferedMsSum += waited;
    this.counters.bufferedMsMax = Math.max(this.counters.bufferedMsMax, waited);
    if (p.onStored) {
      p.onStored(
        subSequenceNumber === undefined ? { shardId, sequenceNumber } : { shardId, sequenceNumber, subSequenceNumber },
      );
    }
    this.wakeIfIdle();
  }

  /** Sends records again after a backoff, unless their time to live is over. */
  private retry(records: Pending[], reason: string): void {
    if (NON_RETRYABLE_ERRORS.has(reason)) {
      this.counters.expired += records.length;
      records.forEach((p) => this.fail(p, new RecordRefusedError(reason)));
      return;
    }
    for (const p of records) {
      p.retries++;
      p.lastError = reason;
      this.counters.retries++;
      const delay = backoffDelay(p.retries, { baseMs: this.options.retryBaseMs, maxMs: this.options.retryMaxMs });
      if (this.now() + delay >= p.deadline) {
        this.expire(p);
        continue;
      }
      const timer = setTimeout(() => {
        this.retrying.delete(timer);
        this.route(p);
        this.sealAndSendIfClosing();
      }, delay);
      this.retrying.set(timer, p);
    }
  }

  /** While draining, retried records must not wait for the buffered-time timer. */
  private sealAndSendIfClosing(): void {
    if (this.closed) this.sealAndSend();
  }

  private expire(p: Pending): void {
    p.lastError ??= "waited for a free PutRecords call (the stream is slower than the load)";
    this.counters.expired++;
    this.fail(p, new RecordExpiredError(this.options.recordTtlMs, p.lastError ?? "none"));
  }

  private refreshShardMap(): Promise<void> {
    this.refreshing ??= this.port
      .shardMap()
      .then((map) => {
        this.shardMap = map;
        const parked = this.unrouted;
        this.unrouted = [];
        parked.forEach((p) => this.route(p));
        this.sealAndSendIfClosing();
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /** ListShards failed: try again later, and give up on parked records whose time is up. */
  private retryUnroutedLater(): void {
    const parked = this.unrouted;
    this.unrouted = [];
    this.retry(parked, "ListShardsFailed");
  }

  private abandonAll(error: Error): void {
    this.retrying.forEach((_, t) => clearTimeout(t));
    const stranded = [
      ...this.retrying.values(),
      ...this.unrouted,
      ...this.ready.flatMap((e) => e.records),
      ...this.buffers.sealAll().flatMap((e) => e.records),
      // A call that has not answered by now (a hung connection) must not hold the drain.
      ...[...this.flying].flatMap((batch) => batch.flatMap((e) => e.records)),
    ];
    this.flying.clear();
    this.retrying.clear();
    this.unrouted = [];
    this.ready = [];
    this.readyBytes = 0;
    stranded.forEach((p) => this.fail(p, error));
  }
}
