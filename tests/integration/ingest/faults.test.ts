/**
 * The ingest service behind a fault-injecting proxy (tests/harness/kinesis-proxy.ts): a
 * slow stream must turn into 503 + Retry-After with flat memory, and throttled entries and
 * failed calls must be retried until written, each record once, where acknowledged.
 */
import { expect } from "chai";

import { inParallel } from "../../harness/ingest-client";
import {
  acknowledged,
  expectStoredAsAcknowledged,
  findCopies,
  makeRecords,
  post,
  postAll,
  Posted,
  refused,
  Sent,
} from "../../harness/ingest-records";
import { IngestTestbed } from "./testbed";

const MiB = 1024 * 1024;

describe("ingest service against kinesis-local through a faulty proxy", function () {
  this.timeout(60_000);
  let testbed: IngestTestbed;

  before(async () => {
    testbed = await IngestTestbed.start();
  });
  afterEach(async () => testbed.cleanUp());
  after(async () => testbed?.stop());

  it("under a slow stream answers 503 + Retry-After past the pending limit, with bounded memory, and stores every 200", async function () {
    const stream = await testbed.createStream(2);
    const proxy = await testbed.startProxy({ putRecordsDelayMs: 400 });
    const ingest = await testbed.startIngest(
      stream,
      { PENDING_LIMIT_RECORDS: "50", RECORD_MAX_BUFFERED_MS: "20" },
      proxy.endpoint,
    );
    // More requests in flight than the limit, or the limit is never reached.
    const client = testbed.httpClient(ingest, { maxSockets: 128 });
    // 32 KiB each: the 4,000 requests between the first and the last RSS sample carry
    // 125 MiB, so a service that kept refused bodies (or anything per request) would show it.
    const filler = "z".repeat(32 * 1024);
    const records: Posted[] = makeRecords("pressure", 6000).map((r) => {
      const data = `${r.stored} ${filler}`;
      return { body: { ...r.body, data }, stored: data };
    });

    const rssKiB: number[] = [];
    const pending: number[] = [];
    let answered = 0;
    const sent = await inParallel(records, 128, async (record): Promise<Sent> => {
      const result = await post(client, [record]);
      if (++answered % 1000 === 0) {
        rssKiB.push(await ingest.rssKiB());
        pending.push((await client.get("/healthcheck")).body.pending.records);
      }
      return result;
    });

    const byStatus = (status: number) => sent.filter((s) => s.answer?.status === status);
    const others = sent.filter((s) => s.answer?.status !== 200 && s.answer?.status !== 503);
    expect(
      others.map((s) => s.error?.message ?? s.answer),
      "answers other than 200 and 503",
    ).to.deep.equal([]);
    const busy = byStatus(503);
    expect(busy.length, "503s").to.be.above(records.length / 2);
    expect(byStatus(200).length, "200s").to.be.above(0);
    for (const { answer } of busy) {
      expect(answer!.headers["retry-after"]).to.equal("1");
      expect(answer!.body.error).to.equal("backpressure");
    }
    expect(Math.max(...pending), "records pending, sampled").to.be.at.most(50);
    // Resident memory stays flat however many requests were refused. The first sample is
    // before the heap has grown to its working size; after it, generous bounds (the heap
    // breathes) that are still far below what keeping refused bodies would add.
    const warm = rssKiB.slice(1);
    expect(Math.max(...rssKiB) * 1024, `RSS samples (KiB) ${rssKiB}`).to.be.below(300 * MiB);
    expect((Math.max(...warm) - warm[0]) * 1024, `RSS growth after warm-up (KiB samples ${rssKiB})`).to.be.below(
      40 * MiB,
    );

    const contents = await testbed.read(stream);
    expectStoredAsAcknowledged(acknowledged(sent), contents);
    const { copies, unknown } = findCopies(records, contents);
    expect(unknown, "stored records nobody posted").to.have.lengthOf(0);
    const storedButRefused = refused(sent).filter((r) => copies.get(r)!.length > 0);
    expect(storedButRefused.length, "records answered 503 but stored").to.equal(0);
    this.test!.title += ` (${busy.length} of ${records.length} got 503; RSS ${Math.min(...rssKiB) >> 10}-${Math.max(...rssKiB) >> 10} MiB)`;
  });

  it("retries throttled entries and failed calls until every record is written once, where acknowledged", async function () {
    const stream = await testbed.createStream(4);
    const proxy = await testbed.startProxy({
      // Every third of the first 450 entries: a record unlucky on every retry would
      // otherwise back off towards RECORD_TTL_MS and make the test slow, not stronger.
      throttle: (entry) => entry % 3 === 2 && entry < 450,
      failCall: (call) => (call === 1 ? 500 : call === 3 ? 503 : undefined),
    });
    const ingest = await testbed.startIngest(stream, { RECORD_MAX_BUFFERED_MS: "20" }, proxy.endpoint);
    const client = testbed.httpClient(ingest, { maxSockets: 32 });
    const records = makeRecords("faults", 3000);
    // Single records, with a batch of 200 after every 100 of them.
    const requests: Posted[][] = [];
    for (let i = 0; i < records.length;) {
      const size = requests.length % 101 === 100 ? 200 : 1;
      requests.push(records.slice(i, i + size));
      i += size;
    }

    const sent = await postAll(client, requests, 32);
    const notOk = sent.filter((s) => s.answer?.status !== 200);
    expect(
      notOk.map((s) => s.error?.message ?? s.answer),
      "requests not answered 200",
    ).to.deep.equal([]);
    expect(proxy.counts.entriesThrottled, "entries throttled").to.be.above(0);
    expect(proxy.counts.callsFailed, "whole calls failed").to.equal(2);

    const contents = await testbed.read(stream);
    const acks = acknowledged(sent);
    expect(acks).to.have.lengthOf(records.length);
    expectStoredAsAcknowledged(acks, contents);
    const { copies, unknown } = findCopies(records, contents);
    expect(unknown, "stored records nobody posted").to.have.lengthOf(0);
    const notOnce = records.filter((r) => copies.get(r)!.length !== 1);
    expect(
      notOnce.map((r) => [r.body, copies.get(r)!.length]),
      "records not stored exactly once",
    ).to.deep.equal([]);
    this.test!.title += ` (${proxy.counts.entriesThrottled} entries throttled in ${proxy.counts.putRecordsCalls} calls)`;
  });
});
