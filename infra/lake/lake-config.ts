/** What the stack config says about the lake: its writer service, its roll settings and its bucket's lifecycle. */

export interface LakeConfig {
  /** How the lake workers read: their own enhanced fan-out consumer, or GetRecords polling. */
  retrieval: "fanout" | "polling";
  /** A shard's segment is cut at this many bytes of record data (LAKE_ROLL_BYTES). */
  rollBytes: number;
  /** ... or once its first record is this old (LAKE_ROLL_SECONDS). */
  rollSeconds: number;
  /** Objects move to S3 Standard-IA this many days after they are written; unset: never. */
  infrequentAccessDays?: number;
  /** Objects are deleted this many days after they are written; unset: kept. */
  retentionDays?: number;
  /** `pulumi destroy` empties the lake bucket before deleting it. */
  forceDestroy: boolean;
  /** The lake's lease table refuses deletion. */
  leaseDeletionProtection: boolean;
  cpu: number;
  memory: number;
  minTasks: number;
  maxTasks: number;
  /** The compactor (lakeCompaction); unset: closed hours stay as the writer stored them. */
  compaction?: LakeCompactionConfig;
}

/** The lake compactor's settings from the stack config. */
export interface LakeCompactionConfig {
  /** The most Parquet bytes a compacted part holds (lakeCompactedPartMiB). */
  partBytes: number;
  /** The Lambda's memory in MiB (lakeCompactorMemory). */
  memory: number;
  /** One concurrent execution reserved (lakeCompactorReservedConcurrency). */
  reservedConcurrency: boolean;
}
