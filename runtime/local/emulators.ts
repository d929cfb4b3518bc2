import path from "node:path";

import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ListStreamsCommand } from "@aws-sdk/client-kinesis";

import { createDynamoDbClient } from "../common/aws/dynamodb-client";
import { createKinesisClient } from "../common/aws/kinesis-client";
import { GuardedChild, spawnGuarded } from "./guarded-child";
import { waitUntilReady } from "./child-ready";
import { freePort } from "./ports";

/** The region the local stack signs requests for; the emulators accept any. */
export const LOCAL_REGION = "us-east-1";

export type EmulatorName = "kinesis" | "dynamodb";

/** A running emulator, ready to answer API calls at `endpoint`. */
export interface Emulator extends GuardedChild {
  name: EmulatorName;
  endpoint: string;
  port: number;
}

export interface StartOptions {
  /** A free port is picked when not given. */
  port?: number;
  /** Aborting (Ctrl-C during start) stops the half-started emulator and throws. */
  signal?: AbortSignal;
  readyTimeoutMs?: number;
}

const READY_TIMEOUT_MS = 30_000;

/**
 * Starts kinesis-local (kinesis-mock compiled to JavaScript), reached at 127.0.0.1:<port>.
 *
 * It has no command-line options: ports come from environment variables, and it listens on
 * all interfaces because it has no host setting. It reads its TLS
 * certificate `server.json` relative to the working directory, so it must run in its own
 * package folder. It prints nothing when ready, hence the ListStreams polling.
 */
export async function startKinesis(options: StartOptions = {}): Promise<Emulator> {
  const packageDir = path.dirname(require.resolve("kinesis-local/package.json"));
  const port = options.port ?? (await freePort());
  // We never use its TLS port, but it always opens one (default 4567): a random one lets two
  // stacks (or a stack and the tests) run side by side.
  const tlsPort = await freePort();
  const child = spawnGuarded({
    name: "kinesis",
    script: path.join(packageDir, "main.js"),
    cwd: packageDir,
    // A clean environment on purpose: kinesis-local reads generic names (AWS_REGION,
    // AWS_ACCOUNT_ID, LOG_LEVEL, SHARD_LIMIT, SHOULD_PERSIST_DATA, ...) that a developer's
    // shell may set for other reasons, and NODE_OPTIONS could preload ts-node into it.
    env: {
      PATH: process.env.PATH,
      KINESIS_MOCK_PLAIN_PORT: String(port),
      KINESIS_MOCK_TLS_PORT: String(tlsPort),
      LOG_LEVEL: "WARN",
    },
  });
  const emulator: Emulator = { ...child, name: "kinesis", endpoint: `http://127.0.0.1:${port}`, port };
  const client = createKinesisClient({
    region: LOCAL_REGION,
    endpoint: emulator.endpoint,
    http: "1.1",
    maxAttempts: 1,
  });
  try {
    await waitUntilAnswering(
      emulator,
      "ListStreams",
      (signal) => client.send(new ListStreamsCommand({}), { abortSignal: signal }),
      options,
    );
  } finally {
    client.destroy();
  }
  return emulator;
}

/** Starts dynalite, an in-memory DynamoDB, on 127.0.0.1:<port>. */
export async function startDynamo(options: StartOptions = {}): Promise<Emulator> {
  const packageDir = path.dirname(require.resolve("dynalite/package.json"));
  const port = options.port ?? (await freePort());
  const child = spawnGuarded({
    name: "dynamodb",
    script: path.join(packageDir, "cli.js"),
    args: ["--port", String(port), "--host", "127.0.0.1"],
    cwd: packageDir,
    env: { PATH: process.env.PATH },
  });
  const emulator: Emulator = { ...child, name: "dynamodb", endpoint: `http://127.0.0.1:${port}`, port };
  const client = createDynamoDbClient({ region: LOCAL_REGION, endpoint: emulator.endpoint, maxAttempts: 1 });
  try {
    await waitUntilAnswering(
      emulator,
      "ListTables",
      (signal) => client.send(new ListTablesCommand({}), { abortSignal: signal }),
      options,
    );
  } finally {
    client.destroy();
  }
  return emulator;
}

export interface LocalEmulators {
  kinesis: Emulator;
  dynamodb: Emulator;
}

/**
 * Starts both emulators side by side. If one fails, the other is stopped (even mid-start)
 * and the first failure is thrown, so a failed start never leaves a process behind.
 */
export async function startEmulators(
  options: { kinesisPort?: number; dynamodbPort?: number; signal?: AbortSignal } = {},
): Promise<LocalEmulators> {
  const failed = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal;
  let firstFailure: unknown;
  const noteFailure = (error: unknown): never => {
    if (!failed.signal.aborted) {
      firstFailure = error;
      failed.abort(error);
    }
    throw error;
  };
  const [kinesis, dynamodb] = await Promise.allSettled([
    startKinesis({ port: options.kinesisPort, signal }).catch(noteFailure),
    startDynamo({ port: options.dynamodbPort, signal }).catch(noteFailure),
  ]);
  if (kinesis.status === "fulfilled" && dynamodb.status === "fulfilled") {
    return { kinesis: kinesis.value, dynamodb: dynamodb.value };
  }
  await Promise.all(
    [kinesis, dynamodb].map((started) => (started.status === "fulfilled" ? started.value.stop() : undefined)),
  );
  options.signal?.throwIfAborted();
  throw firstFailure;
}

/** Polls `call` until the emulator answers it; on failure stops the emulator and says why. */
function waitUntilAnswering(
  emulator: Emulator,
  apiName: string,
  call: (signal: AbortSignal) => Promise<unknown>,
  options: StartOptions,
): Promise<void> {
  return waitUntilReady(emulator, call, {
    what: `the ${emulator.name} emulator (pid ${emulator.pid}) to answer ${apiName} at ${emulator.endpoint}`,
    timeoutMs: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
    signal: options.signal,
  });
}
