/**
 * Failover after `kill -9`: two workers share a stream (4 shards by default) while records flow, one is
 * killed outright (no checkpoint, no release), and the lease table, read every 50 ms, says
 * when the survivor holds every shard; the survivor's bench processor says when it first
 * processed a record on each shard it took over.
 *
 * Why the table is watched from before the kill: a peer decides that a lease expired from
 * when it last saw the lease's counter move (any write of the owner: a renewal or a
 * checkpoint), so the victim's last write is the true start of the failover clock, and the
 * time from it to the takeover shows how late after FAILOVER_MS the survivor acted.
 */
import { Coordinator } from "../../runtime/processing/coordinator";
import { Lease } from "../../runtime/processing/leases/lease";
import { LeaseTable } from "../../runtime/processing/leases/lease-table";
import { LocalStream } from "../../runtime/local/stream-setup";
import { killHard, waitFor } from "./children";
import { ConsumerStack } from "./consumer-stack";
import { leasesByOwner, waitForLeases } from "../../tests/harness/lease-views";
import { note } from "./report";

const WATCH_INTERVAL_MS = 50;

/**
 * The coordinator's renewal and take cycles for a failover time, read from the code under
 * test (its getters), so the table says which cadence ran: a take cycle equal to the
 * renewal cycle when the coordinator has no separate one.
 */
export function coordinatorCycles(failoverMs: number): { renewMs: number; takeMs: number } {
  const self = { options: { failoverMs } };
  const getter = (name: string) => Object.getOwnPropertyDescriptor(Coordinator.prototype, name)?.get?.call(self);
  const renewMs = Number(getter("renewIntervalMs") ?? Math.max(100, Math.floor(failoverMs / 3)));
  return { renewMs, takeMs: Number(getter("takeIntervalMs") ?? renewMs) };
}

export interface FailoverResult {
  failoverMs: number;
  /** Renewal and take cycles of the workers (coordinator.ts). */
  renewMs: number;
  takeMs: number;
  victim: string;
  survivor: string;
  victimShards: string[];
  /** From starting both workers to 2 leases each. */
  balancedAfterMs: number;
  /** Per taken-over shard: first table read showing the survivor as owner, ms after the kill. */
  takenAfterMs: Record<string, number>;
  allHeldMs: number;
  /** First processRecords of the survivor on a taken-over shard, ms after the kill (min, and max over shards). */
  firstRecordMs: number;
  everyShardRecordMs: number;
  /** The victim's last write to its leases (renewal or checkpoint), first seen this long before the kill. */
  lastWriteBeforeKillMs: number;
  /** From that last write to all shards held. */
  lastWriteToHeldMs: number;
  /** Records the victim processed that the survivor processed again. */
  repeated: number;
  victimProcessed: number;
}

interface Snapshot {
  at: number;
  leases: Lease[];
}

/** Reads the lease table every WATCH_INTERVAL_MS until stopped; `at` is when each read returned. */
class TableWatch {
  readonly snapshots: Snapshot[] = [];
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(private readonly table: LeaseTable) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const leases = await this.table.list();
      this.snapshots.push({ at: Date.now(), leases });
      await new Promise((r) => setTimeout(r, WATCH_INTERVAL_MS));
    }
  }

  async until(accept: (leases: Lease[]) => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const last = this.snapshots[this.snapshots.length - 1];
      if (last && accept(last.leases)) return;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop.catch(() => undefined);
  }
}

export async function failoverRun(
  stack: ConsumerStack,
  stream: LocalStream,
  failoverMs: number,
  checkpointIntervalMs: number,
): Promise<FailoverResult> {
  const { renewMs, takeMs } = coordinatorCycles(failoverMs);
  const app = stack.newApplication(`bench-failover-${failoverMs}`);
  const [survivorId, victimId] = [`a-${failoverMs}`, `b-${failoverMs}`];
  const settings = {
    FAILOVER_MS: String(failoverMs),
    CHECKPOINT_INTERVAL_MS: String(checkpointIntervalMs),
    BENCH_IDS: "1",
  };
  const started = Date.now();
  const [survivor, victim] = [survivorId, victimId].map((id) =>
    stack.startWorker(stream, app.applicationName, id, settings),
  );
  let watch: TableWatch | undefined;
  try {
    const balanced = (leases: Lease[]) => {
      const owners = leasesByOwner(leases);
      const [a, b] = [owners.get(survivorId)?.length ?? 0, owners.get(victimId)?.length ?? 0];
      return leases.length === stream.shardCount && a + b === stream.shardCount && Math.abs(a - b) <= 1 && b > 0;
    };
    await waitForLeases(app.table, "the leases shared out evenly", balanced, 8 * failoverMs + 10_000, 100);
    const balancedAfterMs = Date.now() - started;
    note(
      `failover ${failoverMs} ms: balanced after ${balancedAfterMs} ms; checkpoints, then kill -9 of ${victimId}...`,
    );
    // A worker whose lease was stolen while balancing stops at its next cycle: let that pass.
    await new Promise((r) => setTimeout(r, renewMs + 500));
    await waitForLeases(
      app.table,
      "a checkpoint on every shard",
      (leases) => leases.every((l) => l.checkpoint.kind === "SEQUENCE"),
      15_000,
      100,
    );
    watch = new TableWatch(app.table);
    await new Promise((r) => setTimeout(r, 2 * renewMs));
    const before = watch.snapshots[watch.snapshots.length - 1]?.leases ?? (await app.table.list());
    const victimShards = leasesByOwner(before).get(victimId) ?? [];
    if (!balanced(before)) throw new Error(`leases moved before the kill: ${JSON.stringify(before)}`);

    const killedAt = Date.now();
    await killHard(victim);
    const held = (leases: Lease[]) =>
      victimShards.every((s) => leases.find((l) => l.leaseKey === s)?.owner === survivorId);
    await watch.until(held, 4 * failoverMs + 10_000, `${survivorId} to hold ${victimShards.join(", ")}`);
    await watch.stop();

    const takenAfterMs: Record<string, number> = {};
    for (const shard of victimShards) {
      const seen = watch.snapshots.find(
        (s) => s.at >= killedAt && s.leases.find((l) => l.leaseKey === shard)?.owner === survivorId,
      );
      takenAfterMs[shard] = seen!.at - killedAt;
    }
    const allHeldMs = Math.max(...Object.values(takenAfterMs));

    // The victim's last write: the last read, before the kill, where a counter of its leases moved.
    let lastWriteAt = NaN;
    for (let i = 1; i < watch.snapshots.length && watch.snapshots[i].at <= killedAt; i++) {
      const moved = watch.snapshots[i].leases.some((l) => {
        const previous = watch!.snapshots[i - 1].leases.find((p) => p.leaseKey === l.leaseKey);
        return l.owner === victimId && previous !== undefined && previous.counter !== l.counter;
      });
      if (moved) lastWriteAt = watch.snapshots[i].at;
    }

    // The survivor's first batch on each taken-over shard (records keep flowing, so one comes).
    const firstOn = (shard: string) =>
      survivor.messages().find((m) => m.type === "batch" && m.shardId === shard && Number(m.t0) >= killedAt);
    await waitFor(
      survivor,
      () => victimShards.every((s) => firstOn(s) !== undefined),
      10_000,
      "a record on every taken-over shard",
    ).catch(() => undefined);
    const firsts = victimShards.map((s) => Number(firstOn(s)?.t0 ?? NaN) - killedAt);

    const victimIds = new Set<number>();
    for (const m of victim.messages()) if (m.type === "batch") for (const id of m.ids as number[]) victimIds.add(id);
    const again = new Set<number>();
    for (const m of survivor.messages())
      if (m.type === "batch" && victimShards.includes(String(m.shardId)) && Number(m.t0) >= killedAt)
        for (const id of m.ids as number[]) if (victimIds.has(id)) again.add(id);

    return {
      failoverMs,
      renewMs,
      takeMs,
      victim: victimId,
      survivor: survivorId,
      victimShards,
      balancedAfterMs,
      takenAfterMs,
      allHeldMs,
      firstRecordMs: Math.min(...firsts),
      everyShardRecordMs: Math.max(...firsts),
      lastWriteBeforeKillMs: killedAt - lastWriteAt,
      lastWriteToHeldMs: allHeldMs + (killedAt - lastWriteAt),
      repeated: again.size,
      victimProcessed: victimIds.size,
    };
  } finally {
    await watch?.stop();
    await Promise.all([survivor.stop(), victim.stop()]);
  }
}
