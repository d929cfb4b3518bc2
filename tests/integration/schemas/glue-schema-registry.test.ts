/**
 * The Glue Schema Registry path end to end, with the runtime's real Glue client against a
 * registry stand-in (tests/harness/glue-stand-in.ts): the ingest service registering its
 * schema (auto-registration) or taking the latest version, records written in the Glue
 * wire format to kinesis-local, then decoded by version id by a processing worker and by
 * the processing Lambda's handler. Every Glue call of the three parts is in the call
 * trace, which the IAM check (tests/iam/) holds against their roles.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";

import { KinesisEventRecord } from "../../../runtime/processing/lambda-batch";
import { LOCAL_REGION } from "../../../runtime/local/emulators";
import { decode } from "../../../runtime/schemas/wire-format";
import { SCHEMAS_DIR } from "../../../runtime/schemas/shipped-schemas";
import { freshModule, STAND_IN_CREDENTIALS, withEnv } from "../../harness/aws-json-stand-in";
import { ConsumerTestbed } from "../../harness/consumer-testbed";
import { eventually } from "../../harness/eventually";
import { GlueStandIn, startGlueStandIn } from "../../harness/glue-stand-in";
import { IngestClient } from "../../harness/ingest-client";
import { IngestProcess } from "../../harness/ingest-process";
import { readStream } from "../../harness/stream-contents";

const SCHEMA = "weather-report";
const REPORT = { location: { city: "Seattle", state: "WA" }, temperature: 12, timestamp: 1700000000 };

describe("the Glue Schema Registry path: ingest registers and encodes, processing decodes by version id", function () {
  this.timeout(90_000);
  let testbed: ConsumerTestbed;
  let glue: GlueStandIn;
  const started: IngestProcess[] = [];

  before(async () => {
    testbed = await ConsumerTestbed.start();
  });
  beforeEach(async () => {
    glue = await startGlueStandIn({ registryName: "pipeline-registry" });
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop().catch(() => p.kill())));
    await glue.close();
    await testbed.cleanUp();
  });
  after(async () => testbed?.stop());

  /** The ingest service with its schema in the stand-in registry (the stack's settings, a local stream). */
  async function startIngest(streamName: string, autoRegister: "true" | "false"): Promise<IngestProcess> {
    const ingest = await IngestProcess.start({
      STREAM_NAME: streamName,
      KINESIS_ENDPOINT: testbed.emulators.kinesis.endpoint,
      SCHEMA_NAME: SCHEMA,
      SCHEMA_REGISTRY_NAME: glue.registryName,
      SCHEMA_AUTO_REGISTER: autoRegister,
      AWS_ENDPOINT_URL_GLUE: glue.endpoint,
      ...STAND_IN_CREDENTIALS,
    });
    started.push(ingest);
    return ingest;
  }

  async function post(ingest: IngestProcess, data: unknown): Promise<void> {
    const client = new IngestClient(ingest.url);
    try {
      const answer = await client.post("/", { data, partitionKey: "seattle" });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    } finally {
      client.close();
    }
  }

  it("auto-registration: a definition new to the registry is registered, then every record names that version", async () => {
    const shipped = readFileSync(path.join(SCHEMAS_DIR, `${SCHEMA}.json`), "utf8");
    // Any definition goes after the first under NONE: the registration is the point here.
    glue.createSchema(SCHEMA, JSON.stringify({ type: "object" }), "NONE");
    const stream = await testbed.createStream(1);
    const ingest = await startIngest(stream.streamName, "true");
    await post(ingest, REPORT);

    const operations = glue.calls.map((c) => c.operation);
    expect(operations.slice(0, 2)).to.deep.equal(["GetSchemaByDefinition", "RegisterSchemaVersion"]);
    const registered = glue.calls.find((c) => c.operation === "RegisterSchemaVersion")!;
    expect(registered.input.SchemaDefinition).to.equal(shipped);
    const { records } = await readStream(testbed.kinesis, stream.streamName);
    expect(records).to.have.length(1);
    const written = decode(Buffer.from(records[0].data)) as { schemaVersionId?: string };
    const version2 = glue.calls.find((c) => c.operation === "GetSchemaVersion" && c.input.SchemaVersionId)!;
    expect(written.schemaVersionId).to.equal(version2.input.SchemaVersionId);
  });

  it("without auto-registration: the schema's latest version; a worker and the Lambda decode it by its id", async () => {
    const id = glue.createSchema(
      SCHEMA,
      readFileSync(path.join(SCHEMAS_DIR, `${SCHEMA}.json`), "utf8"),
      "BACKWARD",
    ).schemaVersionId;
    const stream = await testbed.createStream(1);
    const ingest = await startIngest(stream.streamName, "false");
    await post(ingest, REPORT);
    expect(glue.calls.map((c) => c.operation)).to.deep.equal(["GetSchemaVersion"]);
    expect(glue.calls[0].input.SchemaVersionNumber).to.deep.equal({ LatestVersion: true });

    // A worker as the stack runs it: the lease table made beforehand, the registry by name.
    const application = testbed.newApplication();
    await application.table.ensureExists();
    const file = testbed.processedFile("glue");
    const worker = testbed.startWorker({
      stream,
      application,
      workerId: "worker-glue",
      processedFile: file,
      settings: {
        CREATE_LEASE_TABLE: "false",
        SCHEMA_REGISTRY_NAME: glue.registryName,
        AWS_ENDPOINT_URL_GLUE: glue.endpoint,
        ...STAND_IN_CREDENTIALS,
      },
    });
    const processed = await eventually(
      () => {
        const lines = readLines(file);
        return lines.length > 0 && lines;
      },
      { what: "the worker to process the record", timeoutMs: 30_000, process: worker },
    );
    expect(processed.map((l) => [JSON.parse(l.data as string), l.schema])).to.deep.equal([[REPORT, `${SCHEMA}@1`]]);
    expect(glue.calls.filter((c) => c.input.SchemaVersionId).map((c) => c.input.SchemaVersionId)).to.deep.equal([id]);

    // The processing Lambda's handler on the same record, as a new instance loads it.
    const { records } = await readStream(testbed.kinesis, stream.streamName);
    const event: { Records: KinesisEventRecord[] } = {
      Records: [
        {
          eventID: `shardId-000000000000:${records[0].sequenceNumber}`,
          kinesis: {
            partitionKey: records[0].partitionKey,
            data: Buffer.from(records[0].data).toString("base64"),
            sequenceNumber: records[0].sequenceNumber,
          },
        },
      ],
    };
    const before = glue.calls.length;
    const answer = await withEnv(
      {
        SCHEMA_REGISTRY_NAME: glue.registryName,
        AWS_REGION: LOCAL_REGION,
        AWS_ENDPOINT_URL_GLUE: glue.endpoint,
        LOG_LEVEL: "silent",
        ...STAND_IN_CREDENTIALS,
      },
      () => {
        const lambda = freshModule<typeof import("../../../runtime/processing/lambda-entry")>(
          "runtime/processing/lambda-entry",
        );
        return lambda.handle(event);
      },
    );
    expect(answer).to.deep.equal({ batchItemFailures: [] });
    expect(glue.calls.slice(before).map((c) => [c.operation, c.input.SchemaVersionId])).to.deep.equal([
      ["GetSchemaVersion", id],
    ]);
  });
});

function readLines(file: string): Record<string, unknown>[] {
  try {
    return readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch {
    return [];
  }
}
