import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DeadLetters } from "../../../runtime/processing/dead-letters";
import { ConsumerRecord } from "../../../runtime/processing/record-processor";
import { SchemaDecoder } from "../../../runtime/processing/schema-decoder";
import { LocalSchemaRegistry } from "../../../runtime/schemas/local-registry";
import { LocalSchemaSource } from "../../../runtime/schemas/local-schema-source";
import { encode } from "../../../runtime/schemas/wire-format";

const WEATHER = readFileSync(path.join(__dirname, "..", "..", "..", "schemas", "weather-report.json"), "utf8");
const REPORT = { location: { city: "Seattle", state: "WA" }, temperature: 12, timestamp: 1700000000 };

function record(data: Buffer, sequenceNumber = "100", subSequenceNumber?: number): ConsumerRecord {
  // A tenant's record: decoding reads its data only, and keeps its tenant.
  return {
    shardId: "shardId-000000000001",
    tenant: "acme",
    partitionKey: "acme|k",
    data,
    sequenceNumber,
    subSequenceNumber,
  };
}

describe("SchemaDecoder (consumers)", () => {
  let dir: string;
  let versionId: string;
  let decoder: SchemaDecoder;
  let deadFile: string;
  const logged: Record<string, unknown>[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "decoder-"));
    const file = path.join(dir, "registry.json");
    versionId = new LocalSchemaRegistry({ file }).register("weather-report", WEATHER).schemaVersionId;
    deadFile = path.join(dir, "dead.jsonl");
    logged.length = 0;
    decoder = new SchemaDecoder(new DeadLetters((f) => logged.push(f), deadFile), new LocalSchemaSource(file));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const deadLines = () =>
    readFileSync(deadFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));

  it("hands over the payload, the parsed data and the schema version, compressed or not", async () => {
    for (const compression of ["none", "zlib"] as const) {
      const [out] = await decoder.decode([
        record(encode(Buffer.from(JSON.stringify(REPORT)), versionId, { compression })),
      ]);
      expect(out.value).to.deep.equal(REPORT);
      expect(out.data.toString()).to.equal(JSON.stringify(REPORT));
      expect(out.schema).to.deep.equal({ schemaName: "weather-report", versionNumber: 1, schemaVersionId: versionId });
    }
  });

  it("passes records without the header through untouched", async () => {
    const plain = record(Buffer.from('{"not":"registry"}'));
    expect(await decoder.decode([plain])).to.deep.equal([plain]);
  });

  const bad: [string, () => Buffer, RegExp][] = [
    [
      "an unknown schema version",
      () => encode(Buffer.from("{}"), "11111111-2222-3333-4444-555555555555", { compression: "none" }),
      /^unknown schema version 11111111-2222-3333-4444-555555555555$/,
    ],
    [
      "a malformed header (too short)",
      () => Buffer.from([3, 0, 1, 2]),
      /^malformed schema header: registry record too short/,
    ],
    [
      "an unknown compression byte",
      () => Buffer.concat([Buffer.from([3, 9]), Buffer.alloc(16), Buffer.from("{}")]),
      /^malformed schema header/,
    ],
    [
      "a payload that is not JSON",
      () => encode(Buffer.from("not json"), versionId, { compression: "none" }),
      /is not JSON$/,
    ],
  ];
  for (const [what, data, reason] of bad) {
    it(`sends ${what} to the dead letters with its shard and place, and goes on`, async () => {
      const good = record(encode(Buffer.from(JSON.stringify(REPORT)), versionId, { compression: "none" }), "101");
      const out = await decoder.decode([record(data(), "100", 3), good]);
      expect(out.map((r) => r.sequenceNumber)).to.deep.equal(["101"]);
      const [line] = deadLines();
      expect(line).to.include({ shardId: "shardId-000000000001", sequenceNumber: "100", subSequenceNumber: 3 });
      expect(line.reason).to.match(reason);
      expect(Buffer.from(line.data, "base64").equals(data())).to.equal(true);
      expect(logged[0]).to.include({ shardId: "shardId-000000000001", sequenceNumber: "100" });
    });
  }

  it("without a registry configured, sends registry records to the dead letters and says why", async () => {
    const noRegistry = new SchemaDecoder(new DeadLetters(() => undefined, deadFile));
    const out = await noRegistry.decode([record(encode(Buffer.from("{}"), versionId, { compression: "none" }))]);
    expect(out).to.deep.equal([]);
    expect(deadLines()[0].reason).to.contain("no schema registry is configured");
  });
});
