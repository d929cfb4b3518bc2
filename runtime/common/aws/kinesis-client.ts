import { KinesisClient } from "@aws-sdk/client-kinesis";
import { NodeHttp2Handler, NodeHttpHandler } from "@smithy/node-http-handler";

import { awsClient } from "./aws-client";
import { LOCAL_CREDENTIALS } from "./local-credentials";

export interface KinesisClientOptions {
  region: string;
  /** Set for the local emulator; unset means the real regional AWS endpoint. */
  endpoint?: string;
  /**
   * "1.1" for the local emulator and for ordinary API calls: kinesis-local fails with a
   * protocol error under the SDK's default HTTP/2 handler. "2" for SubscribeToShard
   * (enhanced fan-out) on real AWS, which only works over HTTP/2.
   */
  http: "1.1" | "2";
  /** SDK attempts per call (default: the SDK's own, 3). Readiness probes use 1 to fail fast. */
  maxAttempts?: number;
}

export function createKinesisClient(options: KinesisClientOptions): KinesisClient {
  return awsClient(KinesisClient, {
    region: options.region,
    endpoint: options.endpoint,
    requestHandler: options.http === "2" ? new NodeHttp2Handler() : new NodeHttpHandler(),
    // The emulator accepts any signature, so local runs need no AWS credentials at all.
    credentials: options.endpoint === undefined ? undefined : LOCAL_CREDENTIALS,
    maxAttempts: options.maxAttempts,
  });
}
