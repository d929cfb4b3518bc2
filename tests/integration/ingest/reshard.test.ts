/**
 * A reshard in the middle of a run: UpdateShardCount 2 -> 4 while clients post. The
 * producer's shard map goes stale at once, so aggregates it built for a parent land on a
 * child whose range holds only some of their sub-records. Readers discard such an aggregate
 * whole (the KCL's AggregatorUtil.deaggregate, our runtime/processing/shard-range.ts), so by its
 * documented behaviour (KinesisProducer.settleWrongShard) the producer acknowledges none of it
 * and sends every record of it again; the discarded copies stay in the stream.
 */
import { DescribeStreamSummaryCommand, UpdateShardCountCommand } from "@aws-sdk/client-kinesis";
import { expect } from "chai";

import { pollUntil } from "../../../runtime/local/poll-until";
import { inParallel } from "../../harness/ingest-client";
import {
  acknowledged,
  expectStoredAsAcknowledged,
  findCopies,
  makeRecords,
  post,
  Posted,
  Sent,
} from "../../harness/ingest-records";
import { holds, StoredShard } from "../../harness/stream-contents";
import { IngestTestbed } from "./testbed";

describe("ingest service against kinesis-local: reshard mid-run", function () {
  this.timeout(60_000);
  let testbed: IngestTestbed;

  before(async () => {
    testbed = await IngestTestbed.start();
  });
  afterEach(async () => testbed.cleanUp());
  after(async () => testbed?.stop());

  it("loses nothing, stores each record where acknowledged, and every copy in an aggregate readers discard is one the producer re-sent", async function () {
    const stream = await testbed.createStream(2);
    // The default map refresh (60 s) keeps the map stale: only the wrong-shard answers refresh it.
    const ingest = await testbed.startIngest(stream, { RECORD_MAX_BUFFERED_MS: "50" });
    const client = testbed.httpClient(ingest, { maxSockets: 32 });
    const records = makeRecords("reshard", 4000);
    // Mostly single records, with a batch of 100 every 20 requests.
    const requests: Posted[][] = [];
    for (let i = 0; i < records.length;) {
      const size = requests.length % 20 === 19 ? 100 : 1;
      requests.push(records.slice(i, i + size));
      i += size;
    }

    let answered = 0;
    const sending = inParallel(requests, 32, async (request): Promise<Sent> => {
      const sent = await post(client, request);
      answered++;
      return sent;
    });
    await pollUntil(async () => expect(answered).to.be.at.least(requests.length / 3), {
      what: "a third of the requests to be answered",
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    await testbed.client.send(
      new UpdateShardCountCommand({ StreamName: stream, TargetShardCount: 4, ScalingType: "UNIFORM_SCALING" }),
    );
    const answeredBeforeReshard = answered;
    const sent = await sending;
    await pollUntil(
      async () => {
        const { StreamDescriptionSummary: summary } = await testbed.client.send(
          new DescribeStreamSummaryCommand({ StreamName: stream }),
        );
        expect(summary?.StreamStatus).to.equal("ACTIVE");
      },
      { what: "the reshard to finish", timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(answeredBeforeReshard, "the reshard came before the last request").to.be.below(requests.length);

    // SIGTERM flushes the last metrics: they count the wrong-shard resends.
    const exit = await ingest.stop("SIGTERM");
    expect(exit, ingest.output()).to.deep.equal({ code: 0, signal: null });
    const notOk = sent.filter((s) => s.answer?.status !== 200);
    expect(
      notOk.map((s) => s.error?.message ?? s.answer),
      "requests not answered 200",
    ).to.deep.equal([]);

    const contents = await testbed.read(stream);
    const shards = new Map(contents.shards.map((s) => [s.shardId, s]));
    expect(
      contents.shards.filter((s) => s.closed),
      "closed parents",
    ).to.have.lengthOf(2);
    expect(
      contents.shards.filter((s) => !s.closed),
      "open children",
    ).to.have.lengthOf(4);
    const acks = acknowledged(sent);
    expect(acks).to.have.lengthOf(records.length);
    expectStoredAsAcknowledged(acks, contents);
    const ackedOn = (closed: boolean) => acks.filter(({ ack }) => shards.get(ack.shardId)!.closed === closed).length;
    expect(ackedOn(true), "records acknowledged on the parents").to.be.above(0);
    expect(ackedOn(false), "records acknowledged on the children").to.be.above(0);

    const { copies, unknown } = findCopies(records, contents);
    expect(unknown, "stored records nobody posted").to.deep.equal([]);
    const placed = (shard: StoredShard | undefined, hashKey: bigint) => shard !== undefined && holds(shard, hashKey);
    // An aggregate a reader keeps: every record of it on a shard holding its key.
    const kept = new Map<string, boolean>();
    for (const r of contents.records) {
      const at = `${r.shardId}/${r.sequenceNumber}`;
      kept.set(at, (kept.get(at) ?? true) && placed(shards.get(r.shardId), r.hashKey));
    }
    let discarded = 0;
    for (const record of records) {
      const stored = copies.get(record)!;
      const read = stored.filter((copy) => kept.get(`${copy.shardId}/${copy.sequenceNumber}`));
      expect(read, `copies of ${JSON.stringify(record.body)} a reader keeps`).to.have.lengthOf(1);
      discarded += stored.length - read.length;
    }
    // Each record the producer re-sent left exactly one discarded copy behind, and no other path did.
    expect(discarded, "copies in aggregates readers discard").to.equal(ingest.metricTotal("WrongShardResends"));
    expect(discarded, "the wrong-shard path was taken").to.be.above(0);
    this.test!.title += ` (${discarded} discarded copies of ${records.length} records)`;
  });
});
