/**
 * Reads and validates the whole stack config in one place. A bad stack fails the preview
 * with ONE error that lists every bad key, its value and what is allowed, so a user fixes
 * everything in one round instead of one key per `pulumi preview`.
 */
import * as pulumi from "@pulumi/pulumi";
import { STREAM_LIMITS } from "../../runtime/stream/limits";
import {
  CONFIG_KEYS,
  ConfigKey,
  ConfigKeyName,
  DEFAULT_MAX_SHARDS_FACTOR,
  DEFAULT_PROVISIONED_SHARDS,
} from "./config-keys";
import { JobConfig, jobConfig } from "../../runtime/hotspots/job-config";
import { refusal } from "../../runtime/common/setting";
import { streamStorageProblems } from "../stream/stream-storage-rules";
import { shardScalerProblems } from "../scaling/shard-scaler-rules";
import { ingestDomainProblems } from "../ingest/ingest-domain-rules";
import { ingestAuthProblems } from "../ingest/ingest-auth-rules";
import { pipelineServiceProblems } from "../common/pipeline-service-rules";
import { searchDomainProblems } from "../search/search-domain-rules";
import { hotspotJobProblems } from "../hotspots/hotspot-job-rules";
import { flinkScalerProblems } from "../scaling/flink-scaler-rules";
import { stackTagProblems } from "../common/stack-defaults";
import { ServicesConfig } from "../common/services-config";
import { FlinkConfig } from "../hotspots/hotspot-config";
import { IngestConfig } from "../ingest/ingest-config";
import { NetworkConfig } from "../network/network-config";
import { ProcessingConfig } from "../processing/processing-config";
import { SchemaConfig } from "../schemas/schema-config";
import { SearchConfig } from "../search/search-config";
import { StreamConfig } from "../stream/stream-config";
import { LakeConfig } from "../lake/lake-config";
import { lakeProblems } from "../lake/lake-rules";

export interface AnalyticsConfig {
  search: SearchConfig;
  flink: FlinkConfig;
  /** The hot-spot job's settings (outOfOrdernessSeconds keeps its default). */
  job: JobConfig;
}

export interface PipelineConfig {
  stream: StreamConfig;
  /** Where alarms are e-mailed, when set. */
  alertEmail?: string;
  /** Unset when the `analytics` key is false. */
  analytics?: AnalyticsConfig;
  schemas: SchemaConfig;
  processing: ProcessingConfig;
  network: NetworkConfig;
  services: ServicesConfig;
  ingest: IngestConfig;
  /** Unset when the `lake` key is false. */
  lake?: LakeConfig;
  tags: Record<string, string>;
  /** How long every log group of the stack keeps its events (infra/common/stack-defaults.ts). */
  logRetentionDays: number;
}

export type ConfigResult = { ok: true; config: PipelineConfig } | { ok: false; problems: string[] };

/** Edit distance, to suggest the key a typo meant. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

function closest(name: string, known: string[]): string | undefined {
  const [best] = [...known].sort(
    (x, y) => distance(name.toLowerCase(), x.toLowerCase()) - distance(name.toLowerCase(), y.toLowerCase()),
  );
  return distance(name.toLowerCase(), best.toLowerCase()) <= 3 ? best : undefined;
}

/**
 * Validates raw config values (keys without the project namespace, values as strings, as
 * Pulumi hands them over). Pure: every rule here is tested by a table.
 */
export function validateConfig(raw: Record<string, string | undefined>): ConfigResult {
  const problems: string[] = [];
  const known = Object.keys(CONFIG_KEYS);

  for (const name of Object.keys(raw)) {
    if (!known.includes(name)) {
      const hint = closest(name, known);
      problems.push(
        `${name} is not a config key of this project${hint ? ` (did you mean ${hint}?)` : ""}; known keys: ${known.join(", ")}`,
      );
    }
  }

  function read<T>(key: ConfigKey<T>): T | undefined {
    const declared = Array.isArray(key.default) ? JSON.stringify(key.default) : key.default;
    const value = raw[key.name] ?? (declared === undefined ? undefined : String(declared));
    if (value === undefined || (key.optional && value === "")) return undefined;
    const parsed = key.parse(value);
    if (parsed === undefined) problems.push(refusal(key.name, key, value));
    return parsed;
  }

  const mode = read(CONFIG_KEYS.streamMode);
  const shardCount = read(CONFIG_KEYS.shardCount);
  const retentionHours = read(CONFIG_KEYS.retentionHours);
  const kmsKeyArn = read(CONFIG_KEYS.kmsKeyArn);
  const tags = read(CONFIG_KEYS.tags);

  const natGateways = read(CONFIG_KEYS.natGateways);
  const flowLogs = read(CONFIG_KEYS.flowLogs);
  const streamVpcEndpoint = read(CONFIG_KEYS.streamVpcEndpoint);
  const allowedCidrs = read(CONFIG_KEYS.ingestAllowedCidrs);
  const certificateArn = read(CONFIG_KEYS.certificateArn);
  const ingestDomainName = read(CONFIG_KEYS.ingestDomainName);
  const ingestHostedZoneId = read(CONFIG_KEYS.ingestHostedZoneId);
  const ackMode = read(CONFIG_KEYS.ingestAckMode);
  const cpu = read(CONFIG_KEYS.ingestCpu);
  const memory = read(CONFIG_KEYS.ingestMemory);
  const minTasks = read(CONFIG_KEYS.ingestMinTasks);
  const maxTasks = read(CONFIG_KEYS.ingestMaxTasks);
  const accessLogDays = read(CONFIG_KEYS.ingestAccessLogDays);
  const ingestAuth = read(CONFIG_KEYS.ingestAuth);
  const allowPlainHttp = read(CONFIG_KEYS.ingestAllowPlainHttp);
  const tenantRecordsPerSecond = read(CONFIG_KEYS.tenantRecordsPerSecond);
  const tenantBytesPerSecond = read(CONFIG_KEYS.tenantBytesPerSecond);
  const tenantMetrics = read(CONFIG_KEYS.tenantMetrics);
  const tenantsDeletionProtection = read(CONFIG_KEYS.tenantsDeletionProtection);
  const scaleOutCooldownSeconds = read(CONFIG_KEYS.scaleOutCooldownSeconds);
  const scaleInCooldownSeconds = read(CONFIG_KEYS.scaleInCooldownSeconds);
  const logRetentionDays = read(CONFIG_KEYS.logRetentionDays);

  const processingMode = read(CONFIG_KEYS.processingMode);
  const processingRetrieval = read(CONFIG_KEYS.processingRetrieval);
  const processingInitialPosition = read(CONFIG_KEYS.processingInitialPosition);
  const processingCpu = read(CONFIG_KEYS.processingCpu);
  const processingMemory = read(CONFIG_KEYS.processingMemory);
  const processingMinTasks = read(CONFIG_KEYS.processingMinTasks);
  const processingMaxTasks = read(CONFIG_KEYS.processingMaxTasks);
  const leaseDeletionProtection = read(CONFIG_KEYS.leaseDeletionProtection);
  const lambdaBatchSize = read(CONFIG_KEYS.lambdaBatchSize);
  const lambdaBatchingWindowSeconds = read(CONFIG_KEYS.lambdaBatchingWindowSeconds);
  const lambdaMaxRetryAttempts = read(CONFIG_KEYS.lambdaMaxRetryAttempts);
  const lambdaMaxRecordAgeSeconds = read(CONFIG_KEYS.lambdaMaxRecordAgeSeconds);
  const lambdaParallelizationFactor = read(CONFIG_KEYS.lambdaParallelizationFactor);
  const schemaCompatibility = read(CONFIG_KEYS.schemaCompatibility);
  const schemaAutoRegistration = read(CONFIG_KEYS.schemaAutoRegistration);
  const ingestSchema = read(CONFIG_KEYS.ingestSchema);

  const shardScaler = read(CONFIG_KEYS.shardScaler);
  const minShards = read(CONFIG_KEYS.minShards);
  const maxShards = read(CONFIG_KEYS.maxShards);
  const shardScalerDryRun = read(CONFIG_KEYS.shardScalerDryRun);
  const shardScalerTargetUsage = read(CONFIG_KEYS.shardScalerTargetUsage);
  const scalerReservedConcurrency = read(CONFIG_KEYS.scalerReservedConcurrency) === true;
  const scaled = mode === "PROVISIONED" && shardScaler === true;
  const baseShards = shardCount ?? DEFAULT_PROVISIONED_SHARDS;
  const scaleLimit = maxShards ?? Math.min(DEFAULT_MAX_SHARDS_FACTOR * baseShards, STREAM_LIMITS.maxShardCount);
  const alertEmail = read(CONFIG_KEYS.alertEmail);
  const analytics = read(CONFIG_KEYS.analytics);
  const searchClientCidr = read(CONFIG_KEYS.searchClientCidr);
  const search = {
    engineVersion: read(CONFIG_KEYS.searchEngineVersion),
    instanceType: read(CONFIG_KEYS.searchInstanceType),
    instanceCount: read(CONFIG_KEYS.searchInstanceCount),
    volumeGb: read(CONFIG_KEYS.searchVolumeGb),
  };
  const windowMinutes = read(CONFIG_KEYS.hotspotWindowMinutes);
  const geohashPrecision = read(CONFIG_KEYS.hotspotGeohashPrecision);
  const minTrips = read(CONFIG_KEYS.hotspotMinTrips);
  const flink = {
    parallelism: read(CONFIG_KEYS.flinkParallelism),
    parallelismPerKpu: read(CONFIG_KEYS.flinkParallelismPerKpu),
    autoScaling: read(CONFIG_KEYS.flinkAutoScaling),
    initialPosition: read(CONFIG_KEYS.flinkInitialPosition),
    bucketForceDestroy: read(CONFIG_KEYS.analyticsBucketForceDestroy),
    connectorJar: read(CONFIG_KEYS.flinkConnectorJar),
    scaler: read(CONFIG_KEYS.flinkScaler),
    minParallelism: read(CONFIG_KEYS.flinkMinParallelism),
    maxParallelism: read(CONFIG_KEYS.flinkMaxParallelism),
    scalerDryRun: read(CONFIG_KEYS.flinkScalerDryRun),
    behindMs: read(CONFIG_KEYS.flinkScaleOutBehindMs),
    outPeriods: read(CONFIG_KEYS.flinkScaleOutPeriods),
  };

  const lake = read(CONFIG_KEYS.lake);
  const lakeKeys = {
    retrieval: read(CONFIG_KEYS.lakeRetrieval),
    rollMegabytes: read(CONFIG_KEYS.lakeRollMegabytes),
    rollSeconds: read(CONFIG_KEYS.lakeRollSeconds),
    // 0 is "never" for both: the lifecycle has no such rule.
    infrequentAccessDays: read(CONFIG_KEYS.lakeInfrequentAccessDays) || undefined,
    retentionDays: read(CONFIG_KEYS.lakeRetentionDays) || undefined,
    forceDestroy: read(CONFIG_KEYS.lakeForceDestroy),
    cpu: read(CONFIG_KEYS.lakeCpu),
    memory: read(CONFIG_KEYS.lakeMemory),
    minTasks: read(CONFIG_KEYS.lakeMinTasks),
    maxTasks: read(CONFIG_KEYS.lakeMaxTasks),
    compaction: read(CONFIG_KEYS.lakeCompaction),
    compactedPartMiB: read(CONFIG_KEYS.lakeCompactedPartMiB),
    compactorMemory: read(CONFIG_KEYS.lakeCompactorMemory),
    compactorReservedConcurrency: read(CONFIG_KEYS.lakeCompactorReservedConcurrency),
  };

  // The rules between keys, each beside the part it concerns, in one list with the rest.
  const set = (key: ConfigKeyName): string | undefined => (raw[key] === "" ? undefined : raw[key]);
  problems.push(
    ...streamStorageProblems({ mode, shardCount: set("shardCount") }),
    ...shardScalerProblems({ scaled, shardCount: baseShards, minShards, maxShards }),
    ...ingestDomainProblems(
      {
        ingestDomainName: set("ingestDomainName"),
        ingestHostedZoneId: set("ingestHostedZoneId"),
        certificateArn: set("certificateArn"),
      },
      { name: ingestDomainName, hostedZoneId: ingestHostedZoneId },
    ),
    ...ingestAuthProblems({
      ingestAuth,
      https: set("ingestDomainName") !== undefined,
      ingestAllowPlainHttp: allowPlainHttp,
    }),
    ...pipelineServiceProblems("ingest", { cpu, memory, minTasks, maxTasks }),
    ...pipelineServiceProblems("processing", {
      cpu: processingCpu,
      memory: processingMemory,
      minTasks: processingMinTasks,
      maxTasks: processingMaxTasks,
    }),
    ...searchDomainProblems({ analytics, clientCidr: set("searchClientCidr"), instanceCount: search.instanceCount }),
    ...hotspotJobProblems({
      analytics,
      ingestSchema,
      parallelism: flink.parallelism,
      parallelismPerKpu: flink.parallelismPerKpu,
    }),
    ...flinkScalerProblems({ analytics, ...flink }),
    ...stackTagProblems({ tags, analytics }),
    ...(lake
      ? pipelineServiceProblems("lake", {
          cpu: lakeKeys.cpu,
          memory: lakeKeys.memory,
          minTasks: lakeKeys.minTasks,
          maxTasks: lakeKeys.maxTasks,
        })
      : []),
    ...lakeProblems({ lake, ...lakeKeys, streamRetentionHours: retentionHours }),
  );
  const job = problems.length === 0 ? jobConfig({ windowMinutes, geohashPrecision, minTrips }) : undefined;

  if (problems.length > 0) return { ok: false, problems };
  // Without problems every key with a default has a value: only optional keys can be unset.
  const required = <T>(value: T | undefined): T => value as T;
  return {
    ok: true,
    config: {
      stream: {
        mode: required(mode),
        shardCount: mode === "PROVISIONED" ? baseShards : undefined,
        retentionHours: required(retentionHours),
        kmsKeyArn,
        scaler: scaled
          ? {
              minShards: required(minShards),
              maxShards: scaleLimit,
              targetUsagePercent: required(shardScalerTargetUsage),
              dryRun: required(shardScalerDryRun),
              reservedConcurrency: scalerReservedConcurrency,
            }
          : undefined,
      },
      network: {
        natGateways: required(natGateways),
        flowLogs: required(flowLogs),
        streamVpcEndpoint: required(streamVpcEndpoint),
      },
      services: {
        scaleOutCooldownSeconds: required(scaleOutCooldownSeconds),
        scaleInCooldownSeconds: required(scaleInCooldownSeconds),
      },
      ingest: {
        schema: ingestSchema,
        tenants:
          ingestAuth === "apiKeys"
            ? {
                recordsPerSecond: required(tenantRecordsPerSecond),
                bytesPerSecond: required(tenantBytesPerSecond),
                metricsFor: required(tenantMetrics),
                deletionProtection: required(tenantsDeletionProtection),
              }
            : undefined,
        allowPlainHttp: required(allowPlainHttp),
        allowedCidrs: required(allowedCidrs),
        domain:
          ingestDomainName === undefined
            ? undefined
            : { name: ingestDomainName, hostedZoneId: ingestHostedZoneId, certificateArn },
        ackMode: required(ackMode),
        cpu: required(cpu),
        memory: required(memory),
        minTasks: required(minTasks),
        maxTasks: required(maxTasks),
        accessLogDays: required(accessLogDays),
      },
      processing: {
        mode: required(processingMode),
        retrieval: required(processingRetrieval),
        initialPosition: required(processingInitialPosition),
        cpu: required(processingCpu),
        memory: required(processingMemory),
        minTasks: required(processingMinTasks),
        maxTasks: required(processingMaxTasks),
        leaseDeletionProtection: required(leaseDeletionProtection),
        lambda: {
          batchSize: required(lambdaBatchSize),
          batchingWindowSeconds: required(lambdaBatchingWindowSeconds),
          maxRetryAttempts: required(lambdaMaxRetryAttempts),
          maxRecordAgeSeconds: required(lambdaMaxRecordAgeSeconds),
          parallelizationFactor: required(lambdaParallelizationFactor),
        },
      },
      schemas: {
        compatibility: required(schemaCompatibility),
        autoRegistration: required(schemaAutoRegistration),
      },
      analytics: analytics
        ? {
            search: {
              clientCidr: required(searchClientCidr),
              engineVersion: required(search.engineVersion),
              instanceType: required(search.instanceType),
              instanceCount: required(search.instanceCount),
              volumeGb: required(search.volumeGb),
            },
            flink: {
              parallelism: required(flink.parallelism),
              parallelismPerKpu: required(flink.parallelismPerKpu),
              autoScaling: required(flink.autoScaling),
              initialPosition: required(flink.initialPosition),
              bucketForceDestroy: required(flink.bucketForceDestroy),
              ...(flink.connectorJar ? { connectorJar: flink.connectorJar } : {}),
              scaler: flink.scaler
                ? {
                    minParallelism: required(flink.minParallelism),
                    maxParallelism: required(flink.maxParallelism),
                    behindMs: required(flink.behindMs),
                    outPeriods: required(flink.outPeriods),
                    dryRun: required(flink.scalerDryRun),
                    reservedConcurrency: scalerReservedConcurrency,
                  }
                : undefined,
            },
            job: required(job),
          }
        : undefined,
      lake: lake
        ? {
            retrieval: required(lakeKeys.retrieval),
            rollBytes: required(lakeKeys.rollMegabytes) * 1024 * 1024,
            rollSeconds: required(lakeKeys.rollSeconds),
            infrequentAccessDays: lakeKeys.infrequentAccessDays,
            retentionDays: lakeKeys.retentionDays,
            forceDestroy: required(lakeKeys.forceDestroy),
            leaseDeletionProtection: required(leaseDeletionProtection),
            cpu: required(lakeKeys.cpu),
            memory: required(lakeKeys.memory),
            minTasks: required(lakeKeys.minTasks),
            maxTasks: required(lakeKeys.maxTasks),
            compaction: lakeKeys.compaction
              ? {
                  partBytes: required(lakeKeys.compactedPartMiB) * 1024 * 1024,
                  memory: required(lakeKeys.compactorMemory),
                  reservedConcurrency: required(lakeKeys.compactorReservedConcurrency),
                }
              : undefined,
          }
        : undefined,
      alertEmail,
      tags: required(tags),
      logRetentionDays: required(logRetentionDays),
    },
  };
}

/** The one error a bad stack config produces. */
export function configError(problems: string[], stack: string): pulumi.RunError {
  return new pulumi.RunError(
    `Invalid config for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
      problems.map((p) => `  - ${p}`).join("\n"),
  );
}

/** Reads this project's keys from the running stack's config and validates them. */
export function readStackConfig(): PipelineConfig {
  const prefix = `${pulumi.getProject()}:`;
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
  }
  const result = validateConfig(raw);
  if (!result.ok) throw configError(result.problems, pulumi.getStack());
  return result.config;
}
