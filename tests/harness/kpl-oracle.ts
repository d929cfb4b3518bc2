/**
 * awslabs' own Node module for the KPL aggregation format (aws-kinesis-agg): an independent
 * reader and writer of the bytes our codec and the producer put on the wire. Its typings
 * pull in aws-sdk v2, so it is loaded untyped, with the shape we call.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const kplOracle = require("aws-kinesis-agg") as {
  deaggregateSync(
    record: { data: string; partitionKey: string; sequenceNumber: string },
    checksums: boolean,
    done: (
      err: Error | null,
      records?: { partitionKey: string; explicitPartitionKey?: string; data: string }[],
    ) => void,
  ): void;
  aggregate(
    records: { partitionKey: string; data: Buffer; explicitHashKey?: string }[],
    onEncoded: (encoded: { partitionKey: string; data: Buffer }, done: () => void) => void,
    afterAll: () => void,
    onError: (err: Error) => void,
  ): void;
};
