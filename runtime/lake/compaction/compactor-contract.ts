/**
 * The lake compactor's contract: a Lambda on a schedule that merges each closed hour's
 * segment objects into Athena-sized parts (compacted/), moves the compaction state past the
 * hour, then tags the hour's segment objects for expiry. An hour is closed once every shard's
 * progress (../progress.ts) is past its end by the slack. Why readers see every row once
 * throughout: COMPACTION.md.
 */
import { defineContract, emits, setByPlatform } from "../../common/contract";
import { httpUrl, integer } from "../../common/env";
import { STREAM_VARIABLES } from "../../common/service-variables";
import { LAKE_COMPACTOR_METRICS } from "../../observability/metrics/pipeline";
import { LAKE_VARIABLES } from "../contract";

const MIB = 1024 * 1024;

export const COMPACTION_DEFAULTS = {
  /**
   * The most a compacted part holds (its Parquet bytes, as the sum of its inputs'): parts of
   * an hour's table, tenant and version are split evenly, so each holds between half of this
   * and this once the hour has that much; Athena reads objects of 128 MB and more best
   * (https://docs.aws.amazon.com/athena/latest/ug/performance-tuning-data-optimization-techniques.html).
   */
  partBytes: 256 * MIB,
  /**
   * How far past an hour's end every shard's progress must be before the hour is merged:
   * arrival timestamps are the stream's, read times the worker's clock, and a record's
   * arrival is only approximately in sequence order (API_Record.html), so a margin.
   */
  closeSlackSeconds: 600,
  /** How often the compactor runs (an EventBridge schedule). */
  scheduleMinutes: 15,
  /**
   * How long an hour's last part must have been stored before the hour moves to the compacted
   * side: more than any query takes between listing the hour's parts and reading the
   * compaction state, both at its start (COMPACTION.md, section 3).
   */
  settleSeconds: 600,
} as const;

export const COMPACTION_LIMITS = {
  partBytes: { min: 16 * MIB, max: 1024 * MIB },
  closeSlackSeconds: { min: 60, max: 3600 },
  settleSeconds: { min: 1, max: 3600 },
} as const;

export const LAKE_COMPACTOR_VARIABLES = {
  STREAM_NAME: STREAM_VARIABLES.STREAM_NAME,
  AWS_REGION: setByPlatform(STREAM_VARIABLES.AWS_REGION, "Lambda"),
  KINESIS_ENDPOINT: STREAM_VARIABLES.KINESIS_ENDPOINT,
  LAKE_BUCKET: LAKE_VARIABLES.LAKE_BUCKET,
  S3_ENDPOINT: { ...httpUrl, default: "" as const, purpose: "S3 endpoint for the local S3 server; unset means AWS" },
  COMPACTED_PART_BYTES: {
    ...integer(COMPACTION_LIMITS.partBytes.min, COMPACTION_LIMITS.partBytes.max),
    default: String(COMPACTION_DEFAULTS.partBytes),
    purpose: "the most Parquet bytes a compacted part holds; an hour's objects are split evenly into parts",
  },
  COMPACTION_SETTLE_SECONDS: {
    ...integer(COMPACTION_LIMITS.settleSeconds.min, COMPACTION_LIMITS.settleSeconds.max),
    default: String(COMPACTION_DEFAULTS.settleSeconds),
    purpose: "how long an hour's last part must have been stored before queries read the hour from its parts",
  },
  COMPACTION_SLACK_SECONDS: {
    ...integer(COMPACTION_LIMITS.closeSlackSeconds.min, COMPACTION_LIMITS.closeSlackSeconds.max),
    default: String(COMPACTION_DEFAULTS.closeSlackSeconds),
    purpose: "how far past an hour's end every shard's progress must be before the hour is merged",
  },
};

export const LAKE_COMPACTOR = defineContract({
  part: "lakeCompactorLambda",
  purpose: "the lake compactor: merges each closed hour's objects into Athena-sized parts, once",
  entry: { kind: "lambda", module: "dist/runtime/lake/compaction/compactor-entry.js" },
  variables: LAKE_COMPACTOR_VARIABLES,
  resources: {
    stream: { named: ["STREAM_NAME"] },
    /** The bucket itself: listing the hours' objects and the shards' progress. */
    lakeBucket: { named: ["LAKE_BUCKET"] },
    /** tables/: the segment objects it reads and tags for expiry. */
    segmentObjects: { named: ["LAKE_BUCKET"] },
    /** progress/: each shard's progress, read. */
    progressObjects: { named: ["LAKE_BUCKET"] },
    /** compacted/: the parts it writes (conditionally) and reads back. */
    compactedObjects: { named: ["LAKE_BUCKET"] },
    /** compaction/: the state, read and replaced (conditionally, on its ETag). */
    compactionState: { named: ["LAKE_BUCKET"] },
  },
  calls: [
    // Every shard of the stream, open or closed within retention: an hour waits for all of them.
    { action: "kinesis:ListShards", on: "stream" },
    { action: "s3:ListBucket", on: "lakeBucket" },
    { action: "s3:GetObject", on: "segmentObjects" },
    { action: "s3:PutObjectTagging", on: "segmentObjects" },
    { action: "s3:GetObject", on: "progressObjects" },
    { action: "s3:GetObject", on: "compactedObjects" },
    { action: "s3:PutObject", on: "compactedObjects" },
    { action: "s3:GetObject", on: "compactionState" },
    { action: "s3:PutObject", on: "compactionState" },
  ],
  metrics: [emits(LAKE_COMPACTOR_METRICS, { StreamName: "STREAM_NAME" })],
});
