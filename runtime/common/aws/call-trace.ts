/**
 * The AWS call trace: with AWS_CALL_TRACE_DIR set (the test run sets it, nothing else
 * does), every AWS call the runtime makes is appended as one JSON line to a file of that
 * folder: which part of the pipeline made it, with the part's settings, the service, the
 * operation and the resource names it carried. tests/iam/ checks each such call against
 * the IAM policies the plan gives that part's role (docs/iam.md). Unset, nothing is
 * recorded and clients are built as they are.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { appendFileSync } from "node:fs";
import path from "node:path";

import type { PartName } from "../contract";

/** The folder the trace is written to; set only by the tests' root hook. */
export const CALL_TRACE_DIR = "AWS_CALL_TRACE_DIR";
/** The test run the trace belongs to, so a stale trace is never taken for this run's. */
export const CALL_TRACE_RUN = "AWS_CALL_TRACE_RUN";

/** A part of the pipeline, as its contract names it (runtime/contracts.ts). */
export type { PartName };

/** One recorded call, as a line of the trace. */
export interface TracedCall {
  run: string;
  /** The part that made the call; null when none said who it is (a test's own set-up calls). */
  part: PartName | null;
  /**
   * The part's own settings (non-empty ones): from the environment it was started with, and
   * for a function the stack invokes with an event, the event's fields that name resources
   * ("event.registryName"; a list as "event.schemas[].name").
   */
  env: Record<string, PartSetting>;
  /** The SDK's service id ("Kinesis", "DynamoDB", "Glue", ...) or "es" for OpenSearch. */
  service: string;
  /** The API operation ("PutRecords"), or the HTTP method for OpenSearch. */
  operation: string;
  /** The resource names the call carried: "StreamName", "SchemaId.RegistryName", "Endpoint"... */
  names: Record<string, string | string[]>;
  /** OpenSearch only: the path the request went to. */
  path?: string;
  /**
   * OpenSearch only: set when the request was not signed with the part's role but carried
   * the master user's name and password (HTTP basic authentication): IAM sees it as anonymous.
   */
  auth?: "basic";
}

/** A setting's value: one name, or a list of them (the schemas a setup function is given). */
export type PartSetting = string | readonly string[];

/** Input fields that name a resource: what IAM authorizes the call on. */
const RESOURCE_FIELDS = [
  "StreamName",
  "StreamARN",
  "ConsumerARN",
  "ConsumerName",
  "TableName",
  "RegistryId",
  "SchemaId",
  "SchemaVersionId",
  "ApplicationName",
  "AlarmName",
  "AlarmNames",
  "SecretId",
  "Bucket",
  "Key",
  "TopicArn",
  "FunctionName",
] as const;

/**
 * Fields of an answer that a later call hands back instead of a name (GetRecords takes only
 * a shard iterator, a next ListShards page only a token): the later call is on the resource
 * the earlier one named.
 */
const CARRIED_IN = ["ShardIterator", "NextToken"] as const;
const CARRIED_OUT = ["ShardIterator", "NextShardIterator", "NextToken"] as const;

/** Bounds, so a long-running process cannot grow the trace's memory without end. */
const MAX_CARRIED = 10_000;
const MAX_SEEN_LINES = 50_000;

interface Identity {
  part: PartName;
  variables: readonly string[];
  /** Settings that come from the invocation's event rather than the environment. */
  eventSettings: EventSettings;
}

/**
 * The fields of a handler's event that name resources, by their setting names: a field as
 * `event.<field>`, a field of each element of a list as `event.<list>[].<field>` (see
 * eventSetting). tests/iam/plan-view.ts names the stack's invocation of the function alike.
 */
export type EventSettings = Readonly<Record<string, PartSetting>>;

/** The setting name of an event field ("registryName"), or of a field of a list's elements ("schemas", "name"). */
export function eventSetting(field: string, elementField?: string): string {
  return elementField === undefined ? `event.${field}` : `event.${field}[].${elementField}`;
}

/** The part of a long-running process (a service's entry point says it once). */
let current: Identity | undefined;
/** The part of one handler invocation, for the calls made within it (see asPart). */
const invocation = new AsyncLocalStorage<Identity>();
const carried = new Map<string, Record<string, string | string[]>>();
const seenLines = new Set<string>();

/**
 * Says which part this process is (a service's entry point calls it once; a Lambda handler
 * uses asPart), and which environment variables are its settings: the trace records their
 * values with each call, which is how tests/iam finds the same resources in the plan.
 */
export function identifyPart(part: PartName, variables: readonly string[] | Record<string, unknown>): void {
  current = identity(part, variables, {});
}

/**
 * Runs one invocation of a Lambda handler as `part`: the calls made within it (in its async
 * context) are that part's, and nothing else is, so a test that calls a handler in its own
 * process does not lend the handler's name to its own calls before or after. A function
 * that takes resource names from its event says which (`eventSettings`, by eventSetting).
 */
export function asPart<T>(
  part: PartName,
  variables: readonly string[] | Record<string, unknown>,
  run: () => T,
  eventSettings: EventSettings = {},
): T {
  return invocation.run(identity(part, variables, eventSettings), run);
}

function identity(
  part: PartName,
  variables: readonly string[] | Record<string, unknown>,
  eventSettings: EventSettings,
): Identity {
  return { part, variables: Array.isArray(variables) ? variables : Object.keys(variables), eventSettings };
}

/** Back to "nobody": the tests' root hook calls this after each test. */
export function forgetPart(): void {
  current = undefined;
}

/** The trace's variables, for a child process started with an environment of its own. */
export function callTraceEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const dir = env[CALL_TRACE_DIR];
  return dir ? { [CALL_TRACE_DIR]: dir, [CALL_TRACE_RUN]: env[CALL_TRACE_RUN] ?? "" } : {};
}

export function callTraceOn(): boolean {
  return Boolean(process.env[CALL_TRACE_DIR]);
}

/** Appends one call to this process's trace file; a call already recorded alike is not written again. */
export function recordCall(call: Pick<TracedCall, "service" | "operation" | "names" | "path" | "auth">): void {
  const dir = process.env[CALL_TRACE_DIR];
  if (!dir) return;
  const who = invocation.getStore() ?? current;
  const line: TracedCall = {
    run: process.env[CALL_TRACE_RUN] ?? "",
    part: who?.part ?? null,
    env: who ? settingsOf(who) : {},
    ...call,
  };
  const text = JSON.stringify(line);
  if (seenLines.has(text)) return;
  if (seenLines.size < MAX_SEEN_LINES) seenLines.add(text);
  appendFileSync(path.join(dir, `calls-${process.pid}.jsonl`), `${text}\n`);
}

function settingsOf(who: Identity): Record<string, PartSetting> {
  const env: Record<string, PartSetting> = {};
  for (const name of who.variables) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  for (const [name, value] of Object.entries(who.eventSettings)) {
    if (value.length > 0) env[name] = value;
  }
  return env;
}

/** The resource names in an SDK call's input, nested identifiers flattened: "SchemaId.SchemaName". */
export function resourceNames(input: Record<string, unknown>): Record<string, string | string[]> {
  const names: Record<string, string | string[]> = {};
  for (const field of RESOURCE_FIELDS) {
    const value = input[field];
    if (typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string"))) {
      names[field] = value as string | string[];
    } else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) {
        if (typeof inner === "string") names[`${field}.${key}`] = inner;
      }
    }
  }
  for (const field of CARRIED_IN) {
    const token = input[field];
    if (typeof token === "string" && carried.has(token)) Object.assign(names, carried.get(token));
  }
  return names;
}

function remember(output: Record<string, unknown>, names: Record<string, string | string[]>): void {
  if (Object.keys(names).length === 0) return;
  for (const field of CARRIED_OUT) {
    const token = output[field];
    if (typeof token !== "string") continue;
    if (carried.size >= MAX_CARRIED) carried.delete(carried.keys().next().value!);
    carried.set(token, names);
  }
}

/** What the trace needs of a smithy client: its service id and its middleware stack. */
interface SmithyClient {
  config: { serviceId?: string };
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: object }) => Promise<{ output: object }>,
        context: { commandName?: string },
      ) => (args: { input: object }) => Promise<{ output: object }>,
      options: { step: "initialize"; name: string },
    ): void;
  };
}

/**
 * Adds the recording middleware to an AWS SDK v3 client when the trace is on. It sits at
 * the initialize step: it sees the command and its input as the code wrote them, once per
 * call (retries happen further down the stack).
 */
export function traceSdkCalls<C>(client: C): C {
  if (!callTraceOn()) return client;
  const smithy = client as unknown as SmithyClient;
  const service = smithy.config.serviceId ?? "unknown";
  smithy.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const names = resourceNames(input);
      recordCall({ service, operation: (context.commandName ?? "unknown").replace(/Command$/, ""), names });
      const result = await next(args);
      remember(result.output as Record<string, unknown>, names);
      return result;
    },
    { step: "initialize", name: "awsCallTrace" },
  );
  return client;
}
