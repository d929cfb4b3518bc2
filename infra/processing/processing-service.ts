/**
 * Processing: the consumer group of the reference architecture. In `fargate` mode, KCL-style
 * workers on Fargate (runtime/processing/) share the shards through a lease table in DynamoDB
 * and read by enhanced fan-out through a registered stream consumer (or by polling). In
 * `lambda` mode the same record processor runs in a Lambda (see processing-lambda.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CONSUMER_DEFAULTS } from "../../runtime/processing/settings";
import { serviceCommand } from "../../runtime/common/services";
import { ProcessingConfig, ServicesConfig } from "../config/config";
import { grantLeaseTable, leaseTable } from "./lease-table";
import { Network } from "../network/network";
import { PipelineService } from "../common/pipeline-service";
import { ProcessingLambda } from "./processing-lambda";
import { SchemaRegistry } from "../schemas/schema-registry";
import { ServiceImage } from "../common/service-image";
import { StreamStorage } from "../stream/stream-storage";
import { FanOutConsumer } from "./fan-out-consumer";
import { taskSecurityGroup } from "../network/task-security-group";

export interface ProcessingServiceArgs {
  network: Network;
  cluster: aws.ecs.Cluster;
  image: ServiceImage;
  stream: StreamStorage;
  schemas: SchemaRegistry;
  processing: ProcessingConfig;
  services: ServicesConfig;
}

export class ProcessingService extends pulumi.ComponentResource {
  readonly consumer?: FanOutConsumer;
  readonly leaseTable?: aws.dynamodb.Table;
  readonly service?: PipelineService;
  readonly lambda?: ProcessingLambda;
  /** The role that reads records, in either mode. */
  readonly role: aws.iam.Role;

  constructor(name: string, args: ProcessingServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:processing:ProcessingService", name, {}, opts);
    const parent = { parent: this };
    if (args.processing.mode === "lambda") {
      this.lambda = new ProcessingLambda(
        name,
        {
          stream: args.stream,
          schemaRegistryName: args.schemas.name,
          processing: args.processing,
        },
        parent,
      );
      this.role = this.lambda.role;
      args.schemas.grantRead(this.role, name);
      this.registerOutputs({});
      return;
    }

    const fanout = args.processing.retrieval === "fanout";
    if (fanout) this.consumer = new FanOutConsumer(name, args.stream, parent);
    this.leaseTable = leaseTable(
      `${name}-leases`,
      { deletionProtection: args.processing.leaseDeletionProtection },
      this,
    );

    const tasks = taskSecurityGroup(
      `${name}-tasks`,
      {
        vpcId: args.network.vpcId,
        description: "processing workers: nothing in, AWS APIs out",
        apis: "Kinesis, DynamoDB, ECR and CloudWatch Logs",
      },
      this,
    );

    this.service = new PipelineService(
      name,
      {
        cluster: args.cluster,
        image: args.image,
        command: serviceCommand("processing"),
        environment: {
          STREAM_NAME: args.stream.name,
          AWS_REGION: aws.getRegionOutput({}, parent).region,
          APPLICATION_NAME: this.leaseTable.name,
          RETRIEVAL_MODE: args.processing.retrieval,
          ...(this.consumer ? { CONSUMER_ARN: this.consumer.arn } : {}),
          INITIAL_POSITION: args.processing.initialPosition,
          FAILOVER_MS: String(CONSUMER_DEFAULTS.failoverMs),
          CHECKPOINT_INTERVAL_MS: String(CONSUMER_DEFAULTS.checkpointIntervalMs),
          // The stack owns the table; the task role may not create or describe it.
          CREATE_LEASE_TABLE: "false",
          // Records written with a schema header are decoded with the registry's versions.
          SCHEMA_REGISTRY_NAME: args.schemas.name,
          METRICS_INTERVAL_MS: "60000",
          LOG_LEVEL: "info",
        },
        cpu: args.processing.cpu,
        memory: args.processing.memory,
        minTasks: args.processing.minTasks,
        maxTasks: args.processing.maxTasks,
        subnetIds: args.network.privateSubnetIds,
        securityGroupIds: [tasks.id],
        services: args.services,
      },
      parent,
    );
    const role = (this.role = this.service.taskRole);
    if (this.consumer) this.consumer.grantRead(role, name);
    else args.stream.grantRead(role, name);
    grantLeaseTable(this.leaseTable, role, name, this);
    args.schemas.grantRead(role, name);
    this.registerOutputs({ leaseTable: this.leaseTable.name });
  }
}
