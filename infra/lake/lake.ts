/**
 * The data lake (runtime/lake/EXACTLY-ONCE.md): the lake writer on Fargate beside the
 * processing service, as its own consumer application (its own lease table and, by default,
 * its own enhanced fan-out consumer, so it never takes read throughput from processing), the
 * lake bucket it writes Parquet to, the Glue tables over it, and an Athena workgroup to
 * query them with its own encrypted results bucket.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { actionsOn, serviceActions } from "../../runtime/common/contract";
import { CONSUMER_DEFAULTS } from "../../runtime/processing/service-contract";
import { LAKE, LAKE_PREFIXES, lakeHeapMiB, unstoredAgeBoundMs } from "../../runtime/lake/contract";
import { shippedSchemas } from "../../runtime/schemas/shipped-schemas";
import { partEnvironment } from "../common/part-environment";
import { PipelineService } from "../common/pipeline-service";
import { PrivateBucket } from "../common/private-bucket";
import { ServiceImage } from "../common/service-image";
import { ServicesConfig } from "../common/services-config";
import { Network } from "../network/network";
import { taskSecurityGroup } from "../network/task-security-group";
import { FanOutConsumer } from "../processing/fan-out-consumer";
import { grantLeaseTable, leaseTable } from "../processing/lease-table";
import { SchemaRegistry } from "../schemas/schema-registry";
import { StreamStorage } from "../stream/stream-storage";
import {
  lakeTables,
  LakeTableDefinition,
  JSON_LINES_STORAGE,
  lakeViews,
  LakeViewDefinition,
  PARQUET_STORAGE,
} from "./glue-tables";
import { LakeCompactor } from "./lake-compactor";
import { LakeConfig } from "./lake-config";
import { lakeProblems, taskBufferBytes } from "./lake-rules";
import { encryptedBucket, grantLakeObjects, lakeKey } from "./lake-storage";
import { namedQueries } from "./named-queries";

/**
 * Athena's query results are kept this long: they are the answers a user already saw (or
 * can get again by running the query); the lake itself is the data.
 */
export const QUERY_RESULTS_DAYS = 7;

/**
 * A query scanning more than this is cancelled (the workgroup enforces it): at Athena's
 * $5 per TB scanned a runaway query costs at most about $0.50.
 * https://docs.aws.amazon.com/athena/latest/ug/workgroups-setting-control-limits-cloudwatch.html
 * https://aws.amazon.com/athena/pricing/
 */
export const BYTES_SCANNED_CUTOFF = 100 * 1024 ** 3;

/** The engine the workgroup runs (its SQL is Trino's): https://docs.aws.amazon.com/athena/latest/ug/engine-versions-reference-0003.html */
export const ATHENA_ENGINE = "Athena engine version 3";

export interface LakeArgs {
  network: Network;
  cluster: aws.ecs.Cluster;
  image: ServiceImage;
  stream: StreamStorage;
  schemas: SchemaRegistry;
  lake: LakeConfig;
  services: ServicesConfig;
  /** The stream's retention, which the lake's lifecycle must outlast (lake-rules.ts). */
  streamRetentionHours: number;
}

/** Glue and Athena database names: lower case, digits and underscores. */
export function databaseName(project: string, stack: string): string {
  return `${project}_${stack}_lake`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
}

export class Lake extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly bucket: PrivateBucket;
  readonly resultsBucket: PrivateBucket;
  readonly database: aws.glue.CatalogDatabase;
  /** The raw tables: each view's segments and compacted parts, the compaction state, the dead letters. */
  readonly tables: aws.glue.CatalogTable[];
  /** The views users query under the lake's table names (records, one per schema). */
  readonly views: aws.glue.CatalogTable[];
  readonly workgroup: aws.athena.Workgroup;
  readonly consumer?: FanOutConsumer;
  readonly leaseTable: aws.dynamodb.Table;
  readonly service: PipelineService;
  readonly role: aws.iam.Role;
  /** Merges closed hours into large parts (unset when lakeCompaction is false). */
  readonly compactor?: LakeCompactor;
  /** Past this age (ms) the oldest record the workers read and have not stored says rows are late (the alarm's bound). */
  readonly unstoredAgeBoundMs: number;

  constructor(name: string, args: LakeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:lake:Lake", name, {}, opts);
    const c = args.lake;
    const problems = lakeProblems({
      rollMegabytes: c.rollBytes / (1024 * 1024),
      memory: c.memory,
      infrequentAccessDays: c.infrequentAccessDays,
      retentionDays: c.retentionDays,
      streamRetentionHours: args.streamRetentionHours,
      compaction: c.compaction !== undefined,
      compactedPartMiB: c.compaction && c.compaction.partBytes / (1024 * 1024),
      compactorMemory: c.compaction?.memory,
    });
    if (problems.length > 0) throw new Error(problems.join("\n"));
    const parent = { parent: this };

    this.key = lakeKey(`${name}-key`, this);
    this.bucket = encryptedBucket(
      name,
      {
        key: this.key,
        forceDestroy: c.forceDestroy,
        lifecycle: {
          infrequentAccessDays: c.infrequentAccessDays,
          retentionDays: c.retentionDays,
          compaction: c.compaction !== undefined,
        },
      },
      this,
    );
    // Query results are disposable: destroy may empty their bucket.
    this.resultsBucket = encryptedBucket(
      `${name}-query-results`,
      { key: this.key, forceDestroy: true, lifecycle: { retentionDays: QUERY_RESULTS_DAYS } },
      this,
    );

    const database = databaseName(pulumi.getProject(), pulumi.getStack());
    this.database = new aws.glue.CatalogDatabase(
      name,
      {
        name: database,
        description: "The pipeline's data lake: one table per schema, the generic table, the dead letters",
      },
      parent,
    );
    const schemas = shippedSchemas().map((s) => ({ name: s.name, definitions: [s.definition] }));
    // Which tables there are follows from the schema files; what each holds, from the bucket's name.
    const definitions = this.bucket.bucket.bucket.apply((bucket) => lakeTables(bucket, schemas));
    this.tables = lakeTables("lake-bucket", schemas).map((shape, i) =>
      catalogTable(
        `${name}-${shape.name}`,
        this.database,
        definitions.apply((d) => d[i]),
        this,
      ),
    );
    // A view names its raw tables, which must exist when Athena first reads it.
    this.views = lakeViews(database, schemas).map((view) =>
      catalogView(`${name}-${view.name}`, this.database, view, { parent: this, dependsOn: this.tables }),
    );

    this.workgroup = new aws.athena.Workgroup(
      name,
      {
        name: `${pulumi.getProject()}-${pulumi.getStack()}-lake`,
        description: "Queries over the pipeline's data lake",
        forceDestroy: true,
        configuration: {
          // Users cannot send results elsewhere, unencrypted, or scan without a bound.
          enforceWorkgroupConfiguration: true,
          publishCloudwatchMetricsEnabled: true,
          bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF,
          engineVersion: { selectedEngineVersion: ATHENA_ENGINE },
          resultConfiguration: {
            outputLocation: pulumi.interpolate`s3://${this.resultsBucket.bucket.bucket}/`,
            encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: this.key.arn },
          },
        },
      },
      parent,
    );
    for (const q of namedQueries()) {
      new aws.athena.NamedQuery(
        `${name}-${q.name}`,
        {
          name: q.name,
          description: q.description,
          database: this.database.name,
          workgroup: this.workgroup.name,
          query: q.query,
        },
        parent,
      );
    }

    const fanout = c.retrieval === "fanout";
    if (fanout) this.consumer = new FanOutConsumer(name, args.stream, parent);
    this.leaseTable = leaseTable(`${name}-leases`, { deletionProtection: c.leaseDeletionProtection }, this);
    const failoverMs = CONSUMER_DEFAULTS.failoverMs;
    this.unstoredAgeBoundMs = unstoredAgeBoundMs(c.rollSeconds, failoverMs);
    const tasks = taskSecurityGroup(
      `${name}-tasks`,
      {
        network: args.network,
        description: "lake workers: nothing in, AWS APIs out",
        apis: "Kinesis, DynamoDB, S3, KMS, ECR and CloudWatch Logs",
      },
      this,
    );
    const environment = partEnvironment(LAKE, {
      STREAM_NAME: args.stream.name,
      AWS_REGION: aws.getRegionOutput({}, parent).region,
      APPLICATION_NAME: this.leaseTable.name,
      RETRIEVAL_MODE: c.retrieval,
      ...(this.consumer ? { CONSUMER_ARN: this.consumer.arn } : {}),
      FAILOVER_MS: failoverMs,
      // The stack owns the table; the task role may not create or describe it.
      CREATE_LEASE_TABLE: false,
      SCHEMA_REGISTRY_NAME: args.schemas.name,
      METRICS_INTERVAL_MS: 60_000,
      LOG_LEVEL: "info",
      LAKE_BUCKET: this.bucket.bucket.bucket,
      LAKE_ROLL_BYTES: c.rollBytes,
      LAKE_ROLL_SECONDS: c.rollSeconds,
      // The task's memory, not V8's default heap limit, is what the budget must fit.
      LAKE_BUFFER_BYTES: taskBufferBytes(c.memory),
    });
    this.service = new PipelineService(
      name,
      {
        cluster: args.cluster,
        image: args.image,
        environment,
        // V8's heap from the task's memory, not Node's own rule: the budget's rows live on it.
        nodeOptions: [`--max-old-space-size=${lakeHeapMiB(c.memory)}`],
        cpu: c.cpu,
        memory: c.memory,
        minTasks: c.minTasks,
        maxTasks: c.maxTasks,
        subnetIds: args.network.privateSubnetIds,
        securityGroupIds: [tasks.id],
        services: args.services,
      },
      // Workers write only once the bucket refuses plain HTTP.
      { parent: this, dependsOn: [this.bucket.policy] },
    );
    // The role gets exactly what the workers call in this environment (the contract's calls).
    const role = (this.role = this.service.taskRole);
    const env = environment.variables;
    const onStream = actionsOn(LAKE, "stream", env);
    if (this.consumer) this.consumer.grantRead(role, name, actionsOn(LAKE, "consumer", env), onStream);
    else args.stream.grantRead(role, name, onStream);
    grantLeaseTable(this.leaseTable, role, name, this, actionsOn(LAKE, "leaseTable", env));
    args.schemas.grantRead(role, name, serviceActions(LAKE, env, "glue"));
    grantLakeObjects(
      `${name}-objects`,
      role,
      {
        bucket: this.bucket.bucket,
        key: this.key,
        prefixes: LAKE_PREFIXES,
        actions: actionsOn(LAKE, "lakeObjects", env),
      },
      this,
    );
    if (c.compaction) {
      this.compactor = new LakeCompactor(
        `${name}-compactor`,
        { ...c.compaction, stream: args.stream, bucket: this.bucket, key: this.key },
        // Its parts are written only once the bucket refuses plain HTTP, as the workers'.
        { parent: this, dependsOn: [this.bucket.policy] },
      );
    }
    this.registerOutputs({
      bucket: this.bucket.bucket.bucket,
      database: this.database.name,
      workgroup: this.workgroup.name,
    });
  }
}

/** A table of the lake in the catalog, from its definition (glue-tables.ts). */
function catalogTable(
  name: string,
  database: aws.glue.CatalogDatabase,
  table: pulumi.Output<LakeTableDefinition>,
  parent: pulumi.Resource,
): aws.glue.CatalogTable {
  return new aws.glue.CatalogTable(
    name,
    {
      databaseName: database.name,
      name: table.name,
      description: table.description,
      tableType: "EXTERNAL_TABLE",
      parameters: table.parameters,
      partitionKeys: table.partitionKeys,
      storageDescriptor: table.apply((t) => ({
        location: t.location,
        columns: t.columns,
        ...(t.format === "parquet"
          ? PARQUET_STORAGE
          : {
              inputFormat: JSON_LINES_STORAGE.inputFormat,
              outputFormat: JSON_LINES_STORAGE.outputFormat,
              serDeInfo: {
                serializationLibrary: JSON_LINES_STORAGE.serializationLibrary,
                parameters: t.serdeParameters ?? {},
              },
            }),
      })),
    },
    { parent },
  );
}

/** A view of the lake in the catalog, as Athena stores one (glue-tables.ts lakeViews). */
function catalogView(
  name: string,
  database: aws.glue.CatalogDatabase,
  view: LakeViewDefinition,
  opts: pulumi.CustomResourceOptions,
): aws.glue.CatalogTable {
  return new aws.glue.CatalogTable(
    name,
    {
      databaseName: database.name,
      name: view.name,
      description: view.description,
      tableType: "VIRTUAL_VIEW",
      parameters: view.parameters,
      viewOriginalText: view.viewOriginalText,
      viewExpandedText: view.viewExpandedText,
      storageDescriptor: {
        columns: view.columns,
        serDeInfo: { name: "-", serializationLibrary: "-" },
      },
    },
    opts,
  );
}
