/**
 * `npm run lake:query`: objects written through the local S3 server as the lake worker writes
 * them (S3LakeStore, Parquet from the writer's encoder, keys from object-keys.ts) answer SQL
 * under Athena's table names, with the partitions as text, in DuckDB.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { createS3Client } from "../../../runtime/common/aws/s3-client";
import { GENERIC_TABLE_COLUMNS } from "../../../runtime/lake/lake-tables";
import { compactionStateBody } from "../../../runtime/lake/compaction/compaction-state";
import {
  COMPACTION_STATE_KEY,
  compactedObjectKey,
  deadLetterObjectKey,
  tableObjectKey,
  timePartitionOf,
} from "../../../runtime/lake/object-keys";
import { parquetObject } from "../../../runtime/lake/parquet-object";
import { S3LakeStore } from "../../../runtime/lake/s3-lake-store";
import { LOCAL_REGION } from "../../../runtime/local/emulators";
import { LOCAL_LAKE_BUCKET, localLakeDirectory, localS3Directory } from "../../../runtime/local/lake-child";
import { localTableNames, queryLake } from "../../../runtime/local/lake-query";
import { LocalS3, startLocalS3 } from "../../../runtime/local/s3-server";

describe("lake:query over the local lake", function () {
  this.timeout(60_000);
  let stateDir: string;
  let s3: LocalS3;
  let client: S3Client;

  const row = (tenant: string, seq: string, data: string) => ({
    arrival_time: new Date("2026-12-07T05:30:00Z"),
    partition_key: `${tenant}|k`,
    shard_id: "shardId-000000000000",
    sequence_number: seq,
    sub_sequence_number: 0n,
    data,
  });

  before(async () => {
    stateDir = mkdtempSync(path.join(tmpdir(), "lake-query-"));
    s3 = await startLocalS3({ directory: localS3Directory(stateDir), buckets: [LOCAL_LAKE_BUCKET] });
    client = createS3Client({ region: LOCAL_REGION, endpoint: s3.endpoint });
    const store = new S3LakeStore(client, LOCAL_LAKE_BUCKET);
    const time = timePartitionOf(new Date("2026-12-07T05:30:00Z"));
    const segment = { shardId: "shardId-000000000000", first: { sequenceNumber: "1", subSequenceNumber: 0 } };
    for (const [tenant, rows] of [
      ["acme", [row("acme", "1", '{"a":1}'), row("acme", "2", '{"a":2}')]],
      ["globex", [row("globex", "3", '{"b":3}')]],
    ] as const) {
      const key = tableObjectKey("records", tenant, time, segment);
      expect(
        await store.putIfAbsent(key, parquetObject(GENERIC_TABLE_COLUMNS, rows), "application/vnd.apache.parquet"),
      ).to.equal("written");
    }
    const letter = {
      tenant: "acme",
      shardId: "shardId-000000000000",
      sequenceNumber: "4",
      subSequenceNumber: 0,
      partitionKey: "acme|k",
      arrivalTime: "2026-12-07T05:30:00.000Z",
      reason: "not JSON",
      data: "eA==",
    };
    await store.putIfAbsent(
      deadLetterObjectKey("acme", time, segment),
      Buffer.from(JSON.stringify(letter) + "\n"),
      "application/x-ndjson",
    );
  });

  after(async () => {
    client?.destroy();
    await s3?.stop().catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("names a view per table the lake holds, and the raw tables under it, as Athena does", () => {
    expect(localTableNames(localLakeDirectory(stateDir))).to.deep.equal({
      views: ["records", "dead_letters"],
      raw: ["records_segments", "records_compacted", "lake_compaction"],
    });
  });

  it("counts rows per tenant, with tenant, date and hour from the path as text", async () => {
    const { columns, rows } = await queryLake(
      localLakeDirectory(stateDir),
      `SELECT tenant, "date", hour, count(*) AS n FROM records WHERE "date" = '2026-12-07' GROUP BY ALL ORDER BY tenant`,
    );
    expect(columns).to.deep.equal(["tenant", "date", "hour", "n"]);
    expect(rows).to.deep.equal([
      ["acme", "2026-12-07", "05", "2"],
      ["globex", "2026-12-07", "05", "1"],
    ]);
  });

  it("reads the rows' data and the dead letters under the Glue tables' column names", async () => {
    const dir = localLakeDirectory(stateDir);
    const data = await queryLake(dir, "SELECT sequence_number, data FROM records WHERE tenant = 'acme' ORDER BY 1");
    expect(data.rows).to.deep.equal([
      ["1", '{"a":1}'],
      ["2", '{"a":2}'],
    ]);
    const dead = await queryLake(dir, "SELECT tenant, sequence_number, reason FROM dead_letters");
    expect(dead.rows).to.deep.equal([["acme", "4", "not JSON"]]);
  });

  it("reads an hour from its compacted parts once the compaction state is past it, never from both sides", async () => {
    const dir = localLakeDirectory(stateDir);
    const store = new S3LakeStore(client, LOCAL_LAKE_BUCKET);
    const time = timePartitionOf(new Date("2026-12-07T05:30:00Z"));
    // The compactor's part of acme's hour: the same rows, marked so the test can tell the side.
    const part = [row("acme", "1", "compacted"), row("acme", "2", "compacted")];
    const key = compactedObjectKey("records", "acme", time, { index: 0, of: 1 });
    await store.putIfAbsent(key, parquetObject(GENERIC_TABLE_COLUMNS, part), "application/vnd.apache.parquet");
    const read = () =>
      queryLake(dir, "SELECT tenant, sequence_number, data FROM records ORDER BY tenant, sequence_number");
    // The part alone changes nothing: the state has not moved past the hour.
    expect((await read()).rows).to.deep.equal([
      ["acme", "1", '{"a":1}'],
      ["acme", "2", '{"a":2}'],
      ["globex", "3", '{"b":3}'],
    ]);
    await store.putIfAbsent(
      COMPACTION_STATE_KEY,
      Buffer.from(compactionStateBody({ compacted_before: "2026-12-07 06", tagged_before: "2026-12-07 05" })),
      "application/x-ndjson",
    );
    // The hour now comes from the compacted side only: acme's part; globex has none (the compactor
    // writes every tenant's parts before it moves the state), so none of its rows of that hour.
    expect((await read()).rows).to.deep.equal([
      ["acme", "1", "compacted"],
      ["acme", "2", "compacted"],
    ]);
    const raw = await queryLake(dir, "SELECT count(*) FROM records_segments");
    expect(raw.rows).to.deep.equal([["3"]]);
  });
});
