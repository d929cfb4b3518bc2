/**
 * The lake writer: a record processor (one per shard lease) on the processing runtime. It
 * buffers a shard's records as one open segment, cuts the segment by size or age (or at the
 * shard's end, on shutdown, or early when the worker's memory budget needs room), claims
 * it, writes one object per table, schema version, tenant and hour in it, and only then
 * checkpoints at the segment's last record. Why this puts every record in the lake once:
 * EXACTLY-ONCE.md. After stored segments and reads at the tip it publishes the shard's
 * progress (progress-rule.ts) for the compactor.
 */
import { Checkpointer, ConsumerRecord, RecordProcessor, RecordProcessorFactory } from "../processing/record-processor";
import { LakeItem, lakeItemOf, Row, SchemaLookup } from "./lake-rows";
import { LakeStore } from "./lake-store";
import { deadLetterObjectKey, progressKey, SegmentName, tableObjectKey } from "./object-keys";
import { parquetObject } from "./parquet-object";
import { comparePosition, Position, positionOf } from "./position";
import { rollDecision, RollSettings } from "./roll-policy";
import { SegmentClaims } from "./segment-claims";
import { Column } from "./columns";
import { BudgetHolder, MemoryBudget } from "./memory-budget";
import { BufferedSegment, HELD_BYTES_PER_ROW, heldBytesOf } from "./memory-cut";
import { progressBody } from "./progress";
import { ProgressEvent, progressToPublish, PublishedProgress, storedBeforeAfter } from "./progress-rule";
import { LAKE_DEFAULTS } from "./contract";

/**
 * Why a segment ends where it does: this writer cut it by size or age (roll-policy.ts), for
 * the worker's memory budget (memory-cut.ts), at the shard's end or on shutdown; or a claim
 * that was standing already ended it (another writer's cut, or this lease's earlier owner's).
 */
export type SegmentCause = "size" | "age" | "memory" | "shard-end" | "shutdown" | "claim";

/** What one stored segment added to the lake (for the logs, the metrics and the page). */
export interface SegmentWritten {
  shardId: string;
  first: Position;
  last: Position;
  cause: SegmentCause;
  /** Objects this writer stored, and those another writer had stored already. */
  written: { key: string; tenant: string; rows: number; bytes: number }[];
  existing: number;
}

export interface LakeWriterOptions {
  store: LakeStore;
  schemas: SchemaLookup;
  roll: RollSettings;
  /** How often an open segment's age is looked at (the roll by age between batches). */
  ageCheckMs: number;
  /**
   * The worker's memory budget, one shared by the writers of all its shards (main.ts); without
   * one, only each segment's roll size bounds what a shard buffers.
   */
  budget?: MemoryBudget;
  onSegment?(written: SegmentWritten): void;
  /** When the shard's oldest record read and not yet stored reached the stream; undefined once all are stored. */
  onUnstored?(shardId: string, arrival: Date | undefined): void;
  /** The shard's progress is published at most this often (LAKE_DEFAULTS.progressIntervalMs unless set). */
  progressIntervalMs?: number;
  /** The writer's clock (tests set it). */
  now?(): number;
  log?(level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown>): void;
}

interface OpenSegment {
  name: SegmentName;
  /** Where it ends, once a claim says so (ours or another writer's). */
  claimedLast?: Position;
  /** Why this writer cut it, when the standing claim ends where this writer cut. */
  cutFor?: SegmentCause;
  items: LakeItem[];
  /** Record data: what the roll size counts. */
  bytes: number;
  openedAt: number;
}

export class ShardLakeWriter implements RecordProcessor, BudgetHolder {
  private open?: OpenSegment;
  /** A cut or a store of the open segment is in flight: its bytes are about to be freed. */
  private storing = false;
  /** Another shard's writer asked for the open segment to be cut (the memory budget). */
  private memoryCutRequested = false;
  failedMemoryCuts = 0;
  /** Another worker holds the lease: nothing more is buffered. */
  private lost = false;
  /** The last record buffered: a retried batch hands the same records again. */
  private lastBuffered?: Position;
  private checkpointer?: Checkpointer;
  /** One thing at a time per shard: a batch, an age cut, the end. */
  private chain: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly claims: SegmentClaims;
  /** The shard's progress: W as known (progress-rule.ts), what was published, whether the shard ended. */
  private storedBefore?: number;
  private published?: PublishedProgress;
  private ended = false;

  constructor(
    readonly shardId: string,
    private readonly options: LakeWriterOptions,
  ) {
    this.claims = new SegmentClaims(options.store);
    options.budget?.join(this);
  }

  buffered(): BufferedSegment | undefined {
    const open = this.open;
    if (!open) return undefined;
    const state = this.storing ? "storing" : open.claimedLast ? "claimed" : "open";
    // What its items hold in memory, as the budget counts each (heldBytesOf): data and a row's objects.
    return { shardId: this.shardId, bytes: open.bytes + HELD_BYTES_PER_ROW * open.items.length, state };
  }

  requestMemoryCut(): void {
    if (this.memoryCutRequested) return;
    this.memoryCutRequested = true;
    this.options.budget?.changed();
    // On this shard's own turn, unless a batch of its own serves it first (makeRoom).
    void this.serially(() => this.cutForMemory()).catch((e) => {
      this.failedMemoryCuts++;
      this.options.budget?.changed();
      this.options.log?.("warn", "cutting a segment for the memory budget failed; the shard that asked retries", {
        shardId: this.shardId,
        err: String(e),
      });
    });
  }

  initialize(): void {
    this.timer = setInterval(() => {
      if (this.stopped) return;
      void this.serially(async () => {
        await this.cutIfDue();
        // A W learnt within the last interval is published once the interval has passed.
        await this.publishProgress();
      }).catch((e) =>
        this.options.log?.("warn", "cutting an aged segment failed; next check retries", {
          shardId: this.shardId,
          err: String(e),
        }),
      );
    }, this.options.ageCheckMs);
    this.timer.unref();
  }

  processRecords(input: { records: ConsumerRecord[]; checkpointer: Checkpointer }): Promise<void> {
    return this.serially(async () => {
      this.checkpointer = input.checkpointer;
      const fresh = input.records.filter(
        (r) => this.lastBuffered === undefined || comparePosition(positionOf(r), this.lastBuffered) > 0,
      );
      // Before decoding: a batch retried for ever (an unknown schema version) counts as unstored.
      const oldest = fresh[0]?.approximateArrivalTimestamp;
      if (!this.open && oldest) this.options.onUnstored?.(this.shardId, oldest);
      // Every record is decided before any is buffered: an unknown schema version fails the
      // whole batch, which is then handed again from its start.
      const items: LakeItem[] = [];
      for (const r of fresh) items.push(await lakeItemOf(r, this.options.schemas));
      for (const item of items) await this.add(item);
      await this.settle();
    });
  }

  /** A read at the tip had nothing to process: with no segment open, everything read before `readAt` is stored. */
  caughtUp(input: { readAt: Date }): Promise<void> {
    return this.serially(async () => {
      if (this.lost || this.stopped) return;
      this.learn({ kind: "caught-up", readAt: input.readAt.getTime(), segmentOpen: this.open !== undefined });
      await this.publishProgress();
    });
  }

  /**
   * A cut in flight (an age check's, one for the memory budget) finishes first: its objects are
   * the segment's whoever stores them, and its checkpoint is refused. Only then is the open
   * segment dropped, so the cut never finds its segment gone.
   */
  async leaseLost(): Promise<void> {
    this.lost = true;
    this.stop();
    await this.serially(async () => {
      this.open = undefined;
      this.options.budget?.leave(this);
      this.reportUnstored();
    });
  }

  async shardEnded(input: { checkpointer: { checkpoint(): Promise<void> } }): Promise<void> {
    await this.serially(async () => {
      while (this.open) await this.cut("shard-end");
      this.stop();
      await input.checkpointer.checkpoint();
      // The shard is done: its writer holds nothing from now on.
      this.options.budget?.leave(this);
      this.ended = true;
      await this.publishEnd();
    });
  }

  async shutdownRequested(input: { checkpointer: Checkpointer }): Promise<void> {
    await this.serially(async () => {
      this.checkpointer = input.checkpointer;
      this.stop();
      // A segment whose claim ends beyond what was read is left to the lease's next owner.
      while (this.open && !this.open.claimedLast) await this.cut("shutdown");
      this.options.budget?.leave(this);
      await this.publishProgress();
    });
  }

  private stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async add(item: LakeItem): Promise<void> {
    for (;;) {
      if (this.lost) return;
      if (!this.open) {
        const name = { shardId: this.shardId, first: item.position };
        this.open = {
          name,
          claimedLast: await this.claims.read(name),
          items: [],
          bytes: 0,
          openedAt: Date.now(),
        };
      }
      const budget = this.options.budget;
      if (!budget) {
        this.take(item);
        break;
      }
      try {
        const taken = await budget.makeRoom(this, heldBytesOf(item), {
          requested: () => this.memoryCutRequested,
          cut: () => this.cutForMemory(),
          // In the same turn as the budget's yes: no other shard's record comes in between.
          take: () => this.take(item),
        });
        if (taken) break;
      } catch (e) {
        // A segment opened for this record and never given it is no segment.
        if (this.open?.items.length === 0) this.open = undefined;
        throw e;
      }
      // Its own segment was cut for room: open the next one and ask again.
    }
    if (this.open?.claimedLast && comparePosition(item.position, this.open.claimedLast) >= 0) await this.store();
  }

  /** Buffers the record in the open segment; false when there is none (it was just cut). */
  private take(item: LakeItem): boolean {
    const open = this.open;
    if (!open || this.lost) return false;
    open.items.push(item);
    open.bytes += item.bytes;
    this.lastBuffered = item.position;
    return true;
  }

  /** After a batch: store a segment whose claimed end was reached (a retry), or cut one that is due. */
  private async settle(): Promise<void> {
    const open = this.open;
    if (!open) return;
    if (open.claimedLast) {
      const last = open.items[open.items.length - 1].position;
      if (comparePosition(last, open.claimedLast) >= 0) await this.store();
      return;
    }
    const decision = rollDecision(
      { records: open.items.length, bytes: open.bytes, openedAt: open.openedAt },
      this.options.roll,
      Date.now(),
    );
    if (decision !== "keep") await this.cut(decision);
  }

  private async cutIfDue(): Promise<void> {
    const open = this.open;
    if (!open || open.claimedLast || !this.checkpointer) return;
    if (
      rollDecision(
        { records: open.items.length, bytes: open.bytes, openedAt: open.openedAt },
        this.options.roll,
        Date.now(),
      ) === "age"
    ) {
      await this.cut("age");
    }
  }

  /** Cuts the open segment early, for the memory budget, when its end is still this writer's to choose. */
  private async cutForMemory(): Promise<void> {
    this.memoryCutRequested = false;
    if (this.lost || !this.open || this.open.items.length === 0 || this.open.claimedLast || this.storing) return;
    await this.cut("memory");
  }

  /** Claims the open segment up to its last record and stores what the standing claim covers. */
  private async cut(cause: SegmentCause): Promise<void> {
    const open = this.open!;
    if (open.claimedLast) throw new Error(`segment ${JSON.stringify(open.name)} is claimed beyond the records read`);
    // Opened for a record that never came in (its batch failed while waiting for room): nothing to cut.
    if (open.items.length === 0) {
      this.open = undefined;
      return;
    }
    const last = open.items[open.items.length - 1].position;
    const rest = await this.whileStoring(async () => {
      const standing = await this.claims.claim(open.name, last);
      open.claimedLast = standing;
      if (comparePosition(standing, last) === 0) open.cutFor = cause;
      // Another writer cut it later: read on to its end. Earlier: store its segment (the rest
      // of what was read opens the next one).
      return comparePosition(standing, last) <= 0 ? this.storeObjects(open) : undefined;
    });
    if (rest) await this.reopen(rest);
  }

  /** Marks the open segment as being stored (its bytes about to be freed); waiting writers look again after. */
  private async whileStoring<T>(task: () => Promise<T>): Promise<T> {
    this.storing = true;
    try {
      return await task();
    } finally {
      this.storing = false;
      this.options.budget?.changed();
    }
  }

  /**
   * Writes the open segment's objects, then checkpoints at its end. Only records up to the
   * claimed end go in: an object holds what its key names and nothing else, whatever was read
   * beyond it (those open the next segment).
   */
  private async store(): Promise<void> {
    const open = this.open!;
    await this.reopen(await this.whileStoring(() => this.storeObjects(open)));
  }

  /** After a stored segment: what was read beyond its end opens the next one. */
  private async reopen(rest: LakeItem[]): Promise<void> {
    for (const item of rest) await this.add(item);
    this.reportUnstored();
    await this.publishProgress();
  }

  /** The segment's objects, its checkpoint; returns the records read beyond its end. */
  private async storeObjects(open: OpenSegment): Promise<LakeItem[]> {
    const last = open.claimedLast!;
    const segment = open.name;
    const inside = open.items.filter((i) => comparePosition(i.position, last) <= 0);
    const rest = open.items.filter((i) => comparePosition(i.position, last) > 0);
    const groups = new Map<string, { tenant: string; columns?: readonly Column[]; rows: Row[]; letters: string[] }>();
    for (const item of inside) {
      const key =
        item.kind === "row"
          ? tableObjectKey(item.table, item.tenant, item.time, segment, item.version)
          : deadLetterObjectKey(item.tenant, item.time, segment);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { tenant: item.tenant, rows: [], letters: [] }));
      if (item.kind === "row") {
        group.columns = item.columns;
        group.rows.push(item.row);
      } else {
        group.letters.push(JSON.stringify({ tenant: item.tenant, ...item.letter }));
      }
    }
    const written: SegmentWritten["written"] = [];
    let existing = 0;
    for (const [key, group] of groups) {
      const body = group.columns
        ? parquetObject(group.columns, group.rows)
        : Buffer.from(`${group.letters.join("\n")}\n`);
      const outcome = await this.options.store.putIfAbsent(
        key,
        body,
        group.columns ? "application/vnd.apache.parquet" : "application/x-ndjson",
      );
      if (outcome === "exists") existing++;
      else
        written.push({ key, tenant: group.tenant, rows: group.rows.length + group.letters.length, bytes: body.length });
    }
    await this.checkpointer!.checkpointAt(last);
    this.open = undefined;
    // Stored and checkpointed: every record before the first one read beyond it is in the lake.
    if (inside.length > 0) {
      this.learn({
        kind: "segment-stored",
        lastArrival: inside[inside.length - 1].arrival.getTime(),
        nextArrival: rest[0]?.arrival.getTime(),
      });
    }
    const cause = open.cutFor ?? "claim";
    this.options.onSegment?.({ shardId: this.shardId, first: segment.first, last, cause, written, existing });
    return rest;
  }

  private learn(event: ProgressEvent): void {
    this.storedBefore = storedBeforeAfter(this.storedBefore, event);
  }

  /**
   * Writes the shard's progress when progressToPublish says so. A failed write is logged and
   * tried again at the next stored segment, read at the tip or age check: the object it would
   * have replaced says less, and stays true.
   */
  private async publishProgress(): Promise<boolean> {
    const now = (this.options.now ?? Date.now)();
    const progress = progressToPublish(
      {
        shardId: this.shardId,
        known: this.storedBefore,
        shardEnded: this.ended,
        leaseLost: this.lost,
        published: this.published,
      },
      now,
      this.options.progressIntervalMs ?? LAKE_DEFAULTS.progressIntervalMs,
    );
    if (!progress) return true;
    try {
      await this.options.store.put(progressKey(this.shardId), Buffer.from(progressBody(progress)), "application/json");
    } catch (e) {
      this.options.log?.("warn", "publishing the shard's progress failed; it is tried again", {
        shardId: this.shardId,
        err: String(e),
      });
      return false;
    }
    this.published = { storedBefore: this.storedBefore, shardEnded: progress.shardEnded, at: now };
    return true;
  }

  /** The shard's last progress (ended): nobody writes it after this lease, so a failed write is tried again. */
  private async publishEnd(): Promise<void> {
    for (let attempt = 1; attempt <= LAKE_DEFAULTS.progressEndAttempts; attempt++) {
      if (await this.publishProgress()) return;
      if (attempt < LAKE_DEFAULTS.progressEndAttempts) await new Promise((r) => setTimeout(r, 200 * attempt));
    }
    this.options.log?.("error", "the ended shard's progress is not published; the compactor waits on it", {
      shardId: this.shardId,
    });
  }

  /** Tells the metrics when the open segment's first record reached the stream (none open: nothing unstored). */
  private reportUnstored(): void {
    this.options.onUnstored?.(this.shardId, this.open?.items[0].arrival);
  }
}

export function lakeWriterFactory(options: LakeWriterOptions): RecordProcessorFactory {
  return (shardId) => new ShardLakeWriter(shardId, options);
}
