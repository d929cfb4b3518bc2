/**
 * The one shard reader under the consumer's polling retrieval, the stream meter and the
 * tests' stream reads, over a scripted stand-in Kinesis client: the calls it makes, in
 * order, and what it makes of the answers.
 */
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from "@aws-sdk/client-kinesis";
import { expect } from "chai";

import { fetchToTip, listAllShards, ShardFetcher } from "../../../runtime/stream/shard-fetcher";

type Call = { command: string; input: Record<string, unknown>; signal?: AbortSignal };

/** A client that answers each command with the next scripted answer for it (an Error is thrown). */
function standIn(script: Record<string, unknown[]>): { client: KinesisClient; calls: Call[] } {
  const calls: Call[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }, options = {}) => {
      const name = command.constructor.name;
      calls.push({
        command: name,
        input: command.input,
        signal: (options as { abortSignal?: AbortSignal }).abortSignal,
      });
      const answer = script[name]?.shift();
      if (answer === undefined) throw new Error(`unexpected ${name}`);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as KinesisClient;
  return { client, calls };
}

const record = (n: number) => ({ SequenceNumber: `seq-${n}`, PartitionKey: `k${n}`, Data: Buffer.from(`d${n}`) });
const expired = () => new ExpiredIteratorException({ message: "Iterator expired", $metadata: {} });

describe("ShardFetcher (reading a shard with GetRecords)", () => {
  it("reads a closed shard page by page to its end, then makes no more calls", async () => {
    const { client, calls } = standIn({
      [GetShardIteratorCommand.name]: [{ ShardIterator: "it-0" }],
      [GetRecordsCommand.name]: [
        { Records: [record(1), record(2)], NextShardIterator: "it-1", MillisBehindLatest: 5 },
        { Records: [record(3)], MillisBehindLatest: 0 },
      ],
    });
    const fetcher = new ShardFetcher(client, "s", "shardId-1", { type: "TRIM_HORIZON" }, { maxRecords: 2 });
    const first = await fetcher.fetch();
    expect(first).to.deep.include({ millisBehindLatest: 5, shardEnded: false });
    expect(first.records.map((r) => r.SequenceNumber)).to.deep.equal(["seq-1", "seq-2"]);
    expect((await fetcher.fetch()).shardEnded).to.equal(true);
    expect(fetcher.shardEnded).to.equal(true);
    expect(await fetcher.fetch()).to.deep.equal({ records: [], shardEnded: true });
    expect(calls.map((c) => [c.command, c.input])).to.deep.equal([
      [
        GetShardIteratorCommand.name,
        { StreamName: "s", ShardId: "shardId-1", ShardIteratorType: "TRIM_HORIZON", StartingSequenceNumber: undefined },
      ],
      [GetRecordsCommand.name, { ShardIterator: "it-0", Limit: 2 }],
      [GetRecordsCommand.name, { ShardIterator: "it-1", Limit: 2 }],
    ]);
  });

  it("asks for the API's most records a call (10,000) unless told otherwise", async () => {
    const { client, calls } = standIn({
      [GetShardIteratorCommand.name]: [{ ShardIterator: "it-0" }],
      [GetRecordsCommand.name]: [{ Records: [], NextShardIterator: "it-1", MillisBehindLatest: 0 }],
    });
    await new ShardFetcher(client, "s", "shardId-1", { type: "LATEST" }).fetch();
    expect(calls[1].input).to.deep.equal({ ShardIterator: "it-0", Limit: 10_000 });
  });

  it("renews an expired iterator right after the last record it returned, with an empty page meanwhile", async () => {
    const { client, calls } = standIn({
      [GetShardIteratorCommand.name]: [{ ShardIterator: "it-0" }, { ShardIterator: "it-9" }],
      [GetRecordsCommand.name]: [
        { Records: [record(1), record(2)], NextShardIterator: "it-1", MillisBehindLatest: 0 },
        expired(),
        { Records: [record(3)], NextShardIterator: "it-10", MillisBehindLatest: 0 },
      ],
    });
    const start = { type: "AT_SEQUENCE_NUMBER" as const, sequenceNumber: "seq-0" };
    const fetcher = new ShardFetcher(client, "s", "shardId-1", start);
    await fetcher.fetch();
    expect(await fetcher.fetch()).to.deep.equal({ records: [], shardEnded: false });
    expect((await fetcher.fetch()).records.map((r) => r.SequenceNumber)).to.deep.equal(["seq-3"]);
    const iterators = calls.filter((c) => c.command === GetShardIteratorCommand.name).map((c) => c.input);
    expect(iterators.map((i) => [i.ShardIteratorType, i.StartingSequenceNumber])).to.deep.equal([
      ["AT_SEQUENCE_NUMBER", "seq-0"],
      ["AFTER_SEQUENCE_NUMBER", "seq-2"],
    ]);
  });

  it("renews an iterator that expired before any record from where it started", async () => {
    const { client, calls } = standIn({
      [GetShardIteratorCommand.name]: [{ ShardIterator: "it-0" }, { ShardIterator: "it-1" }],
      [GetRecordsCommand.name]: [expired(), { Records: [], NextShardIterator: "it-2", MillisBehindLatest: 0 }],
    });
    const fetcher = new ShardFetcher(client, "s", "shardId-1", { type: "LATEST" });
    await fetcher.fetch();
    await fetcher.fetch();
    const types = calls.filter((c) => c.command === GetShardIteratorCommand.name).map((c) => c.input.ShardIteratorType);
    expect(types).to.deep.equal(["LATEST", "LATEST"]);
  });

  it("passes its abort signal to every call, and throws what the client throws otherwise", async () => {
    const signal = new AbortController().signal;
    const { client, calls } = standIn({
      [GetShardIteratorCommand.name]: [{ ShardIterator: "it-0" }],
      [GetRecordsCommand.name]: [new Error("Rate exceeded for shard shardId-1")],
    });
    const fetcher = new ShardFetcher(client, "s", "shardId-1", { type: "TRIM_HORIZON" }, { signal });
    let thrown: Error | undefined;
    await fetcher.fetch().catch((error: Error) => (thrown = error));
    expect(thrown?.message).to.equal("Rate exceeded for shard shardId-1");
    expect(calls.map((c) => c.signal)).to.deep.equal([signal, signal]);
  });

  it("fetchToTip: an open shard up to an empty page with nothing behind it", async () => {
    const { client } = standIn({
      [GetShardIteratorCommand.name]: [{ ShardIterator: "it-0" }],
      [GetRecordsCommand.name]: [
        { Records: [record(1)], NextShardIterator: "it-1", MillisBehindLatest: 1000 },
        // Empty but behind: more is stored further on.
        { Records: [], NextShardIterator: "it-2", MillisBehindLatest: 500 },
        { Records: [record(2)], NextShardIterator: "it-3", MillisBehindLatest: 0 },
        { Records: [], NextShardIterator: "it-4", MillisBehindLatest: 0 },
      ],
    });
    const records = await fetchToTip(new ShardFetcher(client, "s", "shardId-1", { type: "TRIM_HORIZON" }), 10);
    expect(records.map((r) => r.SequenceNumber)).to.deep.equal(["seq-1", "seq-2"]);
  });

  it("fetchToTip: fails after its bound of pages, naming the shard, instead of looping", async () => {
    const behind = { Records: [], NextShardIterator: "it", MillisBehindLatest: 1 };
    const { client } = standIn({
      [GetShardIteratorCommand.name]: [{ ShardIterator: "it-0" }],
      [GetRecordsCommand.name]: [behind, behind, behind],
    });
    let thrown: Error | undefined;
    await fetchToTip(new ShardFetcher(client, "s", "shardId-7", { type: "TRIM_HORIZON" }), 3).catch(
      (error: Error) => (thrown = error),
    );
    expect(thrown?.message).to.equal("shardId-7: no end after 3 GetRecords pages");
  });

  it("listAllShards: every page of ListShards, the stream name first and the token after", async () => {
    const { client, calls } = standIn({
      [ListShardsCommand.name]: [{ Shards: [{ ShardId: "a" }], NextToken: "t1" }, { Shards: [{ ShardId: "b" }] }],
    });
    expect((await listAllShards(client, "s")).map((s) => s.ShardId)).to.deep.equal(["a", "b"]);
    expect(calls.map((c) => c.input)).to.deep.equal([{ StreamName: "s" }, { NextToken: "t1" }]);
    expect(calls.every((c) => c.command === ListShardsCommand.name)).to.equal(true);
  });
});
