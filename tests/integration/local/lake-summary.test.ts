/**
 * The live page's lake panel: objects, rows and dead letters per tenant, and the newest
 * object's age, from objects written through the local S3 server as the lake worker writes them.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createS3Client } from "../../../runtime/common/aws/s3-client";
import { GENERIC_TABLE_COLUMNS } from "../../../runtime/lake/lake-tables";
import { deadLetterObjectKey, tableObjectKey, timePartitionOf } from "../../../runtime/lake/object-keys";
import { parquetObject } from "../../../runtime/lake/parquet-object";
import { S3LakeStore } from "../../../runtime/lake/s3-lake-store";
import { LOCAL_REGION } from "../../../runtime/local/emulators";
import { LOCAL_LAKE_BUCKET, localLakeDirectory, localS3Directory } from "../../../runtime/local/lake-child";
import { lakeSummary } from "../../../runtime/local/lake-summary";
import { startLocalS3 } from "../../../runtime/local/s3-server";

describe("the page's lake panel", function () {
  this.timeout(60_000);

  it("is empty before the first object, then counts objects, rows and dead letters per tenant", async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), "lake-summary-"));
    const s3 = await startLocalS3({ directory: localS3Directory(stateDir), buckets: [LOCAL_LAKE_BUCKET] });
    const client = createS3Client({ region: LOCAL_REGION, endpoint: s3.endpoint });
    try {
      const dir = localLakeDirectory(stateDir);
      expect(await lakeSummary(dir, Date.now())).to.deep.equal({ tenants: [], newestObjectAgeMs: undefined });
      const store = new S3LakeStore(client, LOCAL_LAKE_BUCKET);
      const time = timePartitionOf(new Date("2026-12-07T05:30:00Z"));
      const row = (seq: string) => ({
        arrival_time: new Date("2026-12-07T05:30:00Z"),
        partition_key: "k",
        shard_id: "shardId-000000000000",
        sequence_number: seq,
        sub_sequence_number: 0n,
        data: "{}",
      });
      for (const [tenant, first, rows] of [
        ["acme", "1", [row("1"), row("2")]],
        ["acme", "3", [row("3")]],
        ["globex", "4", [row("4")]],
      ] as const) {
        const segment = { shardId: "shardId-000000000000", first: { sequenceNumber: first, subSequenceNumber: 0 } };
        await store.putIfAbsent(
          tableObjectKey("records", tenant, time, segment),
          parquetObject(GENERIC_TABLE_COLUMNS, rows),
          "x",
        );
      }
      const segment = { shardId: "shardId-000000000001", first: { sequenceNumber: "9", subSequenceNumber: 0 } };
      await store.putIfAbsent(
        deadLetterObjectKey("globex", time, segment),
        Buffer.from(
          JSON.stringify({
            tenant: "globex",
            shardId: "s",
            sequenceNumber: "9",
            subSequenceNumber: 0,
            partitionKey: "k",
            arrivalTime: "t",
            reason: "r",
            data: "",
          }) + "\n",
        ),
        "x",
      );
      const summary = await lakeSummary(dir, Date.now() + 5_000);
      expect(summary.tenants).to.deep.equal([
        { tenant: "acme", objects: 2, rows: 3, deadLetters: 0 },
        { tenant: "globex", objects: 1, rows: 1, deadLetters: 1 },
      ]);
      expect(summary.newestObjectAgeMs).to.be.within(5_000, 15_000);
    } finally {
      client.destroy();
      await s3.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
