import { existsSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../repo-root";
import { replaySpeedup, SUGGESTED_REPLAY_SPEEDUP } from "./replay-child";
import { resolveStateDir } from "./stack-file";
import { UsageError } from "../usage-error";

/** Everything `npm start` can be told, after validation. */
export interface LocalConfig {
  kinesisPort: number;
  dynamodbPort: number;
  ingestPort: number;
  /** Port of GET /hotspots, the hot-spot worker's latest windows. */
  hotspotsPort: number;
  /** Port of GET /scaling-events, the local shard scaler's decisions. */
  scalerPort: number;
  /** Port of the live page. */
  pagePort: number;
  shardCount: number;
  streamName: string;
  stateDir: string;
  /** A shipped schema the local ingest API enforces. */
  ingestSchema?: string;
  /** Pace of the taxi replay; undefined when it is off (LOCAL_REPLAY_SPEEDUP=0). */
  replaySpeedup?: number;
}

/** How often the local services write their EMF metrics: the live page's resolution. */
export const LOCAL_METRICS_INTERVAL_MS = 2000;

/** kinesis-local refuses more than its SHARD_LIMIT (50) shards per account. */
export const MAX_LOCAL_SHARDS = 50;

/** The environment variables `npm start` reads; `--help` prints this table. */
export const LOCAL_VARIABLES = [
  {
    name: "LOCAL_KINESIS_PORT",
    fallback: "4568",
    allowed: "a port from 1 to 65535",
    purpose: "port of the Kinesis emulator (which listens on all interfaces)",
  },
  {
    name: "LOCAL_DYNAMODB_PORT",
    fallback: "4569",
    allowed: "a port from 1 to 65535",
    purpose: "port of the DynamoDB emulator (on 127.0.0.1)",
  },
  {
    name: "LOCAL_INGEST_PORT",
    fallback: "8080",
    allowed: "a port from 1 to 65535",
    purpose: "port of the ingest API (on 127.0.0.1), which writes to the stream",
  },
  {
    name: "LOCAL_HOTSPOTS_PORT",
    fallback: "3001",
    allowed: "a port from 1 to 65535",
    purpose: "port of GET /hotspots (on 127.0.0.1): the hot spots of the latest windows of the stream, as JSON",
  },
  {
    name: "LOCAL_SCALER_PORT",
    fallback: "3002",
    allowed: "a port from 1 to 65535",
    purpose: "port of GET /scaling-events (on 127.0.0.1): the local shard scaler's decisions, as JSON",
  },
  {
    name: "LOCAL_PAGE_PORT",
    fallback: "3000",
    allowed: "a port from 1 to 65535",
    purpose: "port of the live page (on 127.0.0.1): throughput, shards, leases, hot spots on a map, and controls",
  },
  {
    name: "LOCAL_SHARDS",
    fallback: "4",
    allowed: `an integer from 1 to ${MAX_LOCAL_SHARDS}`,
    purpose: "shards of the local stream",
  },
  {
    name: "LOCAL_STREAM_NAME",
    fallback: "kinesis-pipeline-local",
    allowed: "1 to 128 characters of a-z A-Z 0-9 _ . -",
    purpose: "name of the local stream",
  },
  {
    name: "LOCAL_INGEST_SCHEMA",
    fallback: "",
    allowed: "a schema of schemas/ (file name without .json), or empty for none",
    purpose: "a schema the local ingest API enforces (422 when invalid), e.g. taxi-trip",
  },
  {
    name: "LOCAL_REPLAY_SPEEDUP",
    fallback: String(SUGGESTED_REPLAY_SPEEDUP),
    allowed: "0 for no replay, or a positive number",
    purpose: "pace of the NYC taxi replay into the stream: trips' event time runs this many times faster",
  },
  {
    name: "LOCAL_STATE_DIR",
    fallback: "<repo>/.local",
    allowed: "a directory path",
    purpose: "where stack.json is written",
  },
] as const;

type Variable = (typeof LOCAL_VARIABLES)[number];
type VariableName = Variable["name"];

const BY_NAME = Object.fromEntries(LOCAL_VARIABLES.map((variable) => [variable.name, variable])) as Record<
  VariableName,
  Variable
>;

/**
 * Validates the environment. Pure: the same input always gives the same result, so a table
 * of cases tests it. Every bad variable is reported, in one UsageError, each with its value
 * and what is allowed. An empty value counts as unset.
 */
export function parseLocalEnv(env: Readonly<Record<string, string | undefined>>, cwd: string): LocalConfig {
  const problems: string[] = [];
  const read = (name: VariableName): string => {
    const value = env[name];
    return value === undefined || value === "" ? BY_NAME[name].fallback : value;
  };
  const reject = (name: VariableName, value: string, why = `allowed: ${BY_NAME[name].allowed}`): void => {
    problems.push(`${name}=${JSON.stringify(value)} is not valid (${why})`);
  };
  const integer = (name: VariableName, min: number, max: number): number => {
    const text = read(name);
    const value = /^[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!(value >= min && value <= max)) reject(name, text);
    return value;
  };

  const kinesisPort = integer("LOCAL_KINESIS_PORT", 1, 65535);
  const dynamodbPort = integer("LOCAL_DYNAMODB_PORT", 1, 65535);
  const ingestPort = integer("LOCAL_INGEST_PORT", 1, 65535);
  const hotspotsPort = integer("LOCAL_HOTSPOTS_PORT", 1, 65535);
  const scalerPort = integer("LOCAL_SCALER_PORT", 1, 65535);
  const pagePort = integer("LOCAL_PAGE_PORT", 1, 65535);
  // Each port must differ from the ones before it; the message names the first it repeats.
  const ports = [
    ["LOCAL_KINESIS_PORT", kinesisPort],
    ["LOCAL_DYNAMODB_PORT", dynamodbPort],
    ["LOCAL_INGEST_PORT", ingestPort],
    ["LOCAL_HOTSPOTS_PORT", hotspotsPort],
    ["LOCAL_SCALER_PORT", scalerPort],
    ["LOCAL_PAGE_PORT", pagePort],
  ] as const;
  ports.forEach(([name, port], i) => {
    const earlier = ports.slice(0, i).find(([, other]) => other === port);
    if (earlier) reject(name, read(name), `it must differ from ${earlier[0]}`);
  });
  const shardCount = integer("LOCAL_SHARDS", 1, MAX_LOCAL_SHARDS);
  const streamName = read("LOCAL_STREAM_NAME");
  if (!/^[a-zA-Z0-9_.-]{1,128}$/.test(streamName)) reject("LOCAL_STREAM_NAME", streamName);
  const stateDir = resolveStateDir(env.LOCAL_STATE_DIR, cwd);
  const ingestSchema = read("LOCAL_INGEST_SCHEMA") || undefined;
  if (ingestSchema !== undefined && !existsSync(path.join(REPO_ROOT, "schemas", `${ingestSchema}.json`))) {
    reject("LOCAL_INGEST_SCHEMA", ingestSchema);
  }

  let speedup: number | undefined;
  try {
    speedup = replaySpeedup(env.LOCAL_REPLAY_SPEEDUP);
  } catch (error) {
    problems.push((error as Error).message);
  }

  if (problems.length > 0) {
    throw new UsageError(problems.length === 1 ? problems[0] : `invalid environment:\n  ${problems.join("\n  ")}`);
  }
  return {
    kinesisPort,
    dynamodbPort,
    ingestPort,
    hotspotsPort,
    scalerPort,
    pagePort,
    shardCount,
    streamName,
    stateDir,
    ingestSchema,
    replaySpeedup: speedup,
  };
}
