/**
 * The processing workers as part of the local stack: the compiled entry point the
 * container runs (the processing contract's), as guarded children sharing the local stream's
 * shards through a lease table in the local DynamoDB, each appending what it processed to
 * one JSON-lines file. Ready once the lease table holds a lease for every shard.
 */
import { createDynamoDbClient } from "../common/aws/dynamodb-client";
import { contractEnvironment, EnvironmentValues } from "../common/contract";
import { LeaseTable } from "../processing/leases/lease-table";
import { PROCESSING } from "../processing/service-contract";
import { REPO_ROOT } from "../common/repo-root";
import { compiledEntrypoint } from "../common/services";
import { LOCAL_REGION } from "./emulators";
import { describeExit, GuardedChild, spawnGuarded, withLastOutput } from "./guarded-child";
import { pollUntil } from "./poll-until";
import { LOCAL_METRICS_INTERVAL_MS } from "./local-metrics";

/** The consumer group of the local stack: also the name of its lease table. */
export const LOCAL_APPLICATION = "kinesis-pipeline-local";
export const LOCAL_WORKERS = 2;

/** Where a local consumer application reads from and keeps its leases. */
export interface LocalConsumerTarget {
  kinesisEndpoint: string;
  dynamodbEndpoint: string;
  streamName: string;
  schemaRegistryFile: string;
}

export interface ProcessingOptions extends LocalConsumerTarget {
  shardCount: number;
  processedFile: string;
  deadLetterFile: string;
  signal?: AbortSignal;
  readyTimeoutMs?: number;
}

const STOP_GRACE_MS = 10_000;
const READY_TIMEOUT_MS = 30_000;

/**
 * A local worker's settings, as the processing contract names them: its stream and lease
 * table on the emulators, and a livelier pace than on AWS. Each worker adds its own.
 */
export function localConsumerSettings(
  target: LocalConsumerTarget,
  applicationName: string,
  workerId: string,
): EnvironmentValues<typeof PROCESSING> {
  return {
    STREAM_NAME: target.streamName,
    AWS_REGION: LOCAL_REGION,
    APPLICATION_NAME: applicationName,
    WORKER_ID: workerId,
    KINESIS_ENDPOINT: target.kinesisEndpoint,
    DYNAMODB_ENDPOINT: target.dynamodbEndpoint,
    SCHEMA_REGISTRY_FILE: target.schemaRegistryFile,
    CHECKPOINT_INTERVAL_MS: 2000,
    POLL_IDLE_MS: 500,
    LOG_LEVEL: "warn",
  };
}

/** The n-th local worker (from 1): its child name and the WORKER_ID it holds leases under. */
export function processingWorkerNames(n: number): { name: string; workerId: string } {
  return { name: `processing-${n}`, workerId: `local-worker-${n}` };
}

/** Starts the n-th worker (from 1); the page's restart button calls this too. */
export function spawnProcessingWorker(
  options: Omit<ProcessingOptions, "shardCount" | "signal" | "readyTimeoutMs">,
  n: number,
): GuardedChild {
  const { name, workerId } = processingWorkerNames(n);
  return spawnGuarded({
    name,
    script: compiledEntrypoint(PROCESSING),
    cwd: REPO_ROOT,
    // Its own settings and PATH only, as on Fargate.
    env: {
      PATH: process.env.PATH,
      ...contractEnvironment(PROCESSING, {
        ...localConsumerSettings(options, LOCAL_APPLICATION, workerId),
        PROCESSED_FILE: options.processedFile,
        DEAD_LETTER_FILE: options.deadLetterFile,
        // Often enough for the live page's lag chart (the default is a minute, as on AWS); the
        // hot-spot worker keeps the default: the page does not read it.
        METRICS_INTERVAL_MS: LOCAL_METRICS_INTERVAL_MS,
      }).variables,
    },
    stopGraceMs: STOP_GRACE_MS,
  });
}

export async function startProcessing(options: ProcessingOptions): Promise<GuardedChild[]> {
  const workers = Array.from({ length: LOCAL_WORKERS }, (_, i) => spawnProcessingWorker(options, i + 1));
  const dynamo = createDynamoDbClient({ region: LOCAL_REGION, endpoint: options.dynamodbEndpoint, maxAttempts: 1 });
  try {
    const table = new LeaseTable(dynamo, LOCAL_APPLICATION);
    await pollUntil(
      async () => {
        const leases = await table.list();
        if (leases.length < options.shardCount) throw new Error(`${leases.length} of ${options.shardCount} leases`);
      },
      {
        what: `the processing workers to create a lease per shard in ${LOCAL_APPLICATION}`,
        timeoutMs: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
        signal: options.signal,
        // A worker that died will never take its leases: no use waiting out the timeout.
        hopeless: () => {
          const dead = workers.find((w) => w.exit() !== undefined);
          return dead && `${dead.name} (pid ${dead.pid}) ${describeExit(dead.exit()!)}`;
        },
      },
    );
  } catch (error) {
    await Promise.all(workers.map((w) => w.stop()));
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      workers.reduce((said, worker) => withLastOutput(worker, said), message),
      { cause: error },
    );
  } finally {
    dynamo.destroy();
  }
  return workers;
}
