/**
 * A version the registry does not know yet holds the lake's shard (the batch is retried, not
 * dead-lettered): the lake asks again after a second, not after the registry cache's 30 s.
 */
import { expect } from "chai";
import { LAKE_DEFAULTS } from "../../../runtime/lake/contract";
import {
  CachedSchemaSource,
  SCHEMA_MISS_TTL_MS,
  SchemaSource,
  SchemaVersionInfo,
} from "../../../runtime/schemas/schema-source";

const LATE: SchemaVersionInfo = {
  schemaName: "order",
  versionNumber: 3,
  schemaVersionId: "33333333-3333-4333-8333-333333333333",
  definition: "{}",
};

/** A registry that learns LATE once `registered` is set, and counts lookups. */
function lateRegistry() {
  const registry = {
    registered: false,
    lookups: 0,
    latest: () => Promise.reject(new Error("not used")),
    register: () => Promise.reject(new Error("not used")),
    byId: async (id: string) => {
      registry.lookups++;
      return registry.registered && id === LATE.schemaVersionId ? LATE : undefined;
    },
  };
  return registry satisfies SchemaSource & { registered: boolean; lookups: number };
}

describe("lake: an unknown schema version is looked up again soon", () => {
  it("the lake's miss time is a second, far below the registry cache's default", () => {
    expect(LAKE_DEFAULTS.schemaMissTtlMs).to.equal(1_000);
    expect(LAKE_DEFAULTS.schemaMissTtlMs).to.be.below(SCHEMA_MISS_TTL_MS);
  });

  const table = [
    { after: 0, asks: false, found: false },
    { after: 999, asks: false, found: false },
    { after: 1_000, asks: true, found: true },
  ];
  for (const t of table) {
    it(`${t.after} ms after a miss, with the version registered since: ${t.found ? "found" : "still unknown, from memory"}`, async () => {
      const registry = lateRegistry();
      let now = 5_000_000;
      const source = new CachedSchemaSource(registry, 256, () => now, LAKE_DEFAULTS.schemaMissTtlMs);
      expect(await source.byId(LATE.schemaVersionId)).to.equal(undefined);
      registry.registered = true;
      now += t.after;
      const found = await source.byId(LATE.schemaVersionId);
      expect({ found: found !== undefined, asked: registry.lookups === 2 }).to.deep.equal({
        found: t.found,
        asked: t.asks,
      });
    });
  }

  it("misses of every shard within the second share one lookup", async () => {
    const registry = lateRegistry();
    const now = 5_000_000;
    const source = new CachedSchemaSource(registry, 256, () => now, LAKE_DEFAULTS.schemaMissTtlMs);
    for (let shard = 0; shard < 50; shard++) await source.byId(LATE.schemaVersionId);
    expect(registry.lookups).to.equal(1);
  });
});
