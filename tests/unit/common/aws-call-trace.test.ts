/**
 * The AWS call trace (runtime/common/aws/call-trace.ts) as the runtime's clients record it: the
 * resource names of each call, names carried by a shard iterator, the part that made it
 * and that part's settings, and nothing when the trace is off. Each test writes to a
 * folder of its own, not to the run's trace, which the IAM check reads.
 */
import { CheckSchemaVersionValidityCommand } from "@aws-sdk/client-glue";
import { GetRecordsCommand, GetShardIteratorCommand } from "@aws-sdk/client-kinesis";
import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import {
  asPart,
  CALL_TRACE_DIR,
  CALL_TRACE_RUN,
  eventSetting,
  resourceNames,
  TracedCall,
} from "../../../runtime/common/aws/call-trace";
import { createGlueClient } from "../../../runtime/common/aws/glue-client";
import { createKinesisClient } from "../../../runtime/common/aws/kinesis-client";
import { createSearchClient } from "../../../runtime/common/aws/search-client";
import { startAwsJsonStandIn, STAND_IN_CREDENTIALS, withEnv } from "../../harness/aws-json-stand-in";

function traced(dir: string): TracedCall[] {
  return readdirSync(dir).flatMap((f) =>
    readFileSync(path.join(dir, f), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as TracedCall),
  );
}

describe("the AWS call trace", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "call-trace-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const NAMES: [string, Record<string, unknown>, Record<string, string | string[]>][] = [
    ["a stream name", { StreamName: "trips", Limit: 5 }, { StreamName: "trips" }],
    [
      "a schema id, flattened",
      { SchemaId: { RegistryName: "r", SchemaName: "s" }, SchemaDefinition: "{}" },
      { "SchemaId.RegistryName": "r", "SchemaId.SchemaName": "s" },
    ],
    ["a schema version id", { SchemaVersionId: "0a0b" }, { SchemaVersionId: "0a0b" }],
    ["alarm names", { AlarmNames: ["up", "down"] }, { AlarmNames: ["up", "down"] }],
    ["no resource at all", { MetricDataQueries: [{ Id: "bytes" }] }, {}],
  ];
  for (const [what, input, names] of NAMES) {
    it(`records ${what} as the call's resource names`, () => expect(resourceNames(input)).to.deep.equal(names));
  }

  it("records each call once, with the part that made it, its settings, and the stream a shard iterator stands for", async () => {
    const kinesis = await startAwsJsonStandIn({
      GetShardIterator: () => ({ ShardIterator: "iterator-1" }),
      GetRecords: () => ({ Records: [], NextShardIterator: "iterator-2", MillisBehindLatest: 0 }),
    });
    try {
      await withEnv(
        { [CALL_TRACE_DIR]: dir, [CALL_TRACE_RUN]: "run-1", ...STAND_IN_CREDENTIALS, STREAM_NAME: "trips" },
        async () => {
          const client = createKinesisClient({ region: "us-east-1", endpoint: kinesis.endpoint, http: "1.1" });
          try {
            await client.send(
              new GetShardIteratorCommand({ StreamName: "trips", ShardId: "s", ShardIteratorType: "LATEST" }),
            );
            await asPart("processing", ["STREAM_NAME"], async () => {
              const { NextShardIterator } = await client.send(new GetRecordsCommand({ ShardIterator: "iterator-1" }));
              await client.send(new GetRecordsCommand({ ShardIterator: NextShardIterator }));
              await client.send(new GetRecordsCommand({ ShardIterator: "iterator-1" }));
            });
          } finally {
            client.destroy();
          }
        },
      );
    } finally {
      await kinesis.close();
    }
    expect(traced(dir)).to.deep.equal([
      {
        run: "run-1",
        part: null,
        env: {},
        service: "Kinesis",
        operation: "GetShardIterator",
        names: { StreamName: "trips" },
      },
      // Three GetRecords calls, one line: the same part, settings and resource.
      {
        run: "run-1",
        part: "processing",
        env: { STREAM_NAME: "trips" },
        service: "Kinesis",
        operation: "GetRecords",
        names: { StreamName: "trips" },
      },
    ]);
  });

  it("records a handler's event settings (a list as a list), and an OpenSearch request with basic authentication as such", async () => {
    const glue = await startAwsJsonStandIn({ CheckSchemaVersionValidity: () => ({ Valid: true }) });
    const domain = http.createServer((_req, res) => res.end("{}"));
    await new Promise<void>((resolve) => domain.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(domain.address() as AddressInfo).port}`;
    try {
      await withEnv({ [CALL_TRACE_DIR]: dir, [CALL_TRACE_RUN]: "run-2", ...STAND_IN_CREDENTIALS }, async () => {
        const client = createGlueClient({ region: "us-east-1", endpoint: glue.endpoint });
        const settings = { [eventSetting("registryName")]: "r", [eventSetting("schemas", "name")]: ["a", "b"] };
        await asPart(
          "schemaSetupLambda",
          [],
          () => client.send(new CheckSchemaVersionValidityCommand({ DataFormat: "JSON", SchemaDefinition: "{}" })),
          settings,
        );
        const master = createSearchClient(endpoint, { kind: "basic", username: "admin", password: "secret" });
        await asPart("searchSetupLambda", [], () => master.transport.request({ method: "PUT", path: "/_plugins/x" }));
        client.destroy();
        await master.close();
      });
    } finally {
      await glue.close();
      await new Promise((resolve) => domain.close(resolve));
    }
    expect(traced(dir)).to.deep.equal([
      {
        run: "run-2",
        part: "schemaSetupLambda",
        env: { "event.registryName": "r", "event.schemas[].name": ["a", "b"] },
        service: "Glue",
        operation: "CheckSchemaVersionValidity",
        names: {},
      },
      {
        run: "run-2",
        part: "searchSetupLambda",
        env: {},
        service: "es",
        operation: "PUT",
        names: { Endpoint: endpoint },
        path: "/_plugins/x",
        auth: "basic",
      },
    ]);
  });

  it("off (no AWS_CALL_TRACE_DIR), a client records nothing", async () => {
    const kinesis = await startAwsJsonStandIn({ GetShardIterator: () => ({ ShardIterator: "i" }) });
    try {
      await withEnv({ [CALL_TRACE_DIR]: undefined, ...STAND_IN_CREDENTIALS }, async () => {
        const client = createKinesisClient({ region: "us-east-1", endpoint: kinesis.endpoint, http: "1.1" });
        await client.send(new GetShardIteratorCommand({ StreamName: "x", ShardId: "s", ShardIteratorType: "LATEST" }));
        client.destroy();
      });
    } finally {
      await kinesis.close();
    }
    expect(kinesis.calls).to.have.length(1);
    expect(readdirSync(dir)).to.deep.equal([]);
    expect(existsSync(path.join(dir, `calls-${process.pid}.jsonl`))).to.equal(false);
  });
});
