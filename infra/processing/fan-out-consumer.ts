/**
 * An enhanced fan-out consumer registered on the stream: it gets its own 2 MiB/s per shard
 * pushed over SubscribeToShard, instead of sharing the shard's read throughput. At most 20
 * per stream: https://docs.aws.amazon.com/streams/latest/dev/enhanced-consumers.html
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withAlias } from "../common/aliases";
import { grant } from "../common/grants";
import { StreamStorage } from "../stream/stream-storage";

/** What a fan-out reader calls on its consumer (runtime/processing/retrieval/fanout-reader.ts). */
export const CONSUMER_READ_ACTIONS = ["kinesis:SubscribeToShard"] as const;

export class FanOutConsumer extends pulumi.ComponentResource {
  readonly consumer: aws.kinesis.StreamConsumer;
  readonly arn: pulumi.Output<string>;

  constructor(
    private readonly resourceName: string,
    private readonly stream: StreamStorage,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(
      "kinesis-pipeline:processing:FanOutConsumer",
      resourceName,
      {},
      withAlias(opts, "kinesis-pipeline:stream:StreamConsumer"),
    );
    this.consumer = new aws.kinesis.StreamConsumer(
      resourceName,
      { name: `${pulumi.getProject()}-${pulumi.getStack()}-${resourceName}`, streamArn: stream.arn },
      { parent: this },
    );
    this.arn = this.consumer.arn;
    this.registerOutputs({ arn: this.arn });
  }

  /** Lets `role` read through this consumer: subscribe to its shards, and the stream's fan-out read grant. */
  grantRead(role: aws.iam.Role, grantee: string): aws.iam.RolePolicy[] {
    return [
      grant(
        `${this.resourceName}-read-${grantee}`,
        role,
        [{ sid: "FanOut", actions: CONSUMER_READ_ACTIONS, resources: [this.arn] }],
        this,
      ),
      this.stream.grantFanOutRead(role, grantee),
    ];
  }
}
