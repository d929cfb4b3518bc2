/**
 * The ingest service as it runs in production (the compiled entry point, a child process,
 * settings from the environment) against the real kinesis-local emulator: what clients
 * post over HTTP is what a consumer reads back from the stream, and bad input is refused
 * without writing anything or hurting the process. Reshards, faults and shutdown are in
 * the other ingest-*.test.ts files.
 */
import { expect } from "chai";

import {
  expectStoredAsAcknowledged,
  acknowledged,
  findCopies,
  makeRecords,
  Posted,
  postAll,
} from "../../harness/ingest-records";
import { rawExchange } from "../../harness/raw-http";
import { IngestTestbed } from "./testbed";

const MiB = 1024 * 1024;

/** A bad request and the answer it must get: status, stable error code and part of the message. */
interface BadInput {
  name: string;
  path?: string;
  body: unknown;
  contentType?: string;
  status: number;
  error: string;
  message: string;
}

const BAD_INPUTS: BadInput[] = [
  { name: "invalid JSON", body: '{"data": "x",', status: 400, error: "invalid_json", message: "not valid JSON" },
  { name: "no data", body: { partitionKey: "k" }, status: 400, error: "missing_field", message: "data is missing" },
  {
    name: "data a number",
    body: { data: 42 },
    status: 400,
    error: "invalid_field",
    message: "data must be a string or a JSON object, got a number",
  },
  {
    name: "an empty partition key",
    body: { data: "x", partitionKey: "" },
    status: 400,
    error: "invalid_field",
    message: "partitionKey must not be empty",
  },
  {
    name: "a 257-character partition key",
    body: { data: "x", partitionKey: "k".repeat(257) },
    status: 400,
    error: "invalid_field",
    message: "must not be 257 characters long",
  },
  {
    // 129 characters but 258 UTF-16 code units: Kinesis refuses it, and the whole PutRecords call with it.
    name: "a partition key of 129 emoji",
    body: { data: "x", partitionKey: "😀".repeat(129) },
    status: 400,
    error: "invalid_field",
    message: "258 UTF-16 code units",
  },
  {
    name: "data nested too deeply to serialize",
    body: `{"data":${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}}`,
    status: 400,
    error: "invalid_field",
    message: "nested too deeply",
  },
  {
    name: "text/plain",
    body: "hello",
    contentType: "text/plain",
    status: 415,
    error: "unsupported_media_type",
    message: 'Content-Type must be application/json, got "text/plain"',
  },
  {
    // Under MAX_BODY_BYTES (3 MiB here), so the record check answers, not the body limit.
    name: "a record over 1 MiB",
    body: { data: "x".repeat(MiB), partitionKey: "k" },
    status: 413,
    error: "record_too_large",
    // The stored key: the anonymous tenant's prefix (no keys in this testbed) and "k".
    message: `${MiB + "anonymous|k".length} bytes together`,
  },
  {
    name: "a body over MAX_BODY_BYTES",
    body: { data: "x".repeat(3 * MiB) },
    status: 413,
    error: "body_too_large",
    message: `over ${3 * MiB} bytes`,
  },
  {
    name: "a batch with one bad record among good ones",
    path: "/batch",
    body: { records: [{ data: "fine" }, { data: "also fine", partitionKey: "" }] },
    status: 400,
    error: "invalid_field",
    message: "records[1].partitionKey must not be empty",
  },
  {
    name: "an unknown route",
    path: "/records",
    body: { data: "x" },
    status: 404,
    error: "not_found",
    message: "POST /batch",
  },
];

describe("ingest service against kinesis-local: round trip and bad input", function () {
  this.timeout(60_000);
  let testbed: IngestTestbed;

  before(async () => {
    testbed = await IngestTestbed.start();
  });
  afterEach(async () => testbed.cleanUp());
  after(async () => testbed?.stop());

  it("stores thousands of records posted singly and in batches, each exactly once, where acknowledged", async () => {
    const stream = await testbed.createStream(4);
    // A short buffering time keeps single-record requests fast; aggregation still packs
    // what 32 concurrent requests bring within it.
    const ingest = await testbed.startIngest(stream, { RECORD_MAX_BUFFERED_MS: "20" });
    const client = testbed.httpClient(ingest, { maxSockets: 32 });

    const singles = makeRecords("single", 2400).map((record) => [record]);
    const batched = makeRecords("batch", 3000);
    const batches = Array.from({ length: 12 }, (_, i) => batched.slice(i * 250, (i + 1) * 250));
    // Interleaved, so batches and single records share aggregates.
    const requests: Posted[][] = [];
    singles.forEach((single, i) => {
      requests.push(single);
      if (i % 200 === 0 && batches.length > 0) requests.push(batches.shift()!);
    });
    requests.push(...batches);

    const sent = await postAll(client, requests, 32);
    const notOk = sent.filter((s) => s.answer?.status !== 200);
    expect(
      notOk.map((s) => s.error?.message ?? s.answer),
      "requests not answered 200",
    ).to.deep.equal([]);

    const posted = requests.flat();
    const acks = acknowledged(sent);
    expect(acks).to.have.lengthOf(posted.length);
    const contents = await testbed.read(stream);
    const { copies, unknown } = findCopies(posted, contents);
    expect(unknown, "stored records nobody posted").to.deep.equal([]);
    const missing = posted.filter((p) => copies.get(p)!.length === 0);
    const repeated = posted.filter((p) => copies.get(p)!.length > 1);
    expect(
      missing.map((p) => p.body),
      "posted but not stored",
    ).to.deep.equal([]);
    expect(
      repeated.map((p) => p.body),
      "stored more than once",
    ).to.deep.equal([]);
    expectStoredAsAcknowledged(acks, contents);
    expect(new Set(contents.records.map((r) => r.shardId)).size, "shards written").to.equal(4);
    // Aggregation is what makes the emulator's ~1,100 entries/s enough; 5,400 records
    // without it would be 5,400 Kinesis records.
    expect(contents.kinesisRecords, "Kinesis records").to.be.below(posted.length / 5);
  });

  it("refuses each bad input with its status, code and message, writes nothing, and keeps running", async () => {
    const stream = await testbed.createStream(2);
    const ingest = await testbed.startIngest(stream, { MAX_BODY_BYTES: String(3 * MiB) });
    const client = testbed.httpClient(ingest);

    for (const bad of BAD_INPUTS) {
      const answer = await client.post(bad.path ?? "/", bad.body, bad.contentType);
      expect(answer.status, `${bad.name}: ${JSON.stringify(answer.body)}`).to.equal(bad.status);
      expect(answer.headers["content-type"], bad.name).to.match(/^application\/json/);
      expect(answer.body.error, bad.name).to.equal(bad.error);
      expect(answer.body.message, bad.name).to.include(bad.message);
    }
    // What no HTTP client sends: the service answers or drops the connection, and lives on.
    expect(await rawExchange(ingest.port, "GARBAGE\r\n\r\n")).to.match(/^HTTP\/1\.1 400 /);
    const cutOff =
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"data":';
    expect(await rawExchange(ingest.port, cutOff, { hangUp: true })).to.equal("");

    const health = await client.get("/healthcheck");
    expect(health.status).to.equal(200);
    expect(health.body.pending, "nothing accepted").to.deep.equal({ records: 0, bytes: 0 });
    expect(ingest.running, ingest.output()).to.equal(true);
    // Bad input is the client's problem: it is answered, never logged as a service error.
    const errors = ingest.jsonLines().filter((line) => typeof line.level === "number" && line.level >= 50);
    expect(errors, "error logs").to.deep.equal([]);
    const contents = await testbed.read(stream);
    expect(
      contents.records.map((r) => r.data.toString()),
      "records written",
    ).to.deep.equal([]);
  });
});
