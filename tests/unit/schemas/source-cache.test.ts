import { expect } from "chai";
import {
  CachedSchemaSource,
  SCHEMA_MISS_TTL_MS,
  SchemaSource,
  SchemaVersionInfo,
} from "../../../runtime/schemas/schema-source";

/** A registry that counts its lookups and can learn a version later. */
class CountingRegistry implements SchemaSource {
  lookups: string[] = [];
  known = new Map<string, SchemaVersionInfo>();
  async latest(): Promise<SchemaVersionInfo> {
    throw new Error("not used");
  }
  async byId(id: string) {
    this.lookups.push(id);
    return this.known.get(id);
  }
  async register(): Promise<SchemaVersionInfo> {
    throw new Error("not used");
  }
}

const VERSION = (id: string): SchemaVersionInfo => ({
  schemaName: "taxi-trip",
  versionNumber: 1,
  schemaVersionId: id,
  definition: "{}",
});

describe("CachedSchemaSource", () => {
  it("keeps a version found by id: one registry call however many records name it", async () => {
    const registry = new CountingRegistry();
    registry.known.set("a", VERSION("a"));
    const cached = new CachedSchemaSource(registry);
    for (let i = 0; i < 100; i++) expect(await cached.byId("a")).to.deep.equal(VERSION("a"));
    expect(registry.lookups).to.deep.equal(["a"]);
  });

  it("answers an unknown id from memory for SCHEMA_MISS_TTL_MS, then asks again and finds a version registered since", async () => {
    const registry = new CountingRegistry();
    let now = 1_000_000;
    const cached = new CachedSchemaSource(registry, 256, () => now);
    for (let i = 0; i < 1000; i++) expect(await cached.byId("late")).to.equal(undefined);
    expect(registry.lookups).to.have.lengthOf(1);
    registry.known.set("late", VERSION("late"));
    now += SCHEMA_MISS_TTL_MS - 1;
    expect(await cached.byId("late")).to.equal(undefined);
    now += 1;
    expect(await cached.byId("late")).to.deep.equal(VERSION("late"));
    expect(registry.lookups).to.have.lengthOf(2);
  });

  it("bounds the misses it remembers: the oldest go first", async () => {
    const registry = new CountingRegistry();
    const cached = new CachedSchemaSource(registry, 3, () => 0);
    for (const id of ["1", "2", "3", "4"]) await cached.byId(id);
    await cached.byId("1");
    await cached.byId("4");
    // "1" was pushed out by "4" and asked again; "4" is still remembered.
    expect(registry.lookups).to.deep.equal(["1", "2", "3", "4", "1"]);
  });
});
