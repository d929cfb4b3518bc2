/**
 * The lake worker's memory budget: one per worker, shared by the writers of all the shards it
 * leases (main.ts), so that the records their open segments buffer together stay within
 * LAKE_BUFFER_BYTES however many leases the worker takes over. A writer asks it for room
 * before buffering a record; when there is none, the segment memoryDecision names is cut
 * early, by the writer that holds it (only a segment's own writer touches it).
 */
import { BufferedSegment, memoryDecision } from "./memory-cut";

/** A shard's writer as the budget sees it. */
export interface BudgetHolder {
  readonly shardId: string;
  /** Its open segment; undefined when it buffers nothing. */
  buffered(): BufferedSegment | undefined;
  /**
   * Another shard needs room: cut the open segment on this shard's own turn, soon. Asking
   * again before that cut is a no-op (and wakes no one).
   */
  requestMemoryCut(): void;
  /** How many requested cuts failed so far (S3 refused a write, the checkpoint was refused). */
  readonly failedMemoryCuts: number;
}

export class MemoryBudget {
  private readonly holders = new Map<string, BudgetHolder>();
  private wake!: () => void;
  private change!: Promise<void>;
  /** The most the writers held at once (what the tests hold to the budget). */
  peakBytes = 0;

  constructor(readonly budgetBytes: number) {
    this.renew();
  }

  join(holder: BudgetHolder): void {
    this.holders.set(holder.shardId, holder);
  }

  leave(holder: BudgetHolder): void {
    if (this.holders.get(holder.shardId) === holder) this.holders.delete(holder.shardId);
    this.changed();
  }

  /** The open segments of every shard of the worker. */
  segments(): BufferedSegment[] {
    const out: BufferedSegment[] = [];
    for (const h of this.holders.values()) {
      const s = h.buffered();
      if (s) out.push(s);
    }
    return out;
  }

  /** How many shards' writers share the budget now. */
  holderCount(): number {
    return this.holders.size;
  }

  heldBytes(): number {
    return this.segments().reduce((n, s) => n + s.bytes, 0);
  }

  /** After bytes were freed, a cut was requested or one failed: waiting writers look again. */
  changed(): void {
    const wake = this.wake;
    this.renew();
    wake();
  }

  /** Resolves at the next change; take it before acting, so no change is missed. */
  nextChange(): Promise<void> {
    return this.change;
  }

  /**
   * Makes room for `bytes` of `self`'s next record and has it taken (`take`, in the same turn,
   * so no other record is admitted in between; false when `self` has no open segment to take
   * it, having just cut its own): cuts `self`'s own segment (`ownCut.cut`) when it is the one to cut (or another writer asked for it), asks the writer that holds the
   * chosen one otherwise, and waits for the bytes to be freed. Throws when a cut it asked for
   * failed, so the record's batch is retried (with the coordinator's backoff) rather than
   * asking again at once.
   */
  async makeRoom(
    self: BudgetHolder,
    bytes: number,
    ownCut: { requested(): boolean; cut(): Promise<void>; take(): boolean },
  ): Promise<boolean> {
    for (;;) {
      if (ownCut.requested()) {
        await ownCut.cut();
        continue;
      }
      const segments = this.segments();
      const decision = memoryDecision(segments, bytes, this.budgetBytes);
      if (decision.kind === "admit") {
        // What the segments hold once it is taken, from the one look at them per record.
        if (!ownCut.take()) return false;
        this.peakBytes = Math.max(this.peakBytes, segments.reduce((n, s) => n + s.bytes, 0) + bytes);
        return true;
      }
      if (decision.kind === "cut" && decision.shardId === self.shardId) {
        await ownCut.cut();
        continue;
      }
      if (decision.kind === "cut") {
        const holder = this.holders.get(decision.shardId)!;
        const failures = holder.failedMemoryCuts;
        holder.requestMemoryCut();
        // Taken after the request (which wakes the holder if it waits here too): the next change
        // is the holder's cut, or another's bytes freed.
        await this.nextChange();
        if (holder.failedMemoryCuts > failures) {
          throw new Error(`cutting shard ${holder.shardId}'s segment to stay within the lake's memory budget failed`);
        }
        continue;
      }
      await this.nextChange();
    }
  }

  private renew(): void {
    this.change = new Promise((resolve) => (this.wake = resolve));
  }
}
