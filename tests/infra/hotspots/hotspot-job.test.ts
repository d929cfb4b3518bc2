import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import {
  APPLICATION_FILES,
  APPLICATION_SOURCES,
  ConnectorTarget,
  FLINK_CONNECTOR_CALLS,
  FLINK_CONNECTOR_JAR,
  HOTSPOT_JOB,
  JOB_PROPERTIES_GROUP,
  mavenCentralUrl,
  RUN_OPTIONS_GROUP,
} from "../../../runtime/hotspots/job-contract";
import { hotspotStatements, statementsFile } from "../../../runtime/hotspots/flink-sql";
import { jobConfig } from "../../../runtime/hotspots/job-config";
import { HOTSPOT_INDEX } from "../../../runtime/search/indices";
import { archiveEntries, expectArchiveContents, invokeArchive, unpackedBytes } from "../../harness/lambda-archive";
import { sigV4Authorization, startOpenSearchStandIn } from "../../harness/opensearch-stand-in";
import { roleStatements, runPipeline } from "../../harness/pulumi";
import { settingsOf } from "../common/part-settings";

const APP = "aws:kinesisanalyticsv2/application:Application";

type Archive = {
  assets: Promise<Record<string, { path?: Promise<string>; text?: Promise<string>; uri?: Promise<string> }>>;
};

describe("HotspotJob", () => {
  let run: Awaited<ReturnType<typeof runPipeline>>;
  before(async () => {
    run = await runPipeline();
  });

  it("keeps the code in a private, encrypted, versioned bucket that destroy does not empty by default", () => {
    const bucket = run.recorded.one("aws:s3/bucket:Bucket", "analytics-code");
    expect(bucket.inputs.forceDestroy).to.equal(false);
    expect(
      run.recorded.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "analytics-code").inputs,
    ).to.include({
      bucket: bucket.state.bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(
      run.recorded.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "analytics-code",
      ).inputs.rules,
    ).to.deep.equal([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    expect(
      run.recorded.one("aws:s3/bucketVersioning:BucketVersioning", "analytics-code").inputs.versioningConfiguration,
    ).to.deep.equal({
      status: "Enabled",
    });
  });

  it("ships the launcher, the UDFs, the statements rendered from the config and the pinned connector JAR", async () => {
    const object = run.recorded.one("aws:s3/bucketObjectv2:BucketObjectv2");
    const assets = await (object.inputs.source as Archive).assets;
    expect(Object.keys(assets).sort()).to.deep.equal(Object.values(APPLICATION_FILES).sort());
    expect(await assets[APPLICATION_FILES.statements].text).to.equal(statementsFile(hotspotStatements(jobConfig())));
    expect(await assets[APPLICATION_FILES.launcher].path).to.equal(APPLICATION_SOURCES.launcher);
    expect(await assets[APPLICATION_FILES.udfs].path).to.equal(APPLICATION_SOURCES.udfs);
    expect(await assets[APPLICATION_FILES.connector].uri).to.equal(mavenCentralUrl(FLINK_CONNECTOR_JAR));
    expect(readFileSync(APPLICATION_SOURCES.launcher, "utf8")).to.contain(`JOB_GROUP = "${JOB_PROPERTIES_GROUP}"`);
  });

  describe("where the connector JAR comes from (flinkConnectorJar)", () => {
    const connector = async (values: Record<string, string>) => {
      const { recorded } = await runPipeline(values);
      const object = recorded.one("aws:s3/bucketObjectv2:BucketObjectv2");
      return (await (object.inputs.source as Archive).assets)[APPLICATION_FILES.connector];
    };

    it("a mirror's https URL is fetched from there", async () => {
      const mirror = "https://mirror.example.com/maven2/flink-sql-connector-kinesis-5.0.0-1.20.jar";
      expect(await (await connector({ flinkConnectorJar: mirror })).uri).to.equal(mirror);
    });

    it("a file on the deploying machine is shipped as it is", async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "connector-"));
      const jar = path.join(dir, "connector.jar");
      writeFileSync(jar, "PK");
      expect(await (await connector({ flinkConnectorJar: jar })).path).to.equal(jar);
    });

    it("a path that does not exist fails the preview with the file and the fix", async () => {
      const missing = path.join(tmpdir(), "no-such-dir", "connector.jar");
      let error: Error | undefined;
      try {
        await connector({ flinkConnectorJar: missing });
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.contain(`${missing} does not exist`);
      expect(error?.message).to.contain(mavenCentralUrl(FLINK_CONNECTOR_JAR));
    });
  });

  it("runs that code version on FLINK-1_20, started, with checkpoints every 60 s, snapshots, logs and the job's properties", () => {
    const app = run.recorded.one(APP);
    const bucket = run.recorded.one("aws:s3/bucket:Bucket", "analytics-code");
    const object = run.recorded.one("aws:s3/bucketObjectv2:BucketObjectv2");
    const results = run.recorded.one("aws:kinesis/stream:Stream", "analytics-results");
    const config = app.inputs.applicationConfiguration as Record<string, any>;
    expect(app.inputs).to.include({ runtimeEnvironment: "FLINK-1_20", startApplication: true });
    expect(config.applicationCodeConfiguration).to.deep.equal({
      codeContentType: "ZIPFILE",
      codeContent: {
        s3ContentLocation: {
          bucketArn: bucket.state.arn,
          fileKey: "hotspots/application.zip",
          objectVersion: object.state.versionId,
        },
      },
    });
    const groups = config.environmentProperties.propertyGroups as { propertyGroupId: string; propertyMap: any }[];
    expect(groups.map((g) => g.propertyGroupId)).to.deep.equal([RUN_OPTIONS_GROUP, JOB_PROPERTIES_GROUP]);
    expect(groups[0].propertyMap).to.deep.equal({
      python: "main.py",
      jarfile: APPLICATION_FILES.connector,
      pyFiles: "hotspot_udfs.py",
    });
    // The job's properties, as its contract reads them (the launcher puts them in place of the placeholders).
    expect(settingsOf(HOTSPOT_JOB, groups[1].propertyMap)).to.deep.equal({
      stream: run.outputs.streamName,
      region: "us-east-1",
      initialPosition: "TRIM_HORIZON",
      resultsStreamArn: results.state.arn,
    });
    expect(config.flinkApplicationConfiguration).to.deep.equal({
      checkpointConfiguration: {
        configurationType: "CUSTOM",
        checkpointingEnabled: true,
        checkpointInterval: 60_000,
        minPauseBetweenCheckpoints: 5_000,
      },
      monitoringConfiguration: { configurationType: "CUSTOM", logLevel: "INFO", metricsLevel: "APPLICATION" },
      // The Flink scaler (on by default) sizes it; the built-in autoscaling stays off.
      parallelismConfiguration: {
        configurationType: "CUSTOM",
        parallelism: 1,
        parallelismPerKpu: 1,
        autoScalingEnabled: false,
      },
    });
    expect(config.applicationSnapshotConfiguration).to.deep.equal({ snapshotsEnabled: true });
    const logGroup = run.recorded.one("aws:cloudwatch/logGroup:LogGroup", "analytics");
    const logStream = run.recorded.one("aws:cloudwatch/logStream:LogStream", "analytics");
    expect(app.inputs.cloudwatchLoggingOptions).to.deep.equal({
      logStreamArn: `${logGroup.state.arn}:log-stream:${logStream.state.name}`,
    });
    // The scaler moves the parallelism: pulumi up leaves it where the scaler put it.
    expect(app.ignoreChanges).to.deep.equal([
      "applicationConfiguration.flinkApplicationConfiguration.parallelismConfiguration.parallelism",
    ]);
  });

  it("gives the application's role exactly: what its connector calls on the trips and results, its code object, its logs", () => {
    const stream = run.recorded.one("aws:kinesis/stream:Stream", "stream");
    const results = run.recorded.one("aws:kinesis/stream:Stream", "analytics-results");
    const bucket = run.recorded.one("aws:s3/bucket:Bucket", "analytics-code");
    const logGroup = run.recorded.one("aws:cloudwatch/logGroup:LogGroup", "analytics");
    const logStream = run.recorded.one("aws:cloudwatch/logStream:LogStream", "analytics");
    const keyOf = (s: typeof stream) => s.inputs.kmsKeyId;
    expect(roleStatements(run.recorded, "analytics")).to.have.deep.members([
      {
        Sid: "StreamFlinkSource",
        // The kinesis-legacy source describes the stream before it lists shards or gets an iterator.
        Action: ["kinesis:DescribeStream", "kinesis:ListShards", "kinesis:GetShardIterator", "kinesis:GetRecords"],
        Resource: [stream.state.arn],
      },
      {
        Sid: "StreamKeyFlinkSource",
        Action: ["kms:Decrypt"],
        Resource: [keyOf(stream)],
        Condition: { StringEquals: { "kms:EncryptionContext:aws:kinesis:arn": stream.state.arn } },
      },
      {
        Sid: "StreamFlinkSink",
        Action: ["kinesis:PutRecords"],
        Resource: [results.state.arn],
      },
      {
        Sid: "StreamKeyFlinkSink",
        Action: ["kms:GenerateDataKey"],
        Resource: [keyOf(results)],
        Condition: { StringEquals: { "kms:EncryptionContext:aws:kinesis:arn": results.state.arn } },
      },
      {
        Sid: "Code",
        Action: ["s3:GetObject", "s3:GetObjectVersion"],
        Resource: [`${bucket.state.arn}/hotspots/application.zip`],
      },
      {
        Sid: "LogStream",
        Action: ["logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [`${logGroup.state.arn}:log-stream:${logStream.state.name}`],
      },
      {
        Sid: "LogGroups",
        Action: ["logs:DescribeLogGroups"],
        Resource: ["arn:aws:logs:us-east-1:123456789012:log-group:*"],
      },
    ]);
    expect(
      JSON.parse(run.recorded.one("aws:iam/role:Role", "analytics").inputs.assumeRolePolicy as string).Statement[0]
        .Principal,
    ).to.deep.equal({
      Service: "kinesisanalytics.amazonaws.com",
    });
  });

  it("holds each Kinesis and KMS action on exactly the resources its contract's connector calls name for it, and no other", () => {
    const trips = run.recorded.one("aws:kinesis/stream:Stream", "stream");
    const results = run.recorded.one("aws:kinesis/stream:Stream", "analytics-results");
    const arnOf: Record<ConnectorTarget, unknown> = {
      trips: trips.state.arn,
      tripsKey: trips.inputs.kmsKeyId,
      results: results.state.arn,
      resultsKey: results.inputs.kmsKeyId,
    };
    const granted = roleStatements(run.recorded, "analytics")
      .flatMap((s) => s.Action.flatMap((action) => s.Resource.map((resource) => `${action} ${resource}`)))
      .filter((grant) => /^(kinesis|kms):/.test(grant));
    const called = FLINK_CONNECTOR_CALLS.map((call) => `${call.action} ${arnOf[call.on]}`);
    expect(granted).to.have.members(called);
    for (const call of FLINK_CONNECTOR_CALLS)
      expect(call.source, call.action).to.match(/\.java \w+|^https:\/\/docs\.aws/);
  });

  it("grants kinesis:DescribeStream to the Flink application only, not to the stream's other readers", async () => {
    const describers = (recorded: typeof run.recorded) => {
      const stream = recorded.one("aws:kinesis/stream:Stream", "stream");
      return recorded
        .all("aws:iam/role:Role")
        .filter((role) =>
          roleStatements(recorded, role.name).some(
            (s) => s.Action.includes("kinesis:DescribeStream") && s.Resource.includes(stream.state.arn as string),
          ),
        )
        .map((role) => role.name);
    };
    expect(describers(run.recorded)).to.deep.equal(["analytics"]);
    // Polling workers take the plain read grant, which stays without it.
    const polling = await runPipeline({ processingRetrieval: "polling" });
    expect(describers(polling.recorded)).to.deep.equal(["analytics"]);
  });

  it("writes its results to a one-shard encrypted stream, and outputs the application's name", () => {
    const results = run.recorded.one("aws:kinesis/stream:Stream", "analytics-results");
    expect(results.inputs).to.deep.include({ shardCount: 1, retentionPeriod: 24, encryptionType: "KMS" });
    expect(run.outputs.flinkApplicationName).to.equal(run.recorded.one(APP).state.name);
  });

  it("takes parallelism, KPUs, autoscaling, start position and force-destroy from config", async () => {
    const { recorded } = await runPipeline({
      flinkParallelism: "8",
      flinkParallelismPerKpu: "2",
      flinkAutoScaling: "false",
      flinkScaler: "false",
      flinkInitialPosition: "LATEST",
      analyticsBucketForceDestroy: "true",
    });
    const app = recorded.one(APP);
    const config = app.inputs.applicationConfiguration as Record<string, any>;
    expect(config.flinkApplicationConfiguration.parallelismConfiguration).to.deep.equal({
      configurationType: "CUSTOM",
      parallelism: 8,
      parallelismPerKpu: 2,
      autoScalingEnabled: false,
    });
    expect(
      settingsOf(HOTSPOT_JOB, config.environmentProperties.propertyGroups[1].propertyMap).initialPosition,
    ).to.equal("LATEST");
    expect(app.ignoreChanges).to.deep.equal([]);
    expect(recorded.one("aws:s3/bucket:Bucket", "analytics-code").inputs.forceDestroy).to.equal(true);
  });
});

describe("SearchIndexer", () => {
  let run: Awaited<ReturnType<typeof runPipeline>>;
  before(async () => {
    run = await runPipeline();
  });

  it("reads the results stream with partial batch failures, bisect, bounded retries and an on-failure queue", () => {
    const mapping = run.recorded.one("aws:lambda/eventSourceMapping:EventSourceMapping", "search-indexer");
    const results = run.recorded.one("aws:kinesis/stream:Stream", "analytics-results");
    const queue = run.recorded.one("aws:sqs/queue:Queue", "search-indexer-failed");
    expect(mapping.inputs).to.deep.include({
      eventSourceArn: results.state.arn,
      startingPosition: "TRIM_HORIZON",
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 10,
      functionResponseTypes: ["ReportBatchItemFailures"],
      destinationConfig: { onFailure: { destinationArn: queue.state.arn } },
    });
  });

  it("its role: read the results, POST to the domain (and it is named in the access policy), its queue and logs", () => {
    const results = run.recorded.one("aws:kinesis/stream:Stream", "analytics-results");
    const domain = run.recorded.one("aws:opensearch/domain:Domain");
    const role = run.recorded.one("aws:iam/role:Role", "search-indexer");
    const sids = roleStatements(run.recorded, "search-indexer").map((s) => [s.Sid, s.Action, s.Resource]);
    expect(sids).to.deep.include(["SearchHttp", ["es:ESHttpPost"], [`${domain.state.arn}/*`]]);
    expect(sids).to.deep.include([
      "StreamEventSourceMapping",
      [
        "kinesis:DescribeStream",
        "kinesis:DescribeStreamSummary",
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
        "kinesis:ListShards",
      ],
      [results.state.arn],
    ]);
    expect(sids.map((s) => s[0]).sort()).to.deep.equal(
      ["StreamEventSourceMapping", "Logs", "OnFailure", "SearchHttp", "StreamKeyEventSourceMapping"].sort(),
    );
    const policy = JSON.parse(
      run.recorded.one("aws:opensearch/domainPolicy:DomainPolicy").inputs.accessPolicies as string,
    );
    expect(
      policy.Statement.map((s: { Principal: { AWS: string }; Action: string[] }) => [s.Principal.AWS, s.Action]),
    ).to.deep.include([role.state.arn, ["es:ESHttpPost"]]);
  });

  it("the setup waits for the access policy (dependsOn), so its first request is admitted", () => {
    const invocation = run.recorded.one("aws:lambda/invocation:Invocation", "search-setup");
    expect(invocation.dependsOn).to.include(run.recorded.one("aws:opensearch/domainPolicy:DomainPolicy").urn);
  });

  it("ships the indexer and only opensearch-js, and it indexes a batch from what it holds", async () => {
    const fn = run.recorded.one("aws:lambda/function:Function", "search-indexer");
    const assets = await archiveEntries(fn);
    expectArchiveContents(assets, ["@opensearch-project/opensearch"]);
    expect(unpackedBytes(assets)).to.be.below(10 * 1024 * 1024);
    const standIn = await startOpenSearchStandIn();
    try {
      const row = {
        index: HOTSPOT_INDEX,
        cell: "dr5ru7",
        location: "40.75,-73.98",
        count: 4,
        windowStart: "2009-01-24T12:00:00",
        windowEnd: "2009-01-24T18:00:00",
      };
      const event = {
        Records: [
          {
            eventID: "shardId-000000000000:1",
            kinesis: {
              partitionKey: "p",
              sequenceNumber: "1",
              data: Buffer.from(JSON.stringify(row)).toString("base64"),
            },
          },
        ],
      };
      const response = await invokeArchive(assets, event, {
        SEARCH_ENDPOINT: standIn.endpoint,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "secret",
      });
      expect(response).to.deep.equal({ batchItemFailures: [] });
      expect(standIn.requests.map((r) => `${r.method} ${r.url}`)).to.deep.equal(["POST /_bulk"]);
      expect(standIn.requests[0].headers.authorization).to.match(sigV4Authorization("AKIDEXAMPLE", "us-east-1"));
      expect(standIn.requests[0].body.split("\n")[0]).to.equal(
        JSON.stringify({ index: { _index: HOTSPOT_INDEX, _id: "dr5ru7_2009-01-24T12:00:00.000Z" } }),
      );
    } finally {
      await standIn.close();
    }
  });
});

describe("ReplayTask", () => {
  let run: Awaited<ReturnType<typeof runPipeline>>;
  before(async () => {
    run = await runPipeline();
  });

  it("defines a small one-off task that replays the shipped 2009 sample in a loop into the ingest API", () => {
    const td = run.recorded.one("aws:ecs/taskDefinition:TaskDefinition", "replay");
    expect(td.inputs).to.include({ cpu: "256", memory: "512", family: "replay" });
    const [container] = JSON.parse(td.inputs.containerDefinitions as string);
    expect(container.command).to.deep.equal([
      "node",
      "dist/runtime/replay/main.js",
      "--file",
      "data/nyc-taxi/yellow_tripdata_2009-01_10k.csv",
      "--speedup",
      "3600",
      "--loop",
      "--target",
      run.outputs.ingestUrl,
    ]);
    expect(container.readonlyRootFilesystem).to.equal(true);
    // No service runs it: a user starts it.
    expect(run.recorded.all("aws:ecs/service:Service").map((s) => s.name)).to.not.include("replay");
  });

  it("its network: nothing in, HTTP and HTTPS out; the output is the run-task command for the private subnets", () => {
    const sg = run.recorded.one("aws:ec2/securityGroup:SecurityGroup", "replay-tasks");
    const egress = run.recorded
      .all("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
      .filter((r) => r.inputs.securityGroupId === sg.state.id);
    expect(egress.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]).sort()).to.deep.equal([
      [443, 443, "0.0.0.0/0"],
      [80, 80, "0.0.0.0/0"],
    ]);
    expect(
      run.recorded
        .all("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .filter((r) => r.inputs.securityGroupId === sg.state.id),
    ).to.deep.equal([]);
    expect(run.outputs.replayCommand).to.match(
      new RegExp(
        `^aws ecs run-task --cluster \\S+ --launch-type FARGATE --task-definition replay --network-configuration "awsvpcConfiguration=\\{subnets=\\[[^\\]]+\\],securityGroups=\\[${sg.state.id}\\],assignPublicIp=DISABLED\\}"$`,
      ),
    );
  });

  it("with ingest on HTTPS only, the replay has no way out on port 80", async () => {
    const { recorded } = await runPipeline({
      ingestDomainName: "ingest.example.com",
      certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012",
    });
    const sg = recorded.one("aws:ec2/securityGroup:SecurityGroup", "replay-tasks");
    const egress = recorded
      .all("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
      .filter((r) => r.inputs.securityGroupId === sg.state.id);
    expect(egress.map((r) => [r.inputs.fromPort, r.inputs.cidrIpv4])).to.deep.equal([[443, "0.0.0.0/0"]]);
  });
  it("the image carries the taxi samples the task reads (Dockerfile and .dockerignore)", () => {
    const root = `${__dirname}/../../..`;
    expect(readFileSync(`${root}/Dockerfile`, "utf8")).to.contain(
      "COPY --chown=root:root data/nyc-taxi ./data/nyc-taxi",
    );
    const ignore = readFileSync(`${root}/.dockerignore`, "utf8").split("\n");
    expect(ignore).to.include.members(["data/*", "!data/nyc-taxi"]);
    expect(ignore).to.not.include("data");
  });
});
