/**
 * The local shard scaler's log, over a stand-in Kinesis client (no emulator): a refusal is
 * said once for as long as its code stays, although its text moves every period (here the
 * minutes since the last change; in a replay the usage), and said again when the code changes.
 */
import {
  DescribeLimitsCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from "@aws-sdk/client-kinesis";
import { expect } from "chai";
import { freePort } from "../../../runtime/local/ports";
import { LocalShardScaler } from "../../../runtime/scaling/local-shard-scaler";
import { MemoryShardHistory } from "../../../runtime/scaling/shard-history";

const MIN = 60_000;

/** A 2-shard ACTIVE stream with no traffic. */
function kinesisStandIn() {
  const answers = new Map<unknown, () => unknown>([
    [ListShardsCommand, () => ({ Shards: [{ ShardId: "shardId-000000000000" }] })],
    [GetShardIteratorCommand, () => ({ ShardIterator: "iterator" })],
    [GetRecordsCommand, () => ({ Records: [], NextShardIterator: "iterator" })],
    // kinesis-local's answer: its default shard quota, the stream's shards open.
    [DescribeLimitsCommand, () => ({ ShardLimit: 50, OpenShardCount: 2 })],
    [
      DescribeStreamSummaryCommand,
      () => ({
        StreamDescriptionSummary: {
          StreamStatus: "ACTIVE",
          StreamModeDetails: { StreamMode: "PROVISIONED" },
          OpenShardCount: 2,
        },
      }),
    ],
  ]);
  return {
    send: async (command: { constructor: unknown }) => {
      const answer = answers.get(command.constructor);
      if (!answer) throw new Error(`unexpected ${(command.constructor as { name: string }).name}`);
      return answer();
    },
  } as unknown as KinesisClient;
}

describe("local shard scaler: what it logs", () => {
  it("says a repeated refusal once, though its text changes, and again when its code changes", async () => {
    // The scaler's call history (epoch ms), which the test sets.
    const history = new MemoryShardHistory();
    const calls = (times: number[]) => (history.state = { updates: times, version: history.state.version });
    const lines: string[] = [];
    const scaler = await LocalShardScaler.start({
      kinesis: kinesisStandIn(),
      history,
      streamName: "trips",
      baseShards: 1,
      maxShards: 4,
      port: await freePort(),
      // A 1-minute period (the scale-down cooldown is 4 of them); evaluate() is called here,
      // the scaler's own timer never fires within the test.
      periodMs: MIN,
      log: (line) => lines.push(line),
    });
    try {
      // No traffic on 2 shards: a scale-down, held by its cooldown (the same code) twice.
      calls([Date.now() - 1 * MIN]);
      await scaler.evaluate();
      calls([Date.now() - 2 * MIN]);
      await scaler.evaluate();
      // Another code: the calls kept for scale-ups (8 of 10 used).
      calls(Array.from({ length: 8 }, (_, i) => Date.now() - (10 + i) * MIN));
      await scaler.evaluate();
      await scaler.evaluate();
      // Back to the cooldown: a change of code, so it is said again.
      calls([Date.now() - 3 * MIN]);
      await scaler.evaluate();
    } finally {
      await scaler.stop();
    }
    expect(lines).to.have.length(3);
    expect(lines[0]).to.match(/^shard scaler: no change: usage 0.0% but the last change was 1.0 min ago/);
    expect(lines[1]).to.match(/^shard scaler: no change: .*8 of 10 calls used .*: the rest are kept for scale-ups$/);
    expect(lines[2]).to.match(/^shard scaler: no change: usage 0.0% but the last change was 3.0 min ago/);
  });
});
