/**
 * A lease this worker holds. Renewals (from the coordinator) and checkpoints (from the
 * shard's processor) both move the lease counter, so they go through one queue here: each
 * write starts from the version the previous one left, and a worker never loses its own
 * lease to itself. The first write whose condition fails marks the lease lost for good.
 */
import { Checkpoint, Lease } from "./lease";
import { LeaseTable } from "./lease-table";

export class LeaseLostError extends Error {
  override name = "LeaseLostError";
  constructor(readonly shardId: string) {
    super(`lease of ${shardId} was lost to another worker`);
  }
}

export class HeldLease {
  private current: Lease;
  private queue: Promise<unknown> = Promise.resolve();
  private lostFlag = false;
  private readonly lostListeners: (() => void)[] = [];

  constructor(
    private readonly table: LeaseTable,
    lease: Lease,
  ) {
    this.current = lease;
  }

  get shardId(): string {
    return this.current.leaseKey;
  }

  get lease(): Lease {
    return this.current;
  }

  get lost(): boolean {
    return this.lostFlag;
  }

  onLost(listener: () => void): void {
    if (this.lostFlag) listener();
    else this.lostListeners.push(listener);
  }

  /** Moves the counter so peers see this worker alive. Resolves false when the lease was lost. */
  renew(): Promise<boolean> {
    return this.write((l) => this.table.renew(l)).then(
      () => true,
      (e) => {
        if (e instanceof LeaseLostError) return false;
        throw e;
      },
    );
  }

  /** Records progress. Rejects with LeaseLostError when another worker holds the lease now. */
  checkpoint(checkpoint: Checkpoint): Promise<void> {
    return this.write((l) => this.table.checkpoint(l, checkpoint)).then(() => undefined);
  }

  /** Gives the lease up for a peer to take at once. */
  async release(): Promise<void> {
    await this.write(async (l) => ((await this.table.release(l)) ? { ...l, owner: undefined } : undefined)).catch(
      (e) => {
        if (!(e instanceof LeaseLostError)) throw e;
      },
    );
    this.markLost();
  }

  /** Stops treating the lease as ours without writing (e.g. the shard was handed back). */
  markLost(): void {
    if (this.lostFlag) return;
    this.lostFlag = true;
    this.lostListeners.splice(0).forEach((l) => l());
  }

  private write(op: (lease: Lease) => Promise<Lease | undefined>): Promise<Lease> {
    const run = async (): Promise<Lease> => {
      if (this.lostFlag) throw new LeaseLostError(this.shardId);
      const next = await op(this.current);
      if (next === undefined) {
        this.markLost();
        throw new LeaseLostError(this.shardId);
      }
      this.current = next;
      return next;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
