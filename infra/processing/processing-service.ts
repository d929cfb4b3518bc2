/**
 * Processing: the consumer group of the reference architecture. In `fargate` mode, KCL-style
 * workers on Fargate (runtime/processing/) share the shards through a lease table in DynamoDB
 * and read by enhanced fan-out through a registered stream consumer (or by polling). In
 * `lambda` mode the same record processor runs in a Lambda (see processing-lambda.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { actionsOn, serviceActions } from "../../runtime/common/contract";
import { CONSUMER_DEFAULTS, PROCESSING } from "../../runtime/processing/service-contract";
import { ServicesConfig } from "../common/services-config";
import { ProcessingConfig } from "./processing-config";
import { grantLeaseTable, leaseTable } from "./lease-table";
import { Network } from "../network/network";
import { partEnvironment } from "../common/part-environment";
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
      args.schemas.grantRead(this.role, name, this.lambda.schemaActions);
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
        network: args.network,
        description: "processing workers: nothing in, AWS APIs out",
        apis: "Kinesis, DynamoDB, ECR and CloudWatch Logs",
      },
      this,
    );

    const environment = partEnvironment(PROCESSING, {
      STREAM_NAME: args.stream.name,
      AWS_REGION: aws.getRegionOutput({}, parent).region,
      APPLICATION_NAME: this.leaseTable.name,
      RETRIEVAL_MODE: args.processing.retrieval,
      ...(this.consumer ? { CONSUMER_ARN: this.consumer.arn } : {}),
      INITIAL_POSITION: args.processing.initialPosition,
      FAILOVER_MS: CONSUMER_DEFAULTS.failoverMs,
      CHECKPOINT_INTERVAL_MS: CONSUMER_DEFAULTS.checkpointIntervalMs,
      // The stack owns the table; the task role may not create or describe it.
      CREATE_LEASE_TABLE: false,
      // Records written with a schema header are decoded with the registry's versions.
      SCHEMA_REGISTRY_NAME: args.schemas.name,
      METRICS_INTERVAL_MS: 60_000,
      LOG_LEVEL: "info",
    });
    this.service = new PipelineService(
      name,
      {
        cluster: args.cluster,
        image: args.image,
        environment,
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
    // The role gets exactly what the workers call in this environment (the contract's calls).
    const role = (this.role = this.service.taskRole);
    const env = environment.variables;
    const onStream = actionsOn(PROCESSING, "stream", env);
    if (this.consumer) this.consumer.grantRead(role, name, actionsOn(PROCESSING, "consumer", env), onStream);
    else args.stream.grantRead(role, name, onStream);
    grantLeaseTable(this.leaseTable, role, name, this, actionsOn(PROCESSING, "leaseTable", env));
    args.schemas.grantRead(role, name, serviceActions(PROCESSING, env, "glue"));
    this.registerOutputs({ leaseTable: this.leaseTable.name });
  }
}
