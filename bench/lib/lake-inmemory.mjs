/**
 * The lake writer's CPU per row, without S3 or an emulator: the compiled ShardConsumer, as
 * the lake worker's coordinator builds it (no schema decoder, the corrupt-aggregate dead
 * letters), over batches prepared beforehand (the real KinesisProducer's KPL aggregates of
 * the workload, captured in memory), with lease writes answered at once. Two processors take
 * turns over the same batches, in one process, every shard at once, as in a worker:
 *
 *  - "read": a processor that does nothing but checkpoint after every batch: the consumer's
 *    bare read rate (de-aggregation, the consumer loop, checkpoints), the baseline;
 *  - "lake": the lake writer (lake-writer.ts) with the in-memory LakeStore: rows, segments,
 *    claims, Parquet objects (parquet-object.ts), checkpoints at each segment's end;
 *  - "parse": the bare read plus the one step no writer of JSON rows can skip: the record's
 *    schema header read and its JSON parsed (JSON.parse, as lake-rows.ts does), nothing
 *    stored. Its rate bounds what any such writer keeps of the read rate.
 *
 * Rounds rotate the order (read, lake, parse; lake, parse, read; ...), each on a collected heap when
 * run with --expose-gc; the first round is cold and reported apart.
 *
 * Run as a child by bench/lake.ts: {type: "go", file, shards, rounds, rollBytes, rollSeconds,
 * records} answers {type: "results", ...}; {type: "segment", file, records, rollBytes,
 * rollSeconds} runs one shard until the writer cuts a segment by size and answers
 * {type: "segment", objects: [...]} with each object's rows, bytes and row groups, and
 * `merges`: each tenant's objects of every segment merged into one part as the compactor
 * merges them (compaction/parquet-merge.ts), with its bytes and CPU.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Buffer } from "node:buffer";
import { performance } from "node:perf_hooks";
import { parquetMetadata } from "hyparquet";
import { HeldLease } from "../../dist/runtime/processing/leases/held-lease.js";
import { TRIM_HORIZON } from "../../dist/runtime/processing/leases/lease.js";
import { ShardConsumer } from "../../dist/runtime/processing/shard-consumer.js";
import { DeadLetters } from "../../dist/runtime/processing/dead-letters.js";
import { lakeWriterFactory } from "../../dist/runtime/lake/lake-writer.js";
import { mergeParquet } from "../../dist/runtime/lake/compaction/parquet-merge.js";
import { MemoryLakeStore } from "../../dist/runtime/lake/lake-store.js";
import { withColumns } from "../../dist/runtime/lake/lake-rows.js";
import { decode, encode } from "../../dist/runtime/schemas/wire-format.js";
import { STREAM_LIMITS } from "../../dist/runtime/stream/limits.js";
import {
  capturedKinesisRecords,
  countingProcessor,
  cpuMicros,
  fakeReader,
  instantTable,
  strictEvents,
} from "./inmemory-shard.mjs";

/** What one GetRecords call returns at most (STREAM_LIMITS, from the API reference). */
const GET_RECORDS_MAX_RECORDS = STREAM_LIMITS.maxRecordsPerGetRecords;
const GET_RECORDS_MAX_BYTES = STREAM_LIMITS.maxBytesPerGetRecords;
/**
 * The workload's user records (JSON lines of {partitionKey, text}), cycled up to `count`;
 * with a schema, each in the registry's wire format naming it (uncompressed).
 */
function userRecords(file, count, schema) {
  const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
  const base = lines.map((l) => {
    const r = JSON.parse(l);
    const text = Buffer.from(r.text);
    return {
      partitionKey: r.partitionKey,
      data: schema ? encode(text, schema.schemaVersionId, { compression: "none" }) : text,
    };
  });
  return Array.from({ length: count }, (_, i) => {
    const r = base[i % base.length];
    return {
      partitionKey: i < base.length ? r.partitionKey : `${r.partitionKey.split("|")[0]}|${randomUUID()}`,
      data: r.data,
    };
  });
}

/** A shard's records as GetRecords would hand them: at most 10,000 records and 10 MiB a batch. */
function getRecordsBatches(list) {
  const batches = [];
  let batch = [];
  let bytes = 0;
  for (const r of list) {
    const size = r.data.length + r.partitionKey.length;
    if (batch.length && (batch.length >= GET_RECORDS_MAX_RECORDS || bytes + size > GET_RECORDS_MAX_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(r);
    bytes += size;
  }
  if (batch.length) batches.push(batch);
  return batches;
}

/**
 * The lake writer over an in-memory store, knowing the workload's schema if it has one (as
 * the worker's cache does after its first lookup); `onCut` is told each time a segment was
 * stored.
 */
function lakeProcessor(roll, schema, onCut) {
  const store = new MemoryLakeStore();
  const segments = [];
  const version = schema ? withColumns(schema) : undefined;
  const factory = lakeWriterFactory({
    store,
    schemas: async (id) => (id === version?.schemaVersionId ? version : undefined),
    roll,
    // The run ends at each shard's end (which cuts its segment): no age check meanwhile.
    ageCheckMs: 3_600_000,
    onSegment: (s) => {
      segments.push(s);
      onCut?.();
    },
    log: (level, msg, fields) => {
      throw new Error(`lake writer logged ${level}: ${msg} ${JSON.stringify(fields)}`);
    },
  });
  return {
    store,
    segments,
    records: () => segments.reduce((n, s) => n + s.written.reduce((m, o) => m + o.rows, 0), 0),
    factory,
  };
}

/** The bare read plus each record's JSON parsed (its payload, when it names a schema). */
function parsingProcessor() {
  let records = 0;
  let keys = 0;
  return {
    records: () => records,
    factory: () => ({
      initialize: () => undefined,
      processRecords: async ({ records: batch, checkpointer }) => {
        for (const r of batch) {
          const d = decode(r.data);
          const value = JSON.parse((d.kind === "plain" ? r.data : d.payload).toString("utf8"));
          // Used, so the parse is not optimized away.
          if (value !== null && typeof value === "object") keys++;
        }
        records += batch.length;
        if (keys < 0) throw new Error("unreachable");
        await checkpointer.checkpoint();
      },
      leaseLost: () => undefined,
      shardEnded: ({ checkpointer }) => checkpointer.checkpoint(),
      shutdownRequested: ({ checkpointer }) => checkpointer.checkpoint(),
    }),
  };
}

async function consumeAll(shards, processor) {
  const consumers = shards.map(({ shardId, batches }) => {
    const lease = new HeldLease(instantTable, {
      leaseKey: shardId,
      owner: "w",
      counter: 1,
      checkpoint: TRIM_HORIZON,
      parentShardIds: [],
      ownerSwitchesSinceCheckpoint: 0,
    });
    const options = { processorMaxAttempts: 1, retryBaseMs: 1, retryMaxMs: 1 };
    const deadLetters = new DeadLetters(() => {
      throw new Error("a record of the workload went to the dead letters");
    });
    return new ShardConsumer(lease, fakeReader(batches), processor.factory(shardId), options, strictEvents, {
      deadLetters,
    });
  });
  const endings = await Promise.all(consumers.map((c) => c.done));
  if (endings.some((e) => e !== "shard-ended")) throw new Error(`consumers ended ${endings.join(", ")}`);
}

async function prepare(file, records, shards, schema) {
  const users = userRecords(file, records, schema);
  // What the roll by size counts: the user records' data.
  const dataBytes = users.reduce((n, r) => n + r.data.length, 0);
  const byShard = await capturedKinesisRecords(users, shards);
  const batched = byShard.map(([shardId, list]) => ({ shardId, batches: getRecordsBatches(list) }));
  return {
    shards: batched,
    kinesisRecords: byShard.reduce((n, [, list]) => n + list.length, 0),
    batches: batched.reduce((n, s) => n + s.batches.length, 0),
    dataBytes,
  };
}

function objectFigures(store, segments) {
  return segments.flatMap((s) =>
    s.written.map((o) => {
      const body = store.objects.get(o.key);
      const meta = parquetMetadata(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
      return {
        key: o.key,
        tenant: o.tenant,
        rows: o.rows,
        bytes: o.bytes,
        segment: `${s.shardId}/${s.first.sequenceNumber}`,
        rowGroups: meta.row_groups.map((g) => Number(g.num_rows)),
      };
    }),
  );
}

async function go({ file, records, shards, rounds, rollBytes, rollSeconds, schema }) {
  const prepared = await prepare(file, records, shards, schema);
  const roll = { maxBytes: rollBytes, maxAgeMs: rollSeconds * 1000 };
  const runs = { read: [], lake: [], parse: [] };
  const cold = {};
  let last;
  for (let round = 0; round <= rounds; round++) {
    const variants = ["read", "lake", "parse"];
    const order = variants.map((_, i) => variants[(i + round) % variants.length]);
    for (const variant of order) {
      globalThis.gc?.();
      const processor =
        variant === "read"
          ? countingProcessor()
          : variant === "parse"
            ? parsingProcessor()
            : lakeProcessor(roll, schema);
      const wall0 = performance.now();
      const cpu0 = cpuMicros();
      await consumeAll(prepared.shards, processor);
      const cpuMs = (cpuMicros() - cpu0) / 1000;
      const wallMs = performance.now() - wall0;
      if (processor.records() !== records)
        throw new Error(`${variant}: ${processor.records()} rows of ${records} records`);
      if (round === 0) cold[variant] = { cpuMs, wallMs };
      else runs[variant].push({ cpuMs, wallMs });
      if (variant === "lake") last = processor;
    }
  }
  return {
    type: "results",
    kinesisRecords: prepared.kinesisRecords,
    batches: prepared.batches,
    dataBytes: prepared.dataBytes,
    runs,
    cold,
    objects: objectFigures(last.store, last.segments),
  };
}

/**
 * One shard, records enough for a segment cut by size and more: the objects of the first
 * segment (the later one is what was left when the shard ended).
 */
async function segment({ file, records, rollBytes, rollSeconds, schema }) {
  const prepared = await prepare(file, records, 1, schema);
  // Memory the writer holds for a segment: live heap and buffers when the first segment's
  // objects are stored (its rows still held), over those before; each after a collection
  // (the parent starts this process with --expose-gc).
  const held = () => {
    globalThis.gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const before = held();
  let atCut;
  const processor = lakeProcessor(
    { maxBytes: rollBytes, maxAgeMs: rollSeconds * 1000 },
    schema,
    () => (atCut ??= held()),
  );
  const cpu0 = cpuMicros();
  await consumeAll(prepared.shards, processor);
  const cpuMs = (cpuMicros() - cpu0) / 1000;
  if (processor.segments.length < 2) throw new Error(`no cut by size: one segment of ${records} records`);
  const [first] = processor.segments;
  const objects = objectFigures(processor.store, [first]);
  // The compactor's merge of each tenant's objects (all segments), one tenant at a time.
  const byTenant = new Map();
  for (const s of processor.segments) {
    for (const o of s.written) {
      if (!byTenant.has(o.tenant)) byTenant.set(o.tenant, []);
      byTenant.get(o.tenant).push(o.key);
    }
  }
  const merges = [];
  for (const [tenant, keys] of byTenant) {
    const inputs = keys.map((k) => processor.store.objects.get(k));
    const c0 = cpuMicros();
    const part = await mergeParquet(inputs, keys);
    const mergeCpuMs = (cpuMicros() - c0) / 1000;
    merges.push({
      tenant,
      inputs: inputs.length,
      inputBytes: inputs.reduce((n, b) => n + b.length, 0),
      outputBytes: part.body.length,
      rows: part.rows,
      cpuMs: mergeCpuMs,
    });
  }
  return {
    type: "segment",
    records,
    segments: processor.segments.length,
    firstRows: objects.reduce((n, o) => n + o.rows, 0),
    heldBytes: atCut - before,
    cpuMs,
    objects,
    merges,
  };
}

process.on("message", (message) => {
  const task = message.type === "go" ? go : message.type === "segment" ? segment : undefined;
  if (!task) return;
  task(message).then(
    (result) => process.send(result),
    (error) => process.send({ type: "error", error: String(error?.stack ?? error) }),
  );
});
process.send({ type: "ready" });
