/**
 * The lake compactor (runtime/lake/compaction/, its contract LAKE_COMPACTOR): a Lambda on an
 * EventBridge schedule that merges each closed hour of the lake into Athena-sized parts under
 * compacted/, moves the compaction state, and tags the merged segment objects, which the
 * bucket's lifecycle then expires (lake-storage.ts compactedSegmentsRule). Its role gets
 * exactly the contract's calls, each on the prefix the contract names.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { actionsOn } from "../../runtime/common/contract";
import { COMPACTION_DEFAULTS, LAKE_COMPACTOR } from "../../runtime/lake/compaction/compactor-contract";
import { COMPACTED_PREFIX, COMPACTION_PREFIX, PROGRESS_PREFIX, TABLES_PREFIX } from "../../runtime/lake/object-keys";
import { grant } from "../common/grants";
import { partEnvironment } from "../common/part-environment";
import { PrivateBucket } from "../common/private-bucket";
import { runtimeFunction } from "../common/runtime-function";
import { scheduleFunction } from "../scaling/scaler-function";
import { StreamStorage } from "../stream/stream-storage";
import { LakeCompactionConfig } from "./lake-config";
import { lakeKeyThroughS3 } from "./lake-storage";

/**
 * The longest a Lambda run may take, which the compactor uses whole: it stops starting parts
 * when the remaining time runs short and the next run carries on.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (Timeout: 900 seconds at most)
 */
export const COMPACTOR_TIMEOUT_SECONDS = 900;

/** Packages the compactor loads besides the runtime (the SDK comes with Lambda): Parquet in and out, and its metrics. */
export const COMPACTOR_PACKAGES = ["apache-arrow", "parquet-wasm", "aws-embedded-metrics"] as const;

/** The schedule, every COMPACTION_DEFAULTS.scheduleMinutes (EventBridge rate expressions). */
export function compactorSchedule(minutes: number): string {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html#eb-rate-expressions
  return `rate(${minutes} ${minutes === 1 ? "minute" : "minutes"})`;
}

/** Where each of the contract's object resources lives in the lake bucket. */
export const COMPACTOR_PREFIXES = {
  segmentObjects: TABLES_PREFIX,
  progressObjects: PROGRESS_PREFIX,
  compactedObjects: COMPACTED_PREFIX,
  compactionState: COMPACTION_PREFIX,
} as const;

export interface LakeCompactorArgs extends LakeCompactionConfig {
  stream: StreamStorage;
  bucket: PrivateBucket;
  key: aws.kms.Key;
}

export class LakeCompactor extends pulumi.ComponentResource {
  readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
  readonly role: aws.iam.Role;
  readonly schedule: aws.cloudwatch.EventRule;

  constructor(name: string, args: LakeCompactorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:lake:LakeCompactor", name, {}, opts);
    const environment = partEnvironment(LAKE_COMPACTOR, {
      STREAM_NAME: args.stream.name,
      LAKE_BUCKET: args.bucket.bucket.bucket,
      COMPACTED_PART_BYTES: args.partBytes,
    });
    const fn = runtimeFunction(
      name,
      {
        environment,
        packages: COMPACTOR_PACKAGES,
        memorySize: args.memory,
        timeout: COMPACTOR_TIMEOUT_SECONDS,
        // See lakeCompactorReservedConcurrency: overlapping runs are safe, a reservation may not deploy.
        reservedConcurrency: args.reservedConcurrency ? 1 : undefined,
      },
      this,
    );
    this.function = fn.function;
    this.role = fn.role;
    const env = environment.variables;
    const bucketArn = args.bucket.bucket.arn;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const objects = (Object.keys(COMPACTOR_PREFIXES) as (keyof typeof COMPACTOR_PREFIXES)[]).map((resource) => ({
      sid: resource.charAt(0).toUpperCase() + resource.slice(1),
      actions: actionsOn(LAKE_COMPACTOR, resource, env),
      resources: [pulumi.interpolate`${bucketArn}/${COMPACTOR_PREFIXES[resource]}*`],
    }));
    grant(
      name,
      this.role,
      [
        { sid: "Stream", actions: actionsOn(LAKE_COMPACTOR, "stream", env), resources: [args.stream.arn] },
        // Listing names keys only; S3 also asks it to answer a missing object with 404, not 403.
        { sid: "LakeBucket", actions: actionsOn(LAKE_COMPACTOR, "lakeBucket", env), resources: [bucketArn] },
        ...objects.filter((s) => s.actions.length > 0),
        lakeKeyThroughS3(args.key, region),
      ],
      this,
    );
    this.schedule = scheduleFunction(name, this.function, this, compactorSchedule(COMPACTION_DEFAULTS.scheduleMinutes));
    this.registerOutputs({ functionName: this.function.name });
  }
}
