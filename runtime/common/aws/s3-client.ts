import { S3Client } from "@aws-sdk/client-s3";

import { awsClient, ClientEndpoint, endpointConfig } from "./aws-client";

/** A local S3 server answers at one host: path-style addressing (bucket in the path). */
export function createS3Client(where: ClientEndpoint): S3Client {
  return awsClient(S3Client, { ...endpointConfig(where), forcePathStyle: where.endpoint !== undefined });
}
