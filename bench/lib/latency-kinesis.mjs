/**
 * A fast in-memory Kinesis (a KinesisPort) for throughput runs: it routes each entry to the
 * shard its hash key falls in (the producer checks that aggregates land where it planned)
 * and answers every PutRecords call after a random 20-40 ms, about what a call to Kinesis
 * from the same region takes. It keeps nothing, unlike the tests' FakeKinesis, so a long
 * run's memory and GC are the producer's alone.
 *
 * It does not throttle: real shards take 1,000 records and 1 MiB per second each; the
 * benchmark prints an estimate of the bytes per shard so a reader can check that.
 *
 * Plain JavaScript over the compiled runtime (dist/), like the service it stands in for.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { routingKeyOf } from "../../dist/runtime/stream/hash-key.js";
import { evenShardRanges, ShardMap } from "../../dist/runtime/stream/shard-map.js";

export class LatencyKinesis {
  #map;
  #minMs;
  #maxMs;
  #sequence = 0;

  constructor(shards, minMs, maxMs) {
    this.#map = new ShardMap(evenShardRanges(shards));
    this.#minMs = minMs;
    this.#maxMs = maxMs;
  }

  async shardMap() {
    return this.#map;
  }

  async putRecords(entries) {
    await sleep(this.#minMs + Math.random() * (this.#maxMs - this.#minMs));
    return entries.map((entry) => ({
      ok: true,
      shardId: this.#map.shardFor(routingKeyOf(entry)).shardId,
      sequenceNumber: String(++this.#sequence).padStart(20, "0"),
    }));
  }
}
