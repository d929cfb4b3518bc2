/**
 * Both retrieval modes of the processing worker against kinesis-local: polling
 * (GetRecords) and enhanced fan-out (SubscribeToShard on a registered consumer, over
 * HTTP/1.1, which the emulator serves), each processing every record written before and
 * while it runs. Fan-out also survives its subscriptions breaking: it subscribes again
 * from the last event's continuation sequence number, losing and repeating nothing.
 */
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";

import { LOG_LEVELS } from "../../harness/consumer-process";
import { ConsumerTestbed } from "../../harness/consumer-testbed";
import { leasesByOwner, waitForLeases } from "../../harness/lease-views";
import { duplicates, recordKey, storedAt, waitUntilProcessed } from "../../harness/processed-records";

describe("processing workers: retrieval modes", function () {
  this.timeout(90_000);
  let testbed: ConsumerTestbed;

  before(async () => {
    testbed = await ConsumerTestbed.start();
  });
  afterEach(async () => testbed.cleanUp());
  after(async () => testbed?.stop());

  for (const mode of ["polling", "fanout"] as const) {
    it(`${mode}: one worker processes every record of a 2-shard stream, once, with its shard and place`, async () => {
      const stream = await testbed.createStream(2);
      const app = testbed.newApplication();
      // As the stack runs it: the lease table made beforehand, the worker told not to create it.
      await app.table.ensureExists();
      const file = testbed.processedFile(mode);
      const settings: Record<string, string> = {
        CREATE_LEASE_TABLE: "false",
        ...(mode === "fanout"
          ? { RETRIEVAL_MODE: "fanout", CONSUMER_ARN: await testbed.registerConsumer(stream, app.applicationName) }
          : { RETRIEVAL_MODE: "polling" }),
      };
      const writer = await testbed.startWriter(stream, 10);
      await writer.writeRounds(10); // before the worker: read from TRIM_HORIZON
      const worker = testbed.startWorker({
        stream,
        application: app,
        workerId: "worker-a",
        processedFile: file,
        settings,
      });
      await waitForLeases(
        app.table,
        "worker-a to hold both leases",
        (l) => leasesByOwner(l).get("worker-a")?.length === 2,
        15_000,
      );
      await writer.writeRounds(10); // while it runs

      const processed = await waitUntilProcessed([file], writer.written, 30_000);
      expect(
        duplicates(processed).map((copies) => storedAt(copies[0])),
        "processed twice",
      ).to.deep.equal([]);
      // Each record where the producer's acknowledgement says Kinesis stored it.
      const written = new Map(writer.written.map((w) => [recordKey(w), storedAt(w)]));
      const misplaced = processed.filter((r) => written.get(recordKey(r)) !== storedAt(r));
      expect(
        misplaced.map((r) => `${recordKey(r)} at ${storedAt(r)}`),
        "records not where they were stored",
      ).to.deep.equal([]);
      const foreign = processed.filter((r) => r.partitionKey !== r.key || r.workerId !== "worker-a");
      expect(foreign, "records with another partition key or worker").to.deep.equal([]);
      expect(worker.logsAtLeast(LOG_LEVELS.warn), "warnings and errors").to.deep.equal([]);
    });
  }

  it("fanout: subscribes again from the continuation when its subscriptions break, losing and repeating nothing", async () => {
    const stream = await testbed.createStream(2);
    const app = testbed.newApplication();
    const file = testbed.processedFile("fanout-cuts");
    const consumerArn = await testbed.registerConsumer(stream, app.applicationName);
    // The worker reaches Kinesis through a relay that can cut its connections; DynamoDB directly.
    const cutter = await testbed.startCutter();
    const worker = testbed.startWorker({
      stream,
      application: app,
      workerId: "worker-a",
      processedFile: file,
      kinesisEndpoint: cutter.endpoint,
      settings: { RETRIEVAL_MODE: "fanout", CONSUMER_ARN: consumerArn },
    });
    await waitForLeases(
      app.table,
      "worker-a to hold both leases",
      (l) => leasesByOwner(l).get("worker-a")?.length === 2,
      15_000,
    );
    const writer = await testbed.startWriter(stream, 10);
    writer.startFlowing(100);
    for (let cut = 0; cut < 3; cut++) {
      await sleep(2_500);
      expect(cutter.cutAll(), "connections open to cut").to.be.above(0);
    }
    await sleep(1_000);
    await writer.stopFlowing();

    const processed = await waitUntilProcessed([file], writer.written, 30_000);
    expect(
      duplicates(processed).map((copies) => storedAt(copies[0])),
      "processed twice",
    ).to.deep.equal([]);
    // The worker lives on; at most it logged failed reads (the emulator refuses a new
    // subscription while it has not yet noticed the old one is gone).
    expect(worker.running, worker.output()).to.equal(true);
    const unexpected = worker
      .logsAtLeast(LOG_LEVELS.warn)
      .filter(
        (line) =>
          line.msg !== "reading the shard failed; retrying" &&
          line.msg !== "coordinator cycle failed; next cycle retries",
      );
    expect(unexpected, "other warnings and errors").to.deep.equal([]);
    console.log(
      `      ${cutter.cuts} connections cut in 3 cuts; ${writer.written.length} records processed, none twice`,
    );
  });
});
