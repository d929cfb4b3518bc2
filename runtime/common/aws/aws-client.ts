/**
 * Every AWS SDK client of the runtime is made here, so each one records its calls when the
 * tests switch the call trace on (call-trace.ts). A new client is one line:
 *
 *   const glue = awsClient(GlueClient, endpointConfig({ region }));
 *
 * and its calls join the IAM check in tests/iam/ (docs/iam.md).
 */
import { traceSdkCalls } from "./call-trace";
import { LOCAL_CREDENTIALS } from "./local-credentials";

export function awsClient<C, Config>(Client: new (config: Config) => C, config: Config): C {
  return traceSdkCalls(new Client(config));
}

/** Where a client sends its calls. */
export interface ClientEndpoint {
  region: string;
  /**
   * Set for a local emulator or stand-in; unset means the real regional endpoint (or the
   * SDK's AWS_ENDPOINT_URL_<SERVICE>).
   */
  endpoint?: string;
  /** SDK attempts per call (default: the SDK's own, 3). Readiness probes use 1 to fail fast. */
  maxAttempts?: number;
}

/**
 * The SDK settings for `where`. A local endpoint accepts any signature, so it gets fixed
 * credentials: a local run never needs, or picks up, a developer's real AWS credentials.
 */
export function endpointConfig(where: ClientEndpoint) {
  return {
    region: where.region,
    endpoint: where.endpoint,
    credentials: where.endpoint === undefined ? undefined : LOCAL_CREDENTIALS,
    maxAttempts: where.maxAttempts,
  };
}
