/**
 * An AWS service played by a local HTTP server speaking the service's JSON protocol (the
 * operation in X-Amz-Target, the input and the answer as JSON): Glue, CloudWatch, Kinesis
 * Analytics, DynamoDB and Kinesis all speak it. The runtime's real SDK clients reach it
 * through the SDK's own endpoint setting (AWS_ENDPOINT_URL_<SERVICE>), so what is tested is
 * the adapter and the client as they run on AWS, and their calls are in the call trace.
 */
import http from "node:http";
import { AddressInfo } from "node:net";
import path from "node:path";

import { REPO_ROOT } from "../../runtime/common/repo-root";

/** An answer with an AWS error: the SDK raises it as the exception named `type`. */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type Operation = (input: Record<string, any>) => unknown;

export interface StandInCall {
  operation: string;
  input: Record<string, any>;
}

export interface AwsJsonStandIn {
  /** "http://127.0.0.1:PORT", for AWS_ENDPOINT_URL_<SERVICE>. */
  endpoint: string;
  /** Every call, in the order they came. */
  calls: StandInCall[];
  close(): Promise<void>;
}

/**
 * Starts a stand-in on a free local port that answers the operations in `operations`
 * (by name: "GetSchemaVersion"); any other operation is refused as unknown.
 */
export async function startAwsJsonStandIn(operations: Record<string, Operation>): Promise<AwsJsonStandIn> {
  const calls: StandInCall[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const operation = target.split(".").pop() ?? "";
      const contentType = String(req.headers["content-type"] ?? "application/x-amz-json-1.1");
      const reply = (status: number, answer: unknown) => {
        res.writeHead(status, { "content-type": contentType });
        res.end(JSON.stringify(answer));
      };
      try {
        const input = body ? (JSON.parse(body) as Record<string, any>) : {};
        calls.push({ operation, input });
        const handler = operations[operation];
        if (!handler) throw new AwsError("UnknownOperationException", `the stand-in does not answer ${target}`);
        reply(200, handler(input) ?? {});
      } catch (error) {
        const e = error instanceof AwsError ? error : new AwsError("InternalFailure", String(error), 500);
        reply(e.status, { __type: e.type, message: e.message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // The SDK keeps its connections alive: close them, or close() waits for their timeout.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Credentials for clients that reach a stand-in: it checks no signature, and nothing real leaks. */
export const STAND_IN_CREDENTIALS = { AWS_ACCESS_KEY_ID: "stand-in", AWS_SECRET_ACCESS_KEY: "stand-in" } as const;

/**
 * Runs `fn` with these environment variables set (unset for undefined), then puts back
 * what was there: an in-process handler reads its settings and endpoints from process.env.
 */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const put = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  put(vars);
  try {
    return await fn();
  } finally {
    put(saved);
  }
}

/**
 * A fresh copy of a module (its module-level state built anew, from the environment of the
 * moment), as a new Lambda instance loads it. `modulePath` is from the repository root.
 */
export function freshModule<T>(modulePath: string): T {
  const resolved = require.resolve(path.join(REPO_ROOT, modulePath));
  delete require.cache[resolved];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(resolved) as T;
}
