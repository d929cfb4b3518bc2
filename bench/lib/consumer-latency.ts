/**
 * End-to-end latency at a fixed rate: the producer child (the ingest service's
 * KinesisProducer) writes `rate` records a second, each carrying its id, and notes when
 * each was put and acknowledged (what the ingest service's 200 answer waits for in durable
 * mode); each worker's bench processor notes when each id reached processRecords. One
 * worker per retrieval mode, each its own consumer group (lease table), all reading the
 * same records at the same time, so the modes see the same load and the same noise.
 */
import { LocalStream } from "../../runtime/local/stream-setup";
import { ask, ConsumerStack } from "./consumer-stack";
import { BenchChild, waitFor } from "./children";
import { median, note } from "./report";

export interface Stats {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN, mean };
}

export interface ModeSpec {
  name: string;
  settings: Record<string, string>;
  /** Upper bound of p99 by design, and why. */
  boundMs: number;
  boundWhy: string;
}

export interface ModeResult {
  name: string;
  /** Acknowledgement to processRecords: the latency after the ingest service answered. */
  ackToProcessed: Stats;
  /** put() to processRecords: including the producer's buffering and PutRecords call. */
  putToProcessed: Stats;
  /** Records acknowledged but never processed within the wait. */
  missing: number;
  /** processRecords calls; and the median time between two of them on one shard. */
  batches: number;
  batchIntervalMs: number;
  boundMs: number;
  boundWhy: string;
}

export interface LatencyResult {
  rate: number;
  durationS: number;
  acknowledged: number;
  failed: number;
  /** put() to acknowledgement: the producer's own latency (RecordMaxBufferedTime + PutRecords). */
  ack: Stats;
  modes: ModeResult[];
}

export async function latencyRun(
  stack: ConsumerStack,
  stream: LocalStream,
  modes: ModeSpec[],
  options: { rate: number; durationS: number; bytes: number },
): Promise<LatencyResult> {
  const workers: [ModeSpec, BenchChild][] = [];
  for (const mode of modes) {
    const app = stack.newApplication("bench-latency");
    const settings: Record<string, string> = { ...mode.settings, BENCH_IDS: "1" };
    if (settings.RETRIEVAL_MODE === "fanout")
      settings.CONSUMER_ARN = await stack.registerConsumer(stream, app.applicationName);
    workers.push([mode, stack.startWorker(stream, app.applicationName, `latency-${workers.length}`, settings)]);
  }
  const producer = await stack.startProducer(stream);
  try {
    const shards = stream.shardCount;
    for (const [mode, w] of workers) {
      await waitFor(
        w,
        () => w.messages().filter((m) => m.type === "init").length >= shards,
        30_000,
        `${mode.name}: a consumer on each of the ${shards} shards`,
      );
    }
    // Past the first empty reads: each polling reader is in its steady (idle) state.
    await new Promise((r) => setTimeout(r, 2_000));
    note(`latency: ${options.rate} records/s for ${options.durationS} s, ${modes.map((m) => m.name).join(" | ")}...`);
    const answer = await ask(
      producer,
      { type: "paced", rate: options.rate, durationS: options.durationS, bytes: options.bytes },
      "acks",
      options.durationS * 1000 + 60_000,
    );
    const acks = answer.acks as [number, number, number][];
    const acked = new Map(acks.map(([id, putAt, ackAt]) => [id, { putAt, ackAt }]));

    // Until every worker has processed every acknowledged record, or 15 s.
    const processedBy = (w: BenchChild) => {
      const at = new Map<number, number>();
      for (const m of w.messages())
        if (m.type === "batch") for (const id of m.ids as number[]) if (!at.has(id)) at.set(id, Number(m.t0));
      return at;
    };
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const done = workers.every(([, w]) => {
        const at = processedBy(w);
        return acks.every(([id]) => at.has(id));
      });
      if (done) break;
      await new Promise((r) => setTimeout(r, 250));
    }

    const results = workers.map(([mode, w]): ModeResult => {
      const at = processedBy(w);
      const afterAck: number[] = [];
      const afterPut: number[] = [];
      for (const [id, a] of acked) {
        const t = at.get(id);
        if (t === undefined) continue;
        afterAck.push(t - a.ackAt);
        afterPut.push(t - a.putAt);
      }
      const batches = w.messages().filter((m) => m.type === "batch");
      const intervals: number[] = [];
      const lastByShard = new Map<string, number>();
      for (const b of batches) {
        const shard = String(b.shardId);
        const previous = lastByShard.get(shard);
        if (previous !== undefined) intervals.push(Number(b.t0) - previous);
        lastByShard.set(shard, Number(b.t0));
      }
      return {
        name: mode.name,
        ackToProcessed: stats(afterAck),
        putToProcessed: stats(afterPut),
        missing: acked.size - afterAck.length,
        batches: batches.length,
        batchIntervalMs: intervals.length ? median(intervals) : NaN,
        boundMs: mode.boundMs,
        boundWhy: mode.boundWhy,
      };
    });
    return {
      rate: options.rate,
      durationS: options.durationS,
      acknowledged: acks.length,
      failed: Number(answer.failed),
      ack: stats(acks.map(([, putAt, ackAt]) => ackAt - putAt)),
      modes: results,
    };
  } finally {
    await Promise.all([producer.stop(), ...workers.map(([, w]) => w.stop())]);
  }
}
