/**
 * The worker's scheduler, as the KCL's: keeps the lease table in step with the stream's
 * shards, renews the leases it holds, takes and steals leases (see lease-taker.ts), and
 * runs one ShardConsumer per held lease whose parent shards are finished, so records of
 * one partition key are processed in order across a reshard. The protocol is written out
 * in leases/LEASES.md.
 */
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { listAllShards } from "../stream/shard-fetcher";
import { HeldLease } from "./leases/held-lease";
import { Checkpoint, Lease, TRIM_HORIZON } from "./leases/lease";
import { LeaseTable } from "./leases/lease-table";
import { observe, planTakes, Sighting } from "./leases/lease-taker";
import { RecordProcessorFactory } from "./record-processor";
import { ShardReader } from "./retrieval/shard-reader";
import { RecordIntake, ShardConsumer, ShardConsumerEvents, ShardConsumerOptions } from "./shard-consumer";
import { ShardWordRange, wordRange } from "./shard-range";

export interface CoordinatorOptions extends ShardConsumerOptions {
  workerId: string;
  streamName: string;
  /** A lease whose counter stands still this long is taken over. */
  failoverMs: number;
  /** Where a shard without parents starts before its first checkpoint. */
  initialPosition: Checkpoint;
  shardSyncIntervalMs: number;
}

export interface CoordinatorEvents extends ShardConsumerEvents {
  leasesHeld(count: number): void;
  leaseTaken(shardId: string, stolen: boolean): void;
}

export type ReaderFactory = (shardId: string, start: Checkpoint) => ShardReader;

export class Coordinator {
  private sightings = new Map<string, Sighting>();
  private readonly held = new Map<string, HeldLease>();
  private readonly consumers = new Map<string, ShardConsumer>();
  /** Hash key ranges of the listed shards (ListShards), by shard id. */
  private readonly hashRanges = new Map<string, ShardWordRange>();
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;
  /** Lease scans (take, sync), one at a time: both read the table and change what is held. */
  private cycle: Promise<void> = Promise.resolve();
  /** Renewals, apart from the scans: a slow Scan must not delay the renewal that keeps a lease. */
  private renewing: Promise<void> = Promise.resolve();

  constructor(
    private readonly kinesis: KinesisClient,
    private readonly table: LeaseTable,
    private readonly readers: ReaderFactory,
    private readonly processors: RecordProcessorFactory,
    private readonly options: CoordinatorOptions,
    private readonly events: CoordinatorEvents,
    private readonly intake: RecordIntake = {},
  ) {}

  /** Owners renew at a third of the failover time, so a live lease never looks expired. */
  get renewIntervalMs(): number {
    return Math.max(100, Math.floor(this.options.failoverMs / 3));
  }

  /**
   * Take cycles run at a sixth: a peer sees a dead owner's last renewal at most one cycle
   * late and takes the lease at most one cycle after it expires, so the shards of a worker
   * that dies move within the failover time plus one renewal period (LEASES.md).
   */
  get takeIntervalMs(): number {
    return Math.max(100, Math.floor(this.options.failoverMs / 6));
  }

  async start(): Promise<void> {
    await this.syncShards();
    await this.takeLeases();
    this.every(this.renewIntervalMs, "renewing", () => this.renewLeases());
    this.every(this.takeIntervalMs, "cycle", () => this.takeLeases());
    this.every(this.options.shardSyncIntervalMs, "cycle", () => this.syncShards());
  }

  /** Shards this worker holds now. */
  heldShards(): string[] {
    return [...this.held.keys()].sort();
  }

  /**
   * Stops fetching, lets every shard finish its batch and checkpoint (shutdownRequested),
   * and releases the leases so peers take them at once. Resolves within `timeoutMs`.
   */
  async shutdown(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.timers.forEach(clearInterval);
    // The cycle under way finishes first (a take may still add a lease to release), but
    // inside the time limit: a slow Scan must not hold the shutdown past it.
    const drain = async () => {
      await Promise.all([this.cycle, this.renewing]).catch(() => undefined);
      const ended = Promise.all([...this.consumers.values()].map((c) => c.shutdown().catch(() => undefined)));
      const idle = [...this.held.values()].filter((h) => !this.consumers.has(h.shardId));
      await Promise.all([ended, ...idle.map((h) => h.release().catch(() => undefined))]);
    };
    await Promise.race([drain(), new Promise((r) => setTimeout(r, timeoutMs))]);
  }

  /**
   * Runs `task` every `ms` on `chain`, one task of the chain at a time, errors logged and not
   * fatal. A task still queued or running when its next tick comes skips that tick: a slow
   * Scan must not pile up a backlog of cycles.
   */
  private every(ms: number, chain: "cycle" | "renewing", task: () => Promise<void>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (this.stopping || busy) return;
      busy = true;
      this[chain] = this[chain]
        .then(task)
        .catch((e) => this.events.log("warn", "coordinator cycle failed; next cycle retries", { err: String(e) }))
        .finally(() => (busy = false));
    }, ms);
    this.timers.push(timer);
  }

  /** Creates a lease for every shard that has none: roots at the initial position, children at their start. */
  private async syncShards(): Promise<void> {
    const shards = await listAllShards(this.kinesis, this.options.streamName);
    this.rememberRanges(shards);
    const known = new Set((await this.table.list()).map((l) => l.leaseKey));
    const listed = new Set(shards.map((s) => s.ShardId!));
    for (const shard of shards) {
      if (known.has(shard.ShardId!)) continue;
      // A parent that is no longer listed was trimmed: nothing of it is left to wait for.
      const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
        (p): p is string => p !== undefined && listed.has(p),
      );
      await this.table.createIfAbsent({
        leaseKey: shard.ShardId!,
        counter: 0,
        checkpoint: parents.length > 0 ? TRIM_HORIZON : this.options.initialPosition,
        parentShardIds: parents,
        ownerSwitchesSinceCheckpoint: 0,
      });
    }
  }

  /** Each listed shard's hash key range (it never changes), for its consumer's intake. */
  private rememberRanges(shards: Awaited<ReturnType<typeof listAllShards>>): void {
    for (const shard of shards) {
      const range = shard.HashKeyRange;
      if (shard.ShardId && range?.StartingHashKey && range.EndingHashKey) {
        this.hashRanges.set(
          shard.ShardId,
          wordRange({ start: BigInt(range.StartingHashKey), end: BigInt(range.EndingHashKey) }),
        );
      }
    }
  }

  private async renewLeases(): Promise<void> {
    await Promise.all(
      [...this.held.values()].map(async (h) => {
        if (!(await h.renew())) this.drop(h.shardId, "lost at renewal", h);
      }),
    );
  }

  private async takeLeases(): Promise<void> {
    if (this.stopping) return;
    const leases = await this.table.list();
    this.sightings = observe(this.sightings, leases, Date.now());
    // What the table says is no longer ours (a peer stole it): stop before the renewal notices.
    for (const lease of leases) {
      if (this.held.has(lease.leaseKey) && lease.owner !== this.options.workerId)
        this.drop(lease.leaseKey, "taken by a peer");
    }
    const plan = planTakes({
      workerId: this.options.workerId,
      leases,
      sightings: this.sightings,
      now: Date.now(),
      // Half a take cycle less: timers fire a few ms early or late, and a lease that expires
      // a hair after a cycle would otherwise wait a whole cycle more. Still far above the
      // renewal period, so a live lease never looks expired.
      failoverMs: this.options.failoverMs - this.takeIntervalMs / 2,
    });
    // A peer may win the race for an expired lease: then try a spare one in the same cycle.
    const candidates = [...plan.take, ...plan.spare];
    let wanted = plan.take.length;
    for (const lease of candidates) {
      if (wanted === 0) break;
      if (await this.takeOne(lease, false)) wanted--;
    }
    if (plan.steal) await this.takeOne(plan.steal, true);
    // A lease a peer created after this worker last listed the shards (a reshard's children):
    // list them again, so no consumer starts without its shard's range.
    if ([...this.held.keys()].some((shardId) => !this.hashRanges.has(shardId))) {
      this.rememberRanges(await listAllShards(this.kinesis, this.options.streamName));
    }
    // The first read serves: taking a lease changes its owner, never a parent's checkpoint.
    this.startReadyConsumers(leases);
    this.events.leasesHeld(this.held.size);
  }

  /** Takes a lease; false when a peer was faster. */
  private async takeOne(lease: Lease, stolen: boolean): Promise<boolean> {
    if (this.held.has(lease.leaseKey) && lease.owner === this.options.workerId) return true;
    const taken = await this.table.take(lease, this.options.workerId);
    if (!taken) return false;
    this.held.get(lease.leaseKey)?.markLost();
    this.held.set(lease.leaseKey, new HeldLease(this.table, taken));
    this.events.leaseTaken(lease.leaseKey, stolen);
    this.events.log("info", stolen ? "stole a lease" : "took a lease", { shardId: lease.leaseKey, from: lease.owner });
    return true;
  }

  /** Starts a consumer for each held lease whose parents are all finished (SHARD_END or gone). */
  private startReadyConsumers(leases: Lease[]): void {
    const byKey = new Map(leases.map((l) => [l.leaseKey, l]));
    for (const [shardId, held] of this.held) {
      if (this.consumers.has(shardId) || held.lost) continue;
      const waiting = held.lease.parentShardIds.filter((p) => {
        const parent = byKey.get(p);
        return parent !== undefined && parent.checkpoint.kind !== "SHARD_END";
      });
      if (waiting.length > 0) continue;
      if (held.lease.checkpoint.kind === "SHARD_END") {
        void held.release();
        this.held.delete(shardId);
        continue;
      }
      const consumer = new ShardConsumer(
        held,
        this.readers(shardId, held.lease.checkpoint),
        this.processors(shardId),
        this.options,
        this.events,
        { ...this.intake, hashKeyRange: this.hashRanges.get(shardId) },
      );
      this.consumers.set(shardId, consumer);
      void consumer.done.then(
        (ending) => this.finished(shardId, consumer, held, ending),
        (e) => {
          this.events.log("error", "shard consumer failed", { shardId, err: String(e) });
          this.finished(shardId, consumer, held, "lease-lost");
        },
      );
    }
  }

  private finished(shardId: string, consumer: ShardConsumer, held: HeldLease, ending: string): void {
    if (this.consumers.get(shardId) === consumer) this.consumers.delete(shardId);
    // Only this consumer's lease: the shard may have been taken back meanwhile, under a new one.
    if (ending !== "shutdown" && this.held.get(shardId) === held) this.held.delete(shardId);
    this.events.log("info", `shard consumer ended: ${ending}`, { shardId });
    // A finished parent unblocks its children: look for them now rather than next cycle.
    if (ending === "shard-ended" && !this.stopping) {
      this.cycle = this.cycle
        .then(() => this.syncShards())
        .then(() => this.takeLeases())
        .catch(() => undefined);
    }
  }

  /** `only`: drop it only if it is still this lease (a take may have replaced it meanwhile). */
  private drop(shardId: string, why: string, only?: HeldLease): void {
    const held = this.held.get(shardId);
    if (!held || (only !== undefined && held !== only)) return;
    held.markLost();
    this.held.delete(shardId);
    this.events.log("warn", `lease ${why}`, { shardId });
  }
}
