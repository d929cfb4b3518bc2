/**
 * The shard scaler's history: the times of its UpdateShardCount calls (the 24-hour call
 * budget and the cooldowns count them) and a version that every call moves on. A run reads
 * it when it starts and claims its call before making it: the claim writes the new history
 * only if the version is still the one the run read, so of the runs that read one version
 * exactly one makes its call (CONCURRENT-RUNS.md says why that holds). On AWS the history
 * is an item in the scaler's DynamoDB table (shard-history-dynamodb.ts); the local stack
 * keeps it in memory (MemoryShardHistory).
 */

export interface ShardHistory {
  /** Times (epoch ms) of this scaler's UpdateShardCount calls, oldest first. */
  updates: number[];
  /** Moves on by one with every claim; 0 before the first. */
  version: number;
}

export interface ShardHistoryStore {
  /** The history as it stands (on AWS a strongly consistent read: a claim just made is seen). */
  read(): Promise<ShardHistory>;
  /**
   * Stores `updates` as the history, at version `seen.version + 1`, if nobody claimed since
   * `seen` was read. True: this run, and no other run that read `seen`, may make its call.
   */
  claim(seen: ShardHistory, updates: number[]): Promise<boolean>;
}

/**
 * The history in memory: for the local stack (one process) and tests. The compare and the
 * write happen in one synchronous step, so overlapping runs in one process still see
 * exactly one claim succeed.
 */
export class MemoryShardHistory implements ShardHistoryStore {
  constructor(public state: ShardHistory = { updates: [], version: 0 }) {}

  async read(): Promise<ShardHistory> {
    return { updates: [...this.state.updates], version: this.state.version };
  }

  async claim(seen: ShardHistory, updates: number[]): Promise<boolean> {
    if (this.state.version !== seen.version) return false;
    this.state = { updates: [...updates], version: seen.version + 1 };
    return true;
  }
}
