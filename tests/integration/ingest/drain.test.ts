/**
 * SIGTERM while clients keep posting, as when ECS stops a task: the service stops taking
 * requests, writes everything it accepted, and exits 0 on its own, within the 30 s ECS
 * stop timeout. Records wait up to 2 s in buffers here, so many are buffered at the signal.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

import { expect } from "chai";

import { IngestClient } from "../../harness/ingest-client";
import {
  acknowledged,
  expectStoredAsAcknowledged,
  findCopies,
  makeRecords,
  post,
  Sent,
} from "../../harness/ingest-records";
import { IngestTestbed } from "./testbed";

/** How a request ended, and when, relative to the signal and the exit. */
interface Outcome {
  sent: Sent;
  answeredAt: number;
  startedAfterExit: boolean;
}

/** A connection the server closed before answering: the request was never taken. */
const NOT_TAKEN = ["ECONNREFUSED", "ECONNRESET", "EPIPE"];

describe("ingest service against kinesis-local: SIGTERM drain", function () {
  this.timeout(60_000);
  let testbed: IngestTestbed;

  before(async () => {
    testbed = await IngestTestbed.start();
  });
  afterEach(async () => testbed.cleanUp());
  after(async () => testbed?.stop());

  it("answers and stores every record it took, refuses the rest, and exits 0 saying it drained", async function () {
    const stream = await testbed.createStream(2);
    const ingest = await testbed.startIngest(stream, { RECORD_MAX_BUFFERED_MS: "2000", LOG_LEVEL: "info" });
    // Pooled clients, whose open connections see the drain, and clients that connect anew each time.
    const clients: IngestClient[] = [
      testbed.httpClient(ingest, { maxSockets: 48 }),
      testbed.httpClient(ingest, { maxSockets: 16, keepAlive: false }),
    ];
    const records = makeRecords("drain", 30_000);
    let next = 0;
    let exitedAt: number | undefined;
    const outcomes: Outcome[] = [];
    // Each worker posts until the process has exited, then once more; the records bound it too.
    const worker = async (client: IngestClient): Promise<void> => {
      while (next < records.length) {
        const startedAfterExit = exitedAt !== undefined;
        const sent = await post(client, [records[next++]]);
        outcomes.push({ sent, answeredAt: performance.now(), startedAfterExit });
        if (startedAfterExit) return;
      }
    };
    const workers = [...Array(48).fill(clients[0]), ...Array(16).fill(clients[1])].map(worker);

    // The first buffers go out 2 s after the first record; the signal comes between two flushes.
    await sleep(3_000);
    const signalledAt = performance.now();
    let exit;
    try {
      exit = await ingest.stop("SIGTERM", 30_000);
    } finally {
      exitedAt = performance.now();
      await Promise.all(workers);
    }
    expect(exit, ingest.output()).to.deep.equal({ code: 0, signal: null });
    expect(exitedAt - signalledAt, "ms from SIGTERM to exit").to.be.below(30_000);

    const status = (o: Outcome) => String(o.sent.answer?.status ?? o.sent.error?.code ?? o.sent.error?.message);
    const ok = outcomes.filter((o) => o.sent.answer?.status === 200);
    const okBefore = ok.filter((o) => o.answeredAt < signalledAt).length;
    const okAfter = ok.length - okBefore;
    expect(okBefore, "200s before the signal").to.be.above(0);
    expect(okAfter, "200s after the signal: records buffered at the signal, drained").to.be.above(0);
    const unexpected = outcomes.filter(
      (o) => ![200, 503].includes(o.sent.answer?.status ?? 0) && !NOT_TAKEN.includes(status(o)),
    );
    expect(unexpected.map(status), "outcomes other than 200, 503 or a closed connection").to.deep.equal([]);
    for (const refusedOne of outcomes.filter((o) => o.sent.answer?.status === 503)) {
      expect(refusedOne.answeredAt, "a 503 before the signal").to.be.above(signalledAt);
      expect(refusedOne.sent.answer!.body.error).to.equal("shutting_down");
      expect(refusedOne.sent.answer!.headers["retry-after"]).to.equal("1");
    }
    const afterExit = outcomes.filter((o) => o.startedAfterExit);
    expect(afterExit, "one request per worker after the exit").to.have.lengthOf(workers.length);
    expect(afterExit.map(status), "after the exit").to.deep.equal(afterExit.map(() => "ECONNREFUSED"));

    const logs = ingest.jsonLines();
    expect(
      logs.some((l) => l.msg === "draining: no new requests, writing everything accepted"),
      ingest.output(),
    ).to.equal(true);
    expect(
      logs.find((l) => l.msg === "stopped, every accepted record written"),
      ingest.output(),
    ).to.include({ unsent: 0 });

    const contents = await testbed.read(stream);
    const acks = acknowledged(outcomes.map((o) => o.sent));
    expectStoredAsAcknowledged(acks, contents);
    const posted = outcomes.flatMap((o) => o.sent.records);
    const { copies, unknown } = findCopies(posted, contents);
    expect(unknown, "stored records no request carried").to.have.lengthOf(0);
    const storedWithout200 = outcomes.filter(
      (o) => o.sent.answer?.status !== 200 && copies.get(o.sent.records[0])!.length > 0,
    );
    expect(storedWithout200.map(status), "stored, but not answered 200").to.deep.equal([]);
    expect(
      posted.filter((p) => copies.get(p)!.length > 1),
      "stored twice",
    ).to.have.lengthOf(0);
    const counts = Object.entries(
      outcomes.reduce<Record<string, number>>((n, o) => ({ ...n, [status(o)]: (n[status(o)] ?? 0) + 1 }), {}),
    );
    this.test!.title += ` (200 before/after the signal: ${okBefore}/${okAfter}; ${counts.map(([k, v]) => `${k}: ${v}`).join(", ")}; exit ${Math.round(exitedAt - signalledAt)} ms after it)`;
  });
});
