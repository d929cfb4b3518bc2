import { expect } from "chai";
import { aggregate } from "../../../runtime/stream/aggregation";
import { KinesisEventRecord, processKinesisBatch } from "../../../runtime/processing/lambda-batch";
import { ConsumerRecord, RecordProcessor } from "../../../runtime/processing/record-processor";

function eventRecord(shardId: string, sequenceNumber: string, data: Buffer, partitionKey = "pk"): KinesisEventRecord {
  return {
    eventID: `${shardId}:${sequenceNumber}`,
    kinesis: { partitionKey, data: data.toString("base64"), sequenceNumber },
  };
}

/** A processor that records what it got and throws on any record whose data is in `poison`. */
function recordingProcessors(poison: string[] = []) {
  const seen: ConsumerRecord[] = [];
  const factory = (): RecordProcessor => ({
    initialize: () => undefined,
    processRecords: ({ records }) => {
      const bad = records.find((r) => poison.includes(r.data.toString()));
      if (bad) throw new Error(`cannot process ${bad.data.toString()}`);
      seen.push(...records);
    },
    leaseLost: () => undefined,
    shardEnded: () => undefined,
    shutdownRequested: () => undefined,
  });
  return { seen, factory };
}

describe("processing in lambda mode (processKinesisBatch)", () => {
  it("de-aggregates KPL records and hands each shard's user records to the processor in order", async () => {
    const agg = aggregate([
      { partitionKey: "a", data: Buffer.from("a1") },
      { partitionKey: "b", data: Buffer.from("b1") },
    ]);
    const { seen, factory } = recordingProcessors();
    const out = await processKinesisBatch(
      [eventRecord("shardId-0", "100", agg), eventRecord("shardId-0", "101", Buffer.from("plain"), "c")],
      factory,
      () => undefined,
    );
    expect(out).to.deep.equal({ batchItemFailures: [] });
    expect(seen.map((r) => [r.partitionKey, r.data.toString(), r.sequenceNumber, r.subSequenceNumber])).to.deep.equal([
      ["a", "a1", "100", 0],
      ["b", "b1", "100", 1],
      ["c", "plain", "101", undefined],
    ]);
  });

  it("keeps explicit hash keys, of plain records and of sub-records, as the workers do", async () => {
    const agg = aggregate([{ partitionKey: "a", explicitHashKey: "42", data: Buffer.from("a1") }]);
    const plain = eventRecord("shardId-0", "101", Buffer.from("plain"), "c");
    plain.kinesis.explicitHashKey = "7";
    const { seen, factory } = recordingProcessors();
    await processKinesisBatch([eventRecord("shardId-0", "100", agg), plain], factory, () => undefined);
    expect(seen.map((r) => [r.partitionKey, r.explicitHashKey])).to.deep.equal([
      ["a", "42"],
      ["c", "7"],
    ]);
  });

  it("reports the first failed record of a shard, stops that shard there, and goes on with other shards", async () => {
    const { seen, factory } = recordingProcessors(["bad"]);
    const errors: Record<string, unknown>[] = [];
    const out = await processKinesisBatch(
      [
        eventRecord("shardId-0", "1", Buffer.from("ok-1")),
        eventRecord("shardId-0", "2", Buffer.from("bad")),
        eventRecord("shardId-0", "3", Buffer.from("after")),
        eventRecord("shardId-1", "7", Buffer.from("other-shard")),
      ],
      factory,
      (f) => errors.push(f),
    );
    expect(out.batchItemFailures).to.deep.equal([{ itemIdentifier: "2" }]);
    expect(seen.map((r) => r.data.toString())).to.deep.equal(["ok-1", "other-shard"]);
    expect(errors).to.deep.equal([
      { shardId: "shardId-0", sequenceNumber: "2", corrupt: false, err: "cannot process bad" },
    ]);
  });

  it("reports a corrupt aggregate as failed, named as corrupt, so Lambda can send it to the on-failure queue", async () => {
    const agg = aggregate([
      { partitionKey: "a", data: Buffer.from("x") },
      { partitionKey: "b", data: Buffer.from("y") },
    ]);
    agg[8] ^= 0xff;
    const errors: Record<string, unknown>[] = [];
    const out = await processKinesisBatch([eventRecord("shardId-0", "9", agg)], recordingProcessors().factory, (f) =>
      errors.push(f),
    );
    expect(out.batchItemFailures).to.deep.equal([{ itemIdentifier: "9" }]);
    expect(errors[0]).to.include({ corrupt: true });
  });
});

describe("processing in lambda mode, with schema-registry records", () => {
  it("hands decoded data to the processor and sends undecodable records to the dead letters, not back to Lambda", async () => {
    const { DeadLetters } = await import("../../../runtime/processing/dead-letters");
    const { SchemaDecoder } = await import("../../../runtime/processing/schema-decoder");
    const { encode } = await import("../../../runtime/schemas/wire-format");
    const version = {
      schemaName: "weather-report",
      versionNumber: 2,
      schemaVersionId: "0a0b0c0d-0000-4000-8000-000000000001",
      definition: "{}",
    };
    const source = {
      latest: async () => version,
      byId: async (id: string) => (id === version.schemaVersionId ? version : undefined),
      register: async () => version,
    };
    const dead: Record<string, unknown>[] = [];
    const decoder = new SchemaDecoder(new DeadLetters((f) => dead.push(f)), source);
    const { seen, factory } = recordingProcessors();
    const good = encode(Buffer.from('{"temperature":3}'), version.schemaVersionId, { compression: "zlib" });
    const unknown = encode(Buffer.from("{}"), "0a0b0c0d-0000-4000-8000-0000000000ff", { compression: "none" });
    const out = await processKinesisBatch(
      [
        eventRecord("shardId-0", "1", good),
        eventRecord("shardId-0", "2", unknown),
        eventRecord("shardId-0", "3", Buffer.from("plain")),
      ],
      factory,
      () => undefined,
      decoder,
    );
    expect(out.batchItemFailures).to.deep.equal([]);
    expect(seen.map((r) => [r.sequenceNumber, r.data.toString(), r.value, r.schema?.versionNumber])).to.deep.equal([
      ["1", '{"temperature":3}', { temperature: 3 }, 2],
      ["3", "plain", undefined, undefined],
    ]);
    expect(dead).to.have.lengthOf(1);
    expect(dead[0]).to.include({ shardId: "shardId-0", sequenceNumber: "2" });
  });
});
