/**
 * The producer the aggregation benchmarks run (bench/lib/producer-run.ts) is the ingest
 * service's, with the settings an environment without overrides gives it: reading them must
 * not need what only the HTTP service in front of it uses (API keys and their tenants table).
 */
import { expect } from "chai";
import { serviceProducerOptions } from "../../../bench/lib/producer-run";
import { readIngestSettings } from "../../../runtime/ingest/settings";

describe("aggregation benchmarks' producer options", () => {
  it("are read without a tenants table, and are the service's own but for the pending limit", () => {
    const options = serviceProducerOptions(10);
    const service = readIngestSettings({
      STREAM_NAME: "s",
      AWS_REGION: "us-east-1",
      INGEST_AUTH: "apiKeys",
      TENANTS_TABLE: "tenants",
    }).producer;
    expect(options).to.deep.equal(service);
  });

  it("raise the pending limit to the run's records, never lower it", () => {
    // The service's own limit, read as the service reads it, not through the function under test.
    const service = readIngestSettings({ STREAM_NAME: "s", AWS_REGION: "us-east-1", INGEST_AUTH: "none" }).producer
      .pendingLimitRecords;
    expect(serviceProducerOptions(service * 3).pendingLimitRecords).to.equal(service * 3);
    expect(serviceProducerOptions(1).pendingLimitRecords).to.equal(service);
  });
});
