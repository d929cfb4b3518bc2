/**
 * The lake writer as part of the local stack: the local S3 server (s3-server.ts: s3rver with
 * S3's conditional PutObject) holding the lake bucket in a directory of the state directory,
 * and one lake worker (the lake contract's entry point, as the container runs it) reading the
 * local stream as its own consumer application, and the lake compactor once a minute
 * (../lake/compaction/local-compactor.ts) on the same bucket. `npm run lake:query` reads the
 * same directory.
 */
import path from "node:path";
import { createDynamoDbClient } from "../common/aws/dynamodb-client";
import { createKinesisClient } from "../common/aws/kinesis-client";
import { createS3Client } from "../common/aws/s3-client";
import { contractEnvironment } from "../common/contract";
import { REPO_ROOT } from "../common/repo-root";
import { compiledEntrypoint } from "../common/services";
import { LocalCompactor } from "../lake/compaction/local-compactor";
import { S3CompactionStore } from "../lake/compaction/s3-compaction-store";
import { LAKE } from "../lake/contract";
import { listAllShards } from "../stream/shard-fetcher";
import { LeaseTable } from "../processing/leases/lease-table";
import { LOCAL_REGION } from "./emulators";
import { describeExit, GuardedChild, spawnGuarded, withLastOutput } from "./guarded-child";
import { pollUntil } from "./poll-until";
import { LocalConsumerTarget } from "./processing-children";
import { LocalS3, startLocalS3 } from "./s3-server";

/** The lake workers' consumer application: the name of their lease table. */
export const LOCAL_LAKE_APPLICATION = "kinesis-pipeline-local-lake";
/**
 * The local lake bucket (an S3 bucket name). Not the application's name: the IAM check tells
 * which resource a recorded name is by the setting that holds it (tests/iam/bridge.ts), so
 * LAKE_BUCKET and APPLICATION_NAME must differ.
 */
export const LOCAL_LAKE_BUCKET = "kinesis-pipeline-local-lake-objects";
/**
 * Locally a segment is cut after 10 s (on AWS 300 s): rows show in `npm run lake:query` and
 * on the page while one watches.
 */
export const LOCAL_LAKE_ROLL_SECONDS = 10;

const STOP_GRACE_MS = 15_000;
const READY_TIMEOUT_MS = 30_000;

/** Where the local S3 server keeps its buckets: `<state dir>/s3`. */
export function localS3Directory(stateDir: string): string {
  return path.join(stateDir, "s3");
}

/** Where the local lake's objects are on disk (s3rver keeps a bucket as a directory of its keys). */
export function localLakeDirectory(stateDir: string): string {
  return path.join(localS3Directory(stateDir), LOCAL_LAKE_BUCKET);
}

export interface LocalLakeOptions extends LocalConsumerTarget {
  stateDir: string;
  shardCount: number;
  signal?: AbortSignal;
  readyTimeoutMs?: number;
  /** The compactor's lines (a run that merged something, or failed). */
  log?: (level: "info" | "warn", line: string) => void;
}

export interface LocalLake {
  s3: LocalS3;
  worker: GuardedChild;
  /** Stop it before the local S3 server: it reads and writes the bucket. */
  compactor: { stop(): Promise<void> };
}

/** The compactor on the local bucket, with its own clients (closed when it stops). */
function startLocalCompactor(options: LocalLakeOptions, s3Endpoint: string): LocalLake["compactor"] {
  const kinesis = createKinesisClient({ region: LOCAL_REGION, endpoint: options.kinesisEndpoint, http: "1.1" });
  const s3 = createS3Client({ region: LOCAL_REGION, endpoint: s3Endpoint });
  const compactor = LocalCompactor.start({
    ports: {
      store: new S3CompactionStore(s3, LOCAL_LAKE_BUCKET),
      shardIds: async () => (await listAllShards(kinesis, options.streamName)).map((shard) => shard.ShardId!),
      now: Date.now,
    },
    log: options.log ?? (() => undefined),
  });
  return {
    stop: async () => {
      await compactor.stop();
      kinesis.destroy();
      s3.destroy();
    },
  };
}

export async function startLake(options: LocalLakeOptions): Promise<LocalLake> {
  const s3 = await startLocalS3({ directory: localS3Directory(options.stateDir), buckets: [LOCAL_LAKE_BUCKET] });
  const worker = spawnGuarded({
    name: "lake",
    script: compiledEntrypoint(LAKE),
    cwd: REPO_ROOT,
    // Its own settings and PATH only, as on Fargate.
    env: {
      PATH: process.env.PATH,
      ...contractEnvironment(LAKE, {
        STREAM_NAME: options.streamName,
        AWS_REGION: LOCAL_REGION,
        APPLICATION_NAME: LOCAL_LAKE_APPLICATION,
        WORKER_ID: "local-lake-1",
        KINESIS_ENDPOINT: options.kinesisEndpoint,
        DYNAMODB_ENDPOINT: options.dynamodbEndpoint,
        SCHEMA_REGISTRY_FILE: options.schemaRegistryFile,
        POLL_IDLE_MS: 500,
        LOG_LEVEL: "warn",
        LAKE_BUCKET: LOCAL_LAKE_BUCKET,
        S3_ENDPOINT: s3.endpoint,
        LAKE_ROLL_SECONDS: LOCAL_LAKE_ROLL_SECONDS,
      }).variables,
    },
    stopGraceMs: STOP_GRACE_MS,
  });
  const dynamo = createDynamoDbClient({ region: LOCAL_REGION, endpoint: options.dynamodbEndpoint, maxAttempts: 1 });
  try {
    const table = new LeaseTable(dynamo, LOCAL_LAKE_APPLICATION);
    await pollUntil(
      async () => {
        const leases = await table.list();
        if (leases.length < options.shardCount) throw new Error(`${leases.length} of ${options.shardCount} leases`);
      },
      {
        what: `the lake worker to create a lease per shard in ${LOCAL_LAKE_APPLICATION}`,
        timeoutMs: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
        signal: options.signal,
        hopeless: () => {
          const exit = worker.exit();
          return exit && `${worker.name} (pid ${worker.pid}) ${describeExit(exit)}`;
        },
      },
    );
  } catch (error) {
    await worker.stop();
    await s3.stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(withLastOutput(worker, message), { cause: error });
  } finally {
    dynamo.destroy();
  }
  return { s3, worker, compactor: startLocalCompactor(options, s3.endpoint) };
}
