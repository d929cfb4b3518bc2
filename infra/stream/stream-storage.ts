/**
 * Stream storage: the Kinesis Data Stream every other part writes to or reads from,
 * encrypted with a customer-managed KMS key, and the grants other parts use on it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { kinesisMetric, KinesisMetricScope, SHARD_LEVEL_METRICS } from "../../runtime/observability/metrics/kinesis";
import { Statistic } from "../../runtime/observability/metrics/metric";
import { alarmMetric } from "../../runtime/observability/metrics/reads";
import { StreamConfig } from "./stream-config";
import { KEY_DELETION_WINDOW_DAYS } from "../common/key-deletion";
import { grant, Statement, UsedBy } from "../common/grants";
import { streamStorageProblems } from "./stream-storage-rules";

/**
 * KMS actions Kinesis performs on a caller's behalf with a customer-managed key:
 * https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html
 */
export const KEY_WRITE_ACTIONS = ["kms:GenerateDataKey"] as const;
export const KEY_READ_ACTIONS = ["kms:Decrypt"] as const;

/** Kinesis uses the key on behalf of a caller that writes records, or reads them (also through a consumer). */
const KEY_ACTION_OF: Record<string, string> = {
  "kinesis:PutRecords": "kms:GenerateDataKey",
  "kinesis:PutRecord": "kms:GenerateDataKey",
  "kinesis:GetRecords": "kms:Decrypt",
  "kinesis:SubscribeToShard": "kms:Decrypt",
};
const KEY_USED_BY =
  "Kinesis, with the caller's permissions, for the stream calls beside it: " +
  "https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html";

export interface MetricOptions extends KinesisMetricScope {
  /** Default: the catalogue's statistic for this metric (runtime/observability/metrics/kinesis.ts). */
  statistic?: Statistic;
  /** Default: the catalogue's period for the metric. A positive multiple of 60: Kinesis sends a data point a minute. */
  periodSeconds?: number;
}

/** A metric of the stream in the shape `aws.cloudwatch.MetricAlarm` takes. */
export interface Metric {
  namespace: string;
  metricName: string;
  dimensions: Record<string, pulumi.Input<string>>;
  statistic: Statistic;
  period: number;
}

export interface StreamStorageArgs extends Omit<StreamConfig, "kmsKeyArn"> {
  /** An existing key to encrypt with (the config's, or another stream's); unset: one is created. */
  kmsKeyArn?: pulumi.Input<string>;
}

export class StreamStorage extends pulumi.ComponentResource {
  readonly stream: aws.kinesis.Stream;
  /** The key the stack created, when no `kmsKeyArn` was configured. */
  readonly key?: aws.kms.Key;
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly keyArn: pulumi.Output<string>;

  constructor(
    private readonly resourceName: string,
    args: StreamStorageArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("kinesis-pipeline:stream:StreamStorage", resourceName, {}, opts);
    const problems = streamStorageProblems(args);
    if (problems.length > 0) throw new Error(problems.join("\n"));
    // The config gives every PROVISIONED stream a count (its default); a caller must too.
    if (args.mode === "PROVISIONED" && args.shardCount === undefined) {
      throw new Error("shardCount is required when mode is PROVISIONED");
    }

    if (args.kmsKeyArn) {
      this.keyArn = pulumi.output(args.kmsKeyArn);
    } else {
      this.key = new aws.kms.Key(
        `${resourceName}-key`,
        {
          description: `Encrypts the Kinesis stream of ${pulumi.getProject()}/${pulumi.getStack()}`,
          enableKeyRotation: true,
          deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
        },
        { parent: this },
      );
      new aws.kms.Alias(
        `${resourceName}-key-alias`,
        { name: `alias/${pulumi.getProject()}/${pulumi.getStack()}/${resourceName}`, targetKeyId: this.key.keyId },
        { parent: this },
      );
      this.keyArn = this.key.arn;
    }

    this.stream = new aws.kinesis.Stream(
      resourceName,
      {
        streamModeDetails: { streamMode: args.mode },
        shardCount: args.shardCount,
        retentionPeriod: args.retentionHours,
        encryptionType: "KMS",
        kmsKeyId: this.keyArn,
        shardLevelMetrics: [...SHARD_LEVEL_METRICS],
        // Registered consumers (enhanced fan-out) must not block `pulumi destroy`.
        enforceConsumerDeletion: true,
      },
      // While the shard scaler sizes the stream, `pulumi up` must not undo its changes.
      { parent: this, ignoreChanges: args.scaler ? ["shardCount"] : [] },
    );
    this.name = this.stream.name;
    this.arn = this.stream.arn;

    this.registerOutputs({ name: this.name, arn: this.arn, keyArn: this.keyArn });
  }

  /**
   * Lets `role` write records: `actions` on the stream, as the writer's contract declares them
   * (ingest: PutRecords, and ListShards to aggregate per shard), and the key to encrypt.
   * `grantee` names it.
   */
  grantWrite(role: aws.iam.Role, grantee: string, actions: readonly string[]): aws.iam.RolePolicy {
    return grant(
      `${this.resourceName}-write-${grantee}`,
      role,
      this.statements("Write", actions, KEY_WRITE_ACTIONS),
      this,
    );
  }

  /**
   * Lets `role` read records by polling: `actions` on the stream, as the reader's contract
   * declares them (the shard map, iterators and records), and the key to decrypt. `grantee`
   * names it.
   */
  grantRead(role: aws.iam.Role, grantee: string, actions: readonly string[]): aws.iam.RolePolicy {
    return grant(
      `${this.resourceName}-read-${grantee}`,
      role,
      this.statements("Read", actions, KEY_READ_ACTIONS),
      this,
    );
  }

  /**
   * The stream's side of a fan-out reader (FanOutConsumer.grantRead): `actions` on the stream
   * (the shard map; its records come through its consumer), and the key to decrypt them.
   */
  grantFanOutRead(role: aws.iam.Role, grantee: string, actions: readonly string[]): aws.iam.RolePolicy {
    return grant(
      `${this.resourceName}-fanout-${grantee}`,
      role,
      this.statements("FanOut", actions, KEY_READ_ACTIONS),
      this,
    );
  }

  /**
   * Lets `role` make exactly the calls in `calls` (action: who calls it, with the source),
   * for code we do not run in the tests (the Flink connector, Lambda's event source
   * mapping), and the key for the records those calls read or write. `sid` names them.
   * `keyCalls` names the key's actions with their own reasons; unset, they follow from the
   * stream actions (what Kinesis does with the key for each).
   */
  grantCalledBy(
    role: aws.iam.Role,
    grantee: string,
    sid: string,
    calls: Readonly<Record<string, string>>,
    keyCalls?: Readonly<Record<string, string>>,
  ): aws.iam.RolePolicy {
    const actions = Object.keys(calls);
    const keyActions = keyCalls ? Object.keys(keyCalls) : [...new Set(actions.flatMap((a) => KEY_ACTION_OF[a] ?? []))];
    return grant(
      `${this.resourceName}-${sid.toLowerCase()}-${grantee}`,
      role,
      this.statements(sid, actions, keyActions, calls, keyCalls ?? KEY_USED_BY),
      this,
    );
  }

  /**
   * A CloudWatch metric of this stream by its stream-level name, e.g. `metric("IncomingBytes")`;
   * with `shardId`, its shard-level counterpart; with `consumerName`, an enhanced fan-out
   * consumer's metric.
   */
  metric(name: string, opts: MetricOptions = {}): Metric {
    const metric = kinesisMetric(name, opts);
    const period = opts.periodSeconds ?? metric.period;
    if (!Number.isInteger(period) || period < 60 || period % 60 !== 0) {
      throw new Error(`periodSeconds must be a positive multiple of 60, got ${period}`);
    }
    const dimensions: Record<string, pulumi.Input<string>> = {
      StreamName: this.name,
      ...(opts.shardId !== undefined ? { ShardId: opts.shardId } : {}),
      ...(opts.consumerName !== undefined ? { ConsumerName: opts.consumerName } : {}),
    };
    return { ...alarmMetric(metric, dimensions, period), ...(opts.statistic ? { statistic: opts.statistic } : {}) };
  }

  private statements(
    verb: string,
    streamActions: readonly string[],
    keyActions: readonly string[],
    usedBy?: UsedBy,
    keyUsedBy?: UsedBy,
  ): Statement[] {
    return [
      { sid: `Stream${verb}`, actions: streamActions, resources: [this.arn], ...(usedBy ? { usedBy } : {}) },
      ...(keyActions.length > 0
        ? [
            {
              sid: `StreamKey${verb}`,
              actions: keyActions,
              resources: [this.keyArn],
              // Only while Kinesis uses the key for this stream, not for anything else it encrypts.
              condition: { StringEquals: { "kms:EncryptionContext:aws:kinesis:arn": this.arn } },
              ...(keyUsedBy ? { usedBy: keyUsedBy } : {}),
            },
          ]
        : []),
    ];
  }
}
