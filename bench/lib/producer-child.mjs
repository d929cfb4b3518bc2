/**
 * The producer of the consumer benchmark: the ingest service's KinesisProducer with the
 * service's own settings (readIngestSettings: KPL aggregation per shard, 100 ms
 * RecordMaxBufferedTime, 24 connections), writing to kinesis-local with the client the
 * service builds. A child of its own, so that the benchmark's work (ts-node, lease table
 * polling) never delays a put or an acknowledgement timestamp.
 *
 * Every record's data is JSON, `{"id":n,"t":acceptedAtMs,"pad":"xx..."}`, padded to the
 * size asked for, under a random partition key. Messages (IPC):
 *
 *  - {type: "bulk", count, bytes}: writes `count` records as fast as the producer takes
 *    them, flushed at the end; answers {type: "written", userRecords, kinesisRecords, ...}.
 *  - {type: "file", file}: the same with the records of a JSON-lines file of
 *    {partitionKey, text} (the lake benchmark's workload, lib/lake-workload.ts), in order.
 *  - {type: "paced", rate, durationS, bytes}: `rate` records a second on a fixed schedule
 *    until `durationS` has passed or {type: "stop"} comes; then waits for every
 *    acknowledgement and answers {type: "acks", acks: [[id, putAtMs, ackAtMs], ...]}.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Buffer } from "node:buffer";
import { clearInterval, setInterval } from "node:timers";
import { createKinesisClient } from "../../dist/runtime/common/aws/kinesis-client.js";
import { kinesisPort } from "../../dist/runtime/ingest/kinesis-port.js";
import { KinesisProducer } from "../../dist/runtime/ingest/kinesis-producer.js";
import { readIngestSettings } from "../../dist/runtime/ingest/settings.js";

const TICK_MS = 5;
const { BENCH_KINESIS_ENDPOINT: endpoint, BENCH_STREAM: streamName } = process.env;
const client = createKinesisClient({ region: "us-east-1", endpoint, http: "1.1", maxAttempts: 1 });
// The producer's options do not depend on API keys; INGEST_AUTH=none only because its
// default, apiKeys, would need a tenants table (TENANTS_TABLE): keys are checked by the HTTP
// service in front of the producer, which this child leaves out.
const { producer: options } = readIngestSettings({
  STREAM_NAME: streamName,
  AWS_REGION: "us-east-1",
  INGEST_AUTH: "none",
});
let nextId = 0;
let stopRequested = false;

function record(bytes, t) {
  const head = JSON.stringify({ id: nextId++, t, pad: "" });
  const data = head.replace('"pad":""', `"pad":"${"x".repeat(Math.max(0, bytes - head.length))}"`);
  return { partitionKey: randomUUID(), data: Buffer.from(data) };
}

/** Puts `records` as fast as the producer takes them, flushed at the end; what reached Kinesis. */
async function putAll(records) {
  // Counts what reaches Kinesis: the bytes per user record as stored (aggregation framing included).
  const port = kinesisPort(client, streamName);
  let storedBytes = 0;
  const metered = {
    shardMap: () => port.shardMap(),
    putRecords: (entries) => {
      storedBytes += entries.reduce((n, e) => n + e.data.length + Buffer.byteLength(e.partitionKey), 0);
      return port.putRecords(entries);
    },
  };
  // The pending limit is about memory under load, not about aggregation: raised to fit.
  const producer = new KinesisProducer(metered, {
    ...options,
    pendingLimitRecords: Math.max(options.pendingLimitRecords, records.length),
    pendingLimitBytes: Math.max(
      options.pendingLimitBytes,
      records.reduce((n, r) => n + r.data.length + Buffer.byteLength(r.partitionKey), 0),
    ),
  });
  await producer.start();
  const started = Date.now();
  const acks = records.map((r) => producer.put(r));
  await producer.flush();
  await Promise.all(acks);
  const stats = producer.stats;
  await producer.close(1000);
  return {
    type: "written",
    userRecords: records.length,
    kinesisRecords: stats.kinesisRecordsPut,
    putRecordsCalls: stats.putRecordsCalls,
    storedBytes,
    ms: Date.now() - started,
  };
}

function bulk({ count, bytes }) {
  const t = Date.now();
  return putAll(Array.from({ length: count }, () => record(bytes, t)));
}

function fromFile({ file }) {
  const records = readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const { partitionKey, text } = JSON.parse(line);
      return { partitionKey, data: Buffer.from(text) };
    });
  return putAll(records);
}

async function paced({ rate, durationS, bytes }) {
  const producer = new KinesisProducer(kinesisPort(client, streamName), options);
  await producer.start();
  stopRequested = false;
  const acks = [];
  const pending = [];
  let failed = 0;
  let sent = 0;
  const started = Date.now();
  const end = started + durationS * 1000;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const now = Date.now();
      if (stopRequested || now >= end) {
        clearInterval(timer);
        return resolve();
      }
      const due = Math.floor(((now - started) * rate) / 1000);
      for (; sent < due; sent++) {
        const r = record(bytes, now);
        const id = nextId - 1;
        const putAt = Date.now();
        pending.push(
          producer.put(r).then(
            () => acks.push([id, putAt, Date.now()]),
            () => failed++,
          ),
        );
      }
    }, TICK_MS);
  });
  await producer.flush();
  await Promise.all(pending);
  await producer.close(1000);
  return { type: "acks", acks, failed, ms: Date.now() - started };
}

process.on("message", (message) => {
  if (message.type === "stop") {
    stopRequested = true;
    return;
  }
  const run = { bulk, file: fromFile, paced }[message.type];
  if (!run) return;
  run(message).then(
    (result) => process.send(result),
    (error) => process.send({ type: "error", error: String(error?.stack ?? error) }),
  );
});
process.send({ type: "ready" });
