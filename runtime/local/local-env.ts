import { existsSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../common/repo-root";
import { EnvSpec, integer, matching, readEnv } from "../common/env";
import { SUGGESTED_REPLAY_SPEEDUP } from "../replay/contract";
import { resolveStateDir } from "../common/stack-file";

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
  /** Every port above with the variable that sets it: what start-up checks is free. */
  ports: { variable: string; port: number }[];
  shardCount: number;
  streamName: string;
  stateDir: string;
  /** A shipped schema the local ingest API enforces. */
  ingestSchema?: string;
  /** Pace of the taxi replay; undefined when it is off (LOCAL_REPLAY_SPEEDUP=0). */
  replaySpeedup?: number;
}

/** kinesis-local refuses more than its SHARD_LIMIT (50) shards per account. */
export const MAX_LOCAL_SHARDS = 50;

/** A port of the local stack: each must differ from the others (see parseLocalEnv). */
function port(fallback: string, purpose: string) {
  return { ...integer(1, 65535), allowed: "a port from 1 to 65535", default: fallback, purpose };
}

/** The environment variables `npm start` reads (env.ts's tables); `--help` prints this table. */
export const LOCAL_VARIABLES = {
  LOCAL_KINESIS_PORT: port("4568", "port of the Kinesis emulator (which listens on all interfaces)"),
  LOCAL_DYNAMODB_PORT: port("4569", "port of the DynamoDB emulator (on 127.0.0.1)"),
  LOCAL_INGEST_PORT: port("8080", "port of the ingest API (on 127.0.0.1), which writes to the stream"),
  LOCAL_HOTSPOTS_PORT: port(
    "3001",
    "port of GET /hotspots (on 127.0.0.1): the hot spots of the latest windows of the stream, as JSON",
  ),
  LOCAL_SCALER_PORT: port(
    "3002",
    "port of GET /scaling-events (on 127.0.0.1): the local shard scaler's decisions, as JSON",
  ),
  LOCAL_PAGE_PORT: port(
    "3000",
    "port of the live page (on 127.0.0.1): throughput, shards, leases, hot spots on a map, and controls",
  ),
  LOCAL_SHARDS: { ...integer(1, MAX_LOCAL_SHARDS), default: "4", purpose: "shards of the local stream" },
  LOCAL_STREAM_NAME: {
    ...matching(/^[a-zA-Z0-9_.-]{1,128}$/, "1 to 128 characters of a-z A-Z 0-9 _ . -"),
    default: "kinesis-pipeline-local",
    purpose: "name of the local stream",
  },
  LOCAL_INGEST_SCHEMA: {
    allowed: "a schema of schemas/ (file name without .json), or empty for none",
    default: "",
    purpose: "a schema the local ingest API enforces (422 when invalid), e.g. taxi-trip",
    parse: (name: string) => (existsSync(path.join(REPO_ROOT, "schemas", `${name}.json`)) ? name : undefined),
  },
  LOCAL_REPLAY_SPEEDUP: {
    allowed: "0 for no replay, or a positive number",
    default: String(SUGGESTED_REPLAY_SPEEDUP),
    purpose: "pace of the NYC taxi replay into the stream: trips' event time runs this many times faster",
    parse: (text: string) => {
      const speedup = Number(text);
      return text.trim() !== "" && Number.isFinite(speedup) && speedup >= 0 ? speedup : undefined;
    },
  },
  LOCAL_STATE_DIR: {
    allowed: "a directory path",
    default: "",
    purpose: "where stack.json is written; empty: <repo>/.local",
    parse: (text: string) => text,
  },
} satisfies EnvSpec;

/** The ports, in the table's order: a repeated one is reported against the first that has it. */
type PortVariable = Extract<keyof typeof LOCAL_VARIABLES, `${string}_PORT`>;
const PORTS = (Object.keys(LOCAL_VARIABLES) as (keyof typeof LOCAL_VARIABLES)[]).filter((name): name is PortVariable =>
  name.endsWith("_PORT"),
);

/**
 * Validates the environment. Pure: the same input always gives the same result, so a table
 * of cases tests it. Every bad variable is reported, in one SettingsError (a UsageError), each with its value
 * and what is allowed. An empty value counts as unset.
 */
export function parseLocalEnv(env: Readonly<Record<string, string | undefined>>, cwd: string): LocalConfig {
  // Each port must differ from the ones before it; the message names the first it repeats.
  const v = readEnv(LOCAL_VARIABLES, env, (values) =>
    PORTS.flatMap((name, i) => {
      const earlier = PORTS.slice(0, i).find((other) => values[other] !== undefined && values[other] === values[name]);
      return earlier ? [`${name} must differ from ${earlier}, got ${values[name]}`] : [];
    }),
  );
  const kinesisPort = v.LOCAL_KINESIS_PORT;
  const dynamodbPort = v.LOCAL_DYNAMODB_PORT;
  const ingestPort = v.LOCAL_INGEST_PORT;
  const hotspotsPort = v.LOCAL_HOTSPOTS_PORT;
  const scalerPort = v.LOCAL_SCALER_PORT;
  const pagePort = v.LOCAL_PAGE_PORT;
  const shardCount = v.LOCAL_SHARDS;
  const streamName = v.LOCAL_STREAM_NAME;
  const stateDir = resolveStateDir(v.LOCAL_STATE_DIR, cwd);
  const ingestSchema = v.LOCAL_INGEST_SCHEMA;
  const speedup = v.LOCAL_REPLAY_SPEEDUP === 0 ? undefined : v.LOCAL_REPLAY_SPEEDUP;
  return {
    kinesisPort,
    dynamodbPort,
    ingestPort,
    hotspotsPort,
    scalerPort,
    pagePort,
    ports: PORTS.map((variable) => ({ variable, port: v[variable] })),
    shardCount,
    streamName,
    stateDir,
    ingestSchema,
    replaySpeedup: speedup,
  };
}
