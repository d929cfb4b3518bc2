/**
 * The lake compactor's Lambda module (an EventBridge schedule invokes `handle`): one run per
 * invocation, within the invocation's remaining time less RUN_MARGIN_MS. Runs may overlap (a
 * slow one and the next scheduled one): the state's conditional write lets one of them move
 * it (COMPACTION.md). Each run writes one EMF document (compactor-metrics.ts) and one log line.
 */
import { asPart } from "../../common/aws/call-trace";
import { createKinesisClient } from "../../common/aws/kinesis-client";
import { createS3Client } from "../../common/aws/s3-client";
import { stdoutSink } from "../../observability/emf";
import { listAllShards } from "../../stream/shard-fetcher";
import { RunOutcome, runCompactor, UNBOUNDED_RUN_MS } from "./compactor";
import { LAKE_COMPACTOR } from "./compactor-contract";
import { emitRunMetrics } from "./compactor-metrics";
import { compactorSettingsOf, readLakeCompactorSettings } from "./compactor-settings";
import { S3CompactionStore } from "./s3-compaction-store";

/**
 * Time kept back from the invocation's end: a part started later might not be stored in
 * time (reading and merging up to COMPACTED_PART_BYTES of objects takes tens of seconds).
 * A part cut off by the timeout is never half stored (a PUT stores all or nothing); it is
 * only done again by the next run.
 */
export const RUN_MARGIN_MS = 60_000;

/** The part of the Lambda context a run reads. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

type Compactor = { run(context?: InvocationContext): Promise<RunOutcome>; stream: string };
/** Built on the first invocation and kept: the clients' connections serve the next ones. */
let compactor: Compactor | undefined;

export function lakeCompactor(env: Readonly<Record<string, string | undefined>>): Compactor {
  const s = readLakeCompactorSettings(env);
  const kinesis = createKinesisClient({ region: s.AWS_REGION, endpoint: s.KINESIS_ENDPOINT, http: "1.1" });
  const store = new S3CompactionStore(createS3Client({ region: s.AWS_REGION, endpoint: s.S3_ENDPOINT }), s.LAKE_BUCKET);
  return {
    stream: s.STREAM_NAME,
    run: (context) => {
      const deadline = Date.now() + (context?.getRemainingTimeInMillis() ?? UNBOUNDED_RUN_MS) - RUN_MARGIN_MS;
      return runCompactor(
        {
          store,
          shardIds: async () => (await listAllShards(kinesis, s.STREAM_NAME)).map((shard) => shard.ShardId!),
          now: Date.now,
          hasTime: () => Date.now() < deadline,
        },
        compactorSettingsOf(s),
      );
    },
  };
}

export function handle(_event?: unknown, context?: InvocationContext): Promise<RunOutcome> {
  return asPart(LAKE_COMPACTOR.part, LAKE_COMPACTOR.variables, async () => {
    compactor ??= lakeCompactor(process.env);
    const outcome = await compactor.run(context);
    await emitRunMetrics(stdoutSink, compactor.stream, outcome);
    console.log(JSON.stringify({ level: "info", msg: "lake compactor", stream: compactor.stream, ...outcome }));
    return outcome;
  });
}
