/**
 * The time each reader vouches for (FetchedBatch.fetchedAt), on which the lake's shard progress
 * rests: polling, the moment before its GetRecords call; fan-out, a subscription's start for
 * its first event only, since later events may have waited in the connection while the
 * consumer was busy, and an event that waited says nothing of the shard now.
 */
import { expect } from "chai";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { TRIM_HORIZON } from "../../../runtime/processing/leases/lease";
import { FanoutReader } from "../../../runtime/processing/retrieval/fanout-reader";
import { PollingReader } from "../../../runtime/processing/retrieval/polling-reader";

const SHARD = "shardId-000000000000";

/** A client answering each command by name, noting when each was sent. */
function fakeClient(answers: Record<string, (input: Record<string, unknown>) => unknown>) {
  const sent: { name: string; at: number }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      sent.push({ name, at: Date.now() });
      const answer = answers[name];
      if (!answer) throw new Error(`unexpected ${name}`);
      return answer(command.input);
    },
  } as unknown as KinesisClient;
  return { client, sent };
}

const emptyEvent = (continuation: string) => ({
  SubscribeToShardEvent: { Records: [], MillisBehindLatest: 0, ContinuationSequenceNumber: continuation },
});

describe("shard readers: the time a batch vouches for", () => {
  it("polling: the moment before each GetRecords call", async () => {
    const { client, sent } = fakeClient({
      GetShardIteratorCommand: () => ({ ShardIterator: "it-0" }),
      GetRecordsCommand: async () => {
        await new Promise((r) => setTimeout(r, 20));
        return { Records: [], MillisBehindLatest: 0, NextShardIterator: "it-1" };
      },
    });
    const reader = new PollingReader(client, "orders", SHARD, TRIM_HORIZON, { idleMs: 1, maxRecords: 100 });
    const before = Date.now();
    const batch = await reader.read();
    const call = sent.find((s) => s.name === "GetRecordsCommand")!;
    expect(batch.fetchedAt, "a polling read vouches for a time").to.be.instanceOf(Date);
    expect(batch.fetchedAt!.getTime()).to.be.at.least(before);
    // Not after the call was sent: the page reflects the shard at that moment or later.
    expect(batch.fetchedAt!.getTime()).to.be.at.most(call.at);
  });

  it("fan-out: the first event of each subscription carries the subscription's start; the others none", async () => {
    let subscriptions = 0;
    const { client, sent } = fakeClient({
      SubscribeToShardCommand: () => {
        subscriptions++;
        const events = [emptyEvent(`${subscriptions}00`), emptyEvent(`${subscriptions}01`)];
        return {
          EventStream: (async function* () {
            for (const e of events) yield e;
          })(),
        };
      },
    });
    const reader = new FanoutReader(client, "arn:consumer", SHARD, TRIM_HORIZON);
    const first = await reader.read();
    const second = await reader.read();
    // The stream ended: the reader subscribes again, and its first event vouches again.
    const third = await reader.read();
    const subscribes = sent.filter((s) => s.name === "SubscribeToShardCommand");
    expect(subscribes).to.have.lengthOf(2);
    expect(first.fetchedAt?.getTime()).to.be.at.most(subscribes[0].at);
    expect(first.fetchedAt?.getTime()).to.be.at.least(subscribes[0].at - 50);
    expect(second.fetchedAt).to.equal(undefined);
    expect(third.fetchedAt?.getTime()).to.be.at.most(subscribes[1].at);
    expect(third.fetchedAt!.getTime()).to.be.greaterThan(first.fetchedAt!.getTime());
    reader.close();
  });
});
