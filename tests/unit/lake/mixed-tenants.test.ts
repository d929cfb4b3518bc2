/**
 * Whose partition a record's row or dead letter lands in: its own tenant's, except a corrupt
 * KPL aggregate's dead letter, whose bytes may hold several tenants' records: that one goes
 * under a partition no tenant can ever be given.
 */
import { expect } from "chai";
import { consumerRecordsOf } from "../../../runtime/processing/consumer-records";
import { lakeItemOf } from "../../../runtime/lake/lake-rows";
import { deadLetterObjectKey, partitionPath, tableObjectKey } from "../../../runtime/lake/object-keys";
import { KPL_MAGIC } from "../../../runtime/stream/aggregation";
import { isTenantId, MIXED_TENANTS, tenantOf } from "../../../runtime/stream/tenant-key";

const SHARD = "shardId-000000000002";
const ARRIVAL = new Date("2026-12-07T05:10:00.000Z");
const corrupt = Buffer.concat([KPL_MAGIC, Buffer.from("several tenants' records, and no MD5 that checks out")]);

describe("lake: the tenant partition of each record", () => {
  const cases: [string, string, Buffer, string][] = [
    ["a tenant's JSON record: its row under its tenant", "acme|k1", Buffer.from('{"n":1}'), "acme"],
    ["a record from before tenants: untenanted", "k1", Buffer.from('{"n":1}'), "untenanted"],
    [
      "a tenant's record that is not JSON: its dead letter under its tenant",
      "beta|k2",
      Buffer.from("not json"),
      "beta",
    ],
    ["a corrupt aggregate with a tenant's key: under the mixed partition", "gamma|first", corrupt, MIXED_TENANTS],
    ["a corrupt aggregate with an untenanted key: under the mixed partition", "first", corrupt, MIXED_TENANTS],
  ];
  for (const [name, partitionKey, data, want] of cases) {
    it(name, async () => {
      const [record] = consumerRecordsOf(
        SHARD,
        { sequenceNumber: "4959", partitionKey, data, approximateArrivalTimestamp: ARRIVAL },
        "hand-on",
      );
      // The consumer decides the tenant (a corrupt aggregate is no one tenant's); the lake files it there.
      expect(record.tenant).to.equal(want);
      const item = await lakeItemOf(record, async () => undefined);
      expect(item.tenant).to.equal(want);
      const segment = { shardId: SHARD, first: item.position };
      const key =
        item.kind === "row"
          ? tableObjectKey(item.table, item.tenant, item.time, segment)
          : deadLetterObjectKey(item.tenant, item.time, segment);
      expect(key).to.contain(`/tenant=${want}/date=2026-12-07/hour=05/`);
    });
  }

  it("no tenant id can take the mixed partition, and it is a path segment of its own", () => {
    expect(isTenantId(MIXED_TENANTS)).to.equal(false);
    expect(tenantOf(`${MIXED_TENANTS}|k`)).to.equal("untenanted");
    expect(partitionPath(MIXED_TENANTS, { date: "2026-12-07", hour: "05" })).to.equal(
      "tenant=_mixed/date=2026-12-07/hour=05/",
    );
  });
});
