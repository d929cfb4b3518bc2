/**
 * Reading a stream with GetRecords, for everything that polls it: the consumer's polling
 * retrieval, the local scaler's stream meter, the tests and the benchmarks. The shards come
 * from ListShards' pages; a shard is read page by page from an iterator (KCL's
 * KinesisDataFetcher), which is renewed when it expires; every call can be aborted, and a
 * read to the tip is bounded in pages.
 */
import {
  _Record,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  Shard,
  ShardIteratorType,
} from "@aws-sdk/client-kinesis";

import { STREAM_LIMITS } from "./limits";

/** Every shard of a stream, open and closed. ListShards takes either the stream name or a NextToken, never both. */
export async function listAllShards(
  client: KinesisClient,
  streamName: string,
  abortSignal?: AbortSignal,
): Promise<Shard[]> {
  const shards: Shard[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListShardsCommand(token ? { NextToken: token } : { StreamName: streamName }), {
      abortSignal,
    });
    shards.push(...(page.Shards ?? []));
    token = page.NextToken;
  } while (token);
  return shards;
}

/** Where a read of a shard starts, as GetShardIterator takes it. */
export interface ShardPosition {
  type: ShardIteratorType;
  /** For AT_ and AFTER_SEQUENCE_NUMBER. */
  sequenceNumber?: string;
}

export interface FetchedPage {
  /** Kinesis records as stored (aggregates not yet taken apart). */
  records: _Record[];
  millisBehindLatest?: number;
  /** The shard is closed and every record of it was returned: there is no next page. */
  shardEnded: boolean;
}

export interface FetchOptions {
  /** Most records a page (GetRecords' Limit); the API's most unless set. */
  maxRecords?: number;
  /** Aborts every call the fetcher makes from then on. */
  signal?: AbortSignal;
}

/** One shard, page by page: one GetRecords call per fetch(), after a GetShardIterator when it has none. */
export class ShardFetcher {
  private iterator?: string;
  private lastSequenceNumber?: string;
  private ended = false;

  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
    readonly shardId: string,
    private readonly start: ShardPosition,
    private readonly options: FetchOptions = {},
  ) {}

  /** True once a page said the shard is closed and read to its end. */
  get shardEnded(): boolean {
    return this.ended;
  }

  /**
   * The next page. An iterator lives 5 minutes (GetShardIterator API reference): an expired
   * one gives an empty page, and the next call goes on right after the last record returned.
   */
  async fetch(): Promise<FetchedPage> {
    if (this.ended) return { records: [], shardEnded: true };
    const abortSignal = this.options.signal;
    await this.ensureIterator();
    let out;
    try {
      out = await this.client.send(
        new GetRecordsCommand({
          ShardIterator: this.iterator,
          Limit: this.options.maxRecords ?? STREAM_LIMITS.maxRecordsPerGetRecords,
        }),
        { abortSignal },
      );
    } catch (error) {
      if (!(error instanceof ExpiredIteratorException)) throw error;
      this.iterator = undefined;
      return { records: [], shardEnded: false };
    }
    const records = out.Records ?? [];
    if (records.length > 0) this.lastSequenceNumber = records[records.length - 1].SequenceNumber;
    // No next iterator: the shard is closed and this was its last page (GetRecords API reference).
    this.ended = out.NextShardIterator === undefined || out.NextShardIterator === null;
    this.iterator = out.NextShardIterator ?? undefined;
    return { records, millisBehindLatest: out.MillisBehindLatest, shardEnded: this.ended };
  }

  /**
   * Gets an iterator now if it has none (GetShardIterator), so that a caller pacing its
   * GetRecords calls can start the clock after it; fetch() does it otherwise.
   */
  async ensureIterator(): Promise<void> {
    if (!this.ended) this.iterator ??= await this.newIterator();
  }

  private async newIterator(): Promise<string> {
    const position: ShardPosition =
      this.lastSequenceNumber === undefined
        ? this.start
        : { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: this.lastSequenceNumber };
    const out = await this.client.send(
      new GetShardIteratorCommand({
        StreamName: this.streamName,
        ShardId: this.shardId,
        ShardIteratorType: position.type,
        StartingSequenceNumber: position.sequenceNumber,
      }),
      { abortSignal: this.options.signal },
    );
    if (!out.ShardIterator) throw new Error(`GetShardIterator on ${this.shardId} of ${this.streamName} returned none`);
    return out.ShardIterator;
  }
}

/**
 * What a shard holds now: a closed shard to its end, an open one until a page comes back
 * empty with nothing behind it (its tip). At most `maxPages` pages, so that a read that
 * never sees an end fails instead of looping.
 */
export async function fetchToTip(fetcher: ShardFetcher, maxPages: number): Promise<_Record[]> {
  const records: _Record[] = [];
  for (let page = 0; page < maxPages; page++) {
    const fetched = await fetcher.fetch();
    records.push(...fetched.records);
    if (fetched.shardEnded) return records;
    if (fetched.records.length === 0 && fetched.millisBehindLatest === 0) return records;
  }
  throw new Error(`${fetcher.shardId}: no end after ${maxPages} GetRecords pages`);
}
