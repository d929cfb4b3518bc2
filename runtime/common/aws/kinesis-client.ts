import { KinesisClient } from "@aws-sdk/client-kinesis";
import { NodeHttp2Handler, NodeHttpHandler } from "@smithy/node-http-handler";

import { awsClient, ClientEndpoint, endpointConfig } from "./aws-client";

export interface KinesisClientOptions extends ClientEndpoint {
  /**
   * "1.1" for the local emulator and for ordinary API calls: kinesis-local fails with a
   * protocol error under the SDK's default HTTP/2 handler. "2" for SubscribeToShard
   * (enhanced fan-out) on real AWS, which only works over HTTP/2.
   */
  http: "1.1" | "2";
}

export function createKinesisClient(options: KinesisClientOptions): KinesisClient {
  return awsClient(KinesisClient, {
    ...endpointConfig(options),
    requestHandler: options.http === "2" ? new NodeHttp2Handler() : new NodeHttpHandler(),
  });
}
