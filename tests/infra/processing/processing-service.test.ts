import { expect } from "chai";
import { aggregate } from "../../../runtime/stream/aggregation";
import { serviceCommand } from "../../../runtime/common/contract-entry";
import { PROCESSING_LAMBDA } from "../../../runtime/processing/lambda-contract";
import { CONSUMER_DEFAULTS, PROCESSING } from "../../../runtime/processing/service-contract";
import { roleStatements, runPipeline } from "../../harness/pulumi";
import { archiveEntries, expectArchiveContents, invokeArchive, unpackedBytes } from "../../harness/lambda-archive";
import { functionEnvironment, settingsOf, taskEnvironment } from "../common/part-settings";

describe("ProcessingService", () => {
  describe("fargate mode with enhanced fan-out (default)", () => {
    let run: Awaited<ReturnType<typeof runPipeline>>;
    before(async () => {
      run = await runPipeline();
    });

    it("registers a stream consumer on the stream", () => {
      const consumer = run.recorded.one("aws:kinesis/streamConsumer:StreamConsumer", "processing");
      expect(consumer.inputs.streamArn).to.equal(run.outputs.streamArn);
      expect(consumer.inputs.name).to.equal("kinesis-pipeline-test-processing");
    });

    it("keeps leases in an on-demand, point-in-time-recovered, encrypted table keyed by shard", () => {
      const table = run.recorded.one("aws:dynamodb/table:Table", "processing-leases");
      expect(table.inputs).to.deep.include({
        hashKey: "leaseKey",
        attributes: [{ name: "leaseKey", type: "S" }],
        billingMode: "PAY_PER_REQUEST",
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true },
      });
    });

    it("gives the task role exactly: fan-out on the consumer, the shard map, KMS decrypt, the lease table's item actions, schema versions", () => {
      const consumer = run.recorded.one("aws:kinesis/streamConsumer:StreamConsumer", "processing");
      const table = run.recorded.one("aws:dynamodb/table:Table", "processing-leases");
      expect(roleStatements(run.recorded, "processing-task")).to.have.deep.members([
        { Sid: "FanOut", Action: ["kinesis:SubscribeToShard"], Resource: [consumer.state.arn] },
        { Sid: "StreamFanOut", Action: ["kinesis:ListShards"], Resource: [run.outputs.streamArn] },
        {
          Sid: "StreamKeyFanOut",
          Action: ["kms:Decrypt"],
          Resource: [run.outputs.streamKeyArn],
          Condition: { StringEquals: { "kms:EncryptionContext:aws:kinesis:arn": run.outputs.streamArn } },
        },
        {
          Sid: "Leases",
          Action: ["dynamodb:Scan", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          Resource: [table.state.arn],
        },
        { Sid: "SchemaRead", Action: ["glue:GetSchemaVersion"], Resource: ["*"] },
      ]);
    });

    it("runs workers in private subnets with no load balancer, no inbound rule, and HTTPS out only", () => {
      const service = run.recorded.one("aws:ecs/service:Service", "processing");
      const sg = run.recorded.one("aws:ec2/securityGroup:SecurityGroup", "processing-tasks");
      expect(service.inputs.loadBalancers).to.deep.equal([]);
      expect(service.inputs.networkConfiguration).to.deep.include({
        assignPublicIp: false,
        securityGroups: [sg.state.id],
      });
      const rules = [
        ...run.recorded.all("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
        ...run.recorded.all("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"),
      ].filter((r) => r.inputs.securityGroupId === sg.state.id);
      expect(
        rules.map((r) => [r.type.split(":").pop(), r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.toPort]),
      ).to.deep.equal([["SecurityGroupEgressRule", "0.0.0.0/0", 443, 443]]);
    });

    it("hands the worker its stream, lease table, consumer and settings, and never lets it create the table", () => {
      // As the worker reads it: its contract's variables, through the runtime's reader.
      expect(settingsOf(PROCESSING, taskEnvironment(run.recorded, "processing"))).to.deep.include({
        STREAM_NAME: run.outputs.streamName,
        AWS_REGION: "us-east-1",
        APPLICATION_NAME: run.recorded.one("aws:dynamodb/table:Table", "processing-leases").state.name,
        RETRIEVAL_MODE: "fanout",
        CONSUMER_ARN: run.recorded.one("aws:kinesis/streamConsumer:StreamConsumer", "processing").state.arn,
        INITIAL_POSITION: "TRIM_HORIZON",
        FAILOVER_MS: CONSUMER_DEFAULTS.failoverMs,
        CHECKPOINT_INTERVAL_MS: CONSUMER_DEFAULTS.checkpointIntervalMs,
        CREATE_LEASE_TABLE: false,
        SCHEMA_REGISTRY_NAME: "kinesis-pipeline-test",
        METRICS_INTERVAL_MS: 60_000,
        LOG_LEVEL: "info",
      });
      const [container] = JSON.parse(
        run.recorded.one("aws:ecs/taskDefinition:TaskDefinition", "processing").inputs.containerDefinitions as string,
      );
      expect(container.command).to.deep.equal(serviceCommand(PROCESSING));
    });

    it("tracks 65% CPU between processingMinTasks and processingMaxTasks", () => {
      expect(run.recorded.one("aws:appautoscaling/target:Target", "processing").inputs).to.include({
        minCapacity: 2,
        maxCapacity: 4,
      });
      expect(
        run.recorded.one("aws:appautoscaling/policy:Policy", "processing-cpu").inputs
          .targetTrackingScalingPolicyConfiguration,
      ).to.include({ targetValue: 65 });
    });
  });

  it("polling mode registers no consumer and grants the stream's polling reads only", async () => {
    const { recorded, outputs } = await runPipeline({
      processingRetrieval: "polling",
      processingMinTasks: "1",
      processingMaxTasks: "3",
    });
    // The lake's workers have their own consumer (infra/lake); processing registers none.
    expect(recorded.all("aws:kinesis/streamConsumer:StreamConsumer").map((c) => c.name)).to.deep.equal(["lake"]);
    expect(roleStatements(recorded, "processing-task").map((s) => s.Sid)).to.have.members([
      "StreamRead",
      "StreamKeyRead",
      "Leases",
      "SchemaRead",
    ]);
    const settings = settingsOf(PROCESSING, taskEnvironment(recorded, "processing"));
    expect(settings.RETRIEVAL_MODE).to.equal("polling");
    expect(settings.CONSUMER_ARN).to.equal(undefined);
    expect(recorded.one("aws:appautoscaling/target:Target", "processing").inputs).to.include({
      minCapacity: 1,
      maxCapacity: 3,
    });
    void outputs;
  });

  describe("lambda mode", () => {
    let run: Awaited<ReturnType<typeof runPipeline>>;
    before(async () => {
      run = await runPipeline({
        processingMode: "lambda",
        processingInitialPosition: "LATEST",
        lambdaBatchSize: "500",
        lambdaBatchingWindowSeconds: "5",
        lambdaMaxRetryAttempts: "2",
        lambdaMaxRecordAgeSeconds: "600",
        lambdaParallelizationFactor: "4",
        logRetentionDays: "7",
      });
    });

    it("keeps the function's logs for logRetentionDays, as the services' logs", () => {
      const groups = run.recorded.all("aws:cloudwatch/logGroup:LogGroup");
      expect(groups.map((g) => [g.name, g.inputs.retentionInDays])).to.deep.include(["processing-function", 7]);
      expect(groups.every((g) => g.inputs.retentionInDays === 7)).to.equal(true);
    });

    it("runs no processing workers and no lease table", () => {
      expect(run.recorded.all("aws:ecs/service:Service").map((s) => s.name)).to.deep.equal(["ingest", "lake"]);
      // The tables are the shard scaler's history, ingest's tenants and the lake workers' leases.
      expect(run.recorded.all("aws:dynamodb/table:Table").map((t) => t.name)).to.have.members([
        "shard-scaler-history",
        "ingest-tenants",
        "lake-leases",
      ]);
    });

    it("maps the stream to the function with partial batch failures, bisect, limits and an SQS on-failure destination", () => {
      const mapping = run.recorded.one("aws:lambda/eventSourceMapping:EventSourceMapping", "processing");
      const queue = run.recorded.one("aws:sqs/queue:Queue", "processing-failed");
      expect(mapping.inputs).to.deep.equal({
        eventSourceArn: run.outputs.streamArn,
        functionName: run.recorded.one("aws:lambda/function:Function", "processing-function").state.arn,
        startingPosition: "LATEST",
        batchSize: 500,
        maximumBatchingWindowInSeconds: 5,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 2,
        maximumRecordAgeInSeconds: 600,
        parallelizationFactor: 4,
        functionResponseTypes: ["ReportBatchItemFailures"],
        destinationConfig: { onFailure: { destinationArn: queue.state.arn } },
        // The stack's tags, none by default.
        tags: {},
      });
      expect(queue.inputs).to.include({ sqsManagedSseEnabled: true });
    });

    it("gives the function exactly: what its event source mapping reads, the queue, its log group, schema versions", () => {
      const queue = run.recorded.one("aws:sqs/queue:Queue", "processing-failed");
      const logGroup = run.recorded.one("aws:cloudwatch/logGroup:LogGroup", "processing-function");
      const s = roleStatements(run.recorded, "processing-function");
      expect(s.map((x) => [x.Sid, x.Action.join(","), x.Resource.join(",")])).to.have.deep.members([
        [
          "StreamEventSourceMapping",
          "kinesis:DescribeStream,kinesis:DescribeStreamSummary,kinesis:GetRecords,kinesis:GetShardIterator,kinesis:ListShards",
          run.outputs.streamArn,
        ],
        ["StreamKeyEventSourceMapping", "kms:Decrypt", run.outputs.streamKeyArn],
        ["OnFailure", "sqs:SendMessage", queue.state.arn],
        ["Logs", "logs:CreateLogStream,logs:PutLogEvents", `${logGroup.state.arn}:*`],
        ["SchemaRead", "glue:GetSchemaVersion", "*"],
      ]);
      expect(
        run.recorded.all("aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
        "no managed policies",
      ).to.have.lengthOf(0);
      const trust = JSON.parse(
        run.recorded.one("aws:iam/role:Role", "processing-function").inputs.assumeRolePolicy as string,
      );
      expect(trust.Statement).to.deep.equal([
        {
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
      ]);
    });

    it("ships the compiled processor and only the packages it loads, far within Lambda's size limits", async () => {
      const fn = run.recorded.one("aws:lambda/function:Function", "processing-function");
      expect(fn.inputs).to.include({ runtime: "nodejs22.x", handler: "__index.handler" });
      expect(settingsOf(PROCESSING_LAMBDA, functionEnvironment(fn))).to.deep.include({
        LOG_LEVEL: "info",
        SCHEMA_REGISTRY_NAME: "kinesis-pipeline-test",
      });
      const assets = await archiveEntries(fn);
      expectArchiveContents(assets, ["pino", "protobufjs", "pako"]);
      const index = await (assets["__index.js"] as { text: Promise<string> }).text;
      // The module path is captured into the handler as a value: the archive's own copy.
      expect(index).to.contain('"./dist/runtime/processing/lambda-entry"');
      const bytes = unpackedBytes(assets);
      // Lambda: 50 MB zipped upload, 250 MB unzipped. Unzipped is the stricter check here.
      expect(bytes).to.be.below(20 * 1024 * 1024);

      // And it runs from what it holds: a KPL aggregate and a plain record, handled.
      const aggregated = aggregate([
        { partitionKey: "a", data: Buffer.from("one") },
        { partitionKey: "b", data: Buffer.from("two") },
      ]);
      const event = {
        Records: [
          {
            eventID: "shardId-000000000000:1",
            kinesis: { partitionKey: "a", sequenceNumber: "1", data: aggregated.toString("base64") },
          },
          {
            eventID: "shardId-000000000000:2",
            kinesis: { partitionKey: "c", sequenceNumber: "2", data: Buffer.from("three").toString("base64") },
          },
        ],
      };
      expect(await invokeArchive(assets, event)).to.deep.equal({ batchItemFailures: [] });
    });
  });
});
