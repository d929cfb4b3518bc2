import { expect } from "chai";
import { envHelp, readEnv, SettingsError, integer } from "../../../runtime/common/env";
import { INGEST_VARIABLES } from "../../../runtime/ingest/contract";
import { readIngestSettings } from "../../../runtime/ingest/settings";

// Keys are on by default (INGEST_AUTH=apiKeys), so the tenants table is required too.
const REQUIRED = { STREAM_NAME: "orders", AWS_REGION: "eu-west-1", TENANTS_TABLE: "tenants" };

function problemOf(env: Record<string, string>): string {
  try {
    readIngestSettings(env);
  } catch (e) {
    expect(e).to.be.instanceOf(SettingsError);
    return (e as Error).message;
  }
  throw new Error("the settings should have been refused");
}

describe("ingest settings", () => {
  it("defaults to the KPL's batching and a durable API on 8080", () => {
    const s = readIngestSettings(REQUIRED);
    expect(s).to.deep.include({
      streamName: "orders",
      region: "eu-west-1",
      port: 8080,
      host: "0.0.0.0",
      kinesisEndpoint: undefined,
      ackMode: "durable",
      maxBodyBytes: 6 * 1024 * 1024,
    });
    expect(s.producer).to.deep.include({
      aggregation: true,
      aggregationMaxSize: 51_200,
      recordMaxBufferedTimeMs: 100,
      collectionMaxCount: 500,
      collectionMaxSize: 5 * 1024 * 1024,
      recordTtlMs: 30_000,
      maxConnections: 24,
    });
  });

  it("takes every setting from the environment", () => {
    const s = readIngestSettings({
      ...REQUIRED,
      PORT: "9000",
      KINESIS_ENDPOINT: "http://127.0.0.1:4568/",
      ACK_MODE: "buffered",
      AGGREGATION: "false",
      RECORD_MAX_BUFFERED_MS: "250",
      PENDING_LIMIT_RECORDS: "50",
    });
    expect(s).to.deep.include({ port: 9000, kinesisEndpoint: "http://127.0.0.1:4568", ackMode: "buffered" });
    expect(s.producer).to.deep.include({ aggregation: false, recordMaxBufferedTimeMs: 250, pendingLimitRecords: 50 });
  });

  const table: [Record<string, string>, string][] = [
    [{ AWS_REGION: "eu-west-1" }, "STREAM_NAME must be set to a stream name: 1 to 128 of a-z A-Z 0-9 _ . -"],
    [
      { ...REQUIRED, STREAM_NAME: "has space" },
      'STREAM_NAME must be a stream name: 1 to 128 of a-z A-Z 0-9 _ . -, got "has space"',
    ],
    [{ ...REQUIRED, AWS_REGION: "Europe" }, "AWS_REGION must be an AWS region such as us-east-1, got Europe"],
    [{ ...REQUIRED, PORT: "70000" }, "PORT must be an integer from 1 to 65535, got 70000"],
    [
      { ...REQUIRED, KINESIS_ENDPOINT: "localhost:4568" },
      "KINESIS_ENDPOINT must be an http:// or https:// URL, got localhost:4568",
    ],
    [{ ...REQUIRED, ACK_MODE: "fast" }, "ACK_MODE must be one of durable, buffered, got fast"],
    [{ ...REQUIRED, AGGREGATION_MAX_BYTES: "2000000" }, "AGGREGATION_MAX_BYTES"],
    [{ ...REQUIRED, RECORD_TTL_MS: "10" }, "RECORD_TTL_MS must be an integer from 100 to 600000, got 10"],
    [{ ...REQUIRED, LOG_LEVEL: "loud" }, "LOG_LEVEL"],
  ];
  for (const [env, message] of table) {
    it(`refuses ${JSON.stringify(env).slice(0, 90)}`, () => {
      expect(problemOf(env)).to.contain(message);
    });
  }

  it("reads a schema to enforce, from Glue or from a local registry file", () => {
    expect(
      readIngestSettings({ ...REQUIRED, SCHEMA_NAME: "taxi-trip", SCHEMA_REGISTRY_NAME: "reg" }).schema,
    ).to.deep.equal({
      name: "taxi-trip",
      registry: { kind: "glue", registryName: "reg" },
      compression: "none",
      autoRegister: false,
    });
    expect(
      readIngestSettings({
        ...REQUIRED,
        SCHEMA_NAME: "t",
        SCHEMA_REGISTRY_FILE: "/tmp/r.json",
        SCHEMA_COMPRESSION: "zlib",
      }).schema,
    ).to.deep.include({ registry: { kind: "file", file: "/tmp/r.json" }, compression: "zlib" });
    expect(readIngestSettings(REQUIRED).schema).to.equal(undefined);
    expect(problemOf({ ...REQUIRED, SCHEMA_NAME: "t" })).to.contain(
      "needs exactly one of SCHEMA_REGISTRY_NAME (Glue) or SCHEMA_REGISTRY_FILE (local)",
    );
    expect(
      problemOf({ ...REQUIRED, SCHEMA_NAME: "t", SCHEMA_REGISTRY_NAME: "a", SCHEMA_REGISTRY_FILE: "b" }),
    ).to.contain("exactly one");
  });

  it("authenticates tenants by default, with the stack's defaults for the cache, the throttle and the limits", () => {
    expect(readIngestSettings(REQUIRED).tenants).to.deep.equal({
      table: "tenants",
      dynamoDbEndpoint: undefined,
      cacheTtlMs: 30_000,
      cacheMaxEntries: 10_000,
      failureBurst: 10,
      failuresPerSecond: 1,
      failureAddresses: 10_000,
      clientAddress: "socket",
      recordsPerSecond: 1000,
      bytesPerSecond: 1024 * 1024,
      metricsFor: [],
    });
  });

  it("INGEST_AUTH=none turns keys off, and needs no table", () => {
    expect(
      readIngestSettings({ STREAM_NAME: "orders", AWS_REGION: "eu-west-1", INGEST_AUTH: "none" }).tenants,
    ).to.equal(undefined);
  });

  const tenantProblems: [Record<string, string>, string][] = [
    [{ TENANTS_TABLE: "" }, "INGEST_AUTH=apiKeys needs TENANTS_TABLE"],
    [{ INGEST_AUTH: "keys" }, "INGEST_AUTH must be one of apiKeys, none, got keys"],
    [{ TENANT_METRICS_FOR: "acme,Beta" }, "TENANT_METRICS_FOR must be a comma-separated list of at most 20 tenant ids"],
    [{ TENANT_METRICS_FOR: "acme,,beta" }, "TENANT_METRICS_FOR must be a comma-separated list"],
    [{ CLIENT_ADDRESS: "first" }, "CLIENT_ADDRESS must be one of socket, load-balancer, got first"],
    [{ AUTH_CACHE_TTL_MS: "0" }, "AUTH_CACHE_TTL_MS must be an integer from 100 to 300000, got 0"],
  ];
  for (const [env, problem] of tenantProblems) {
    it(`refuses ${JSON.stringify(env)}: ${problem}`, () =>
      expect(problemOf({ ...REQUIRED, ...env })).to.contain(problem));
  }

  it("lists every bad variable in one error", () => {
    const message = problemOf({ PORT: "x", ACK_MODE: "y" });
    expect(message.split("\n")).to.have.lengthOf(6); // the heading and five problems
    for (const name of ["STREAM_NAME", "AWS_REGION", "PORT", "ACK_MODE", "TENANTS_TABLE"]) {
      expect(message).to.contain(name);
    }
  });

  it("--help lists every variable with its default and what is allowed", () => {
    const help = envHelp(INGEST_VARIABLES).join("\n");
    for (const name of Object.keys(INGEST_VARIABLES)) expect(help).to.contain(name);
    expect(help).to.match(/RECORD_MAX_BUFFERED_MS\s+.*\(default 100; an integer from 1 to 60000\)/);
    expect(help).to.match(/STREAM_NAME\s+.*\(required;/);
  });

  it("counts an empty variable as unset", () => {
    expect(readEnv({ N: { ...integer(1, 9), default: "5", purpose: "n" } }, { N: "" })).to.deep.equal({ N: 5 });
  });
});
