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

  /**
   * Lets `role` read through this consumer: `actions` on the consumer (SubscribeToShard), and
   * `streamActions` on the stream (the shard map) with its key, as the reader's contract
   * declares them.
   */
  grantRead(
    role: aws.iam.Role,
    grantee: string,
    actions: readonly string[],
    streamActions: readonly string[],
  ): aws.iam.RolePolicy[] {
    return [
      grant(`${this.resourceName}-read-${grantee}`, role, [{ sid: "FanOut", actions, resources: [this.arn] }], this),
      this.stream.grantFanOutRead(role, grantee, streamActions),
    ];
  }
}
