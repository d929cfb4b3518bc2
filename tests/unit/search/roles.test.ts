import { expect } from "chai";
import { AIRPORT_INDEX, HOTSPOT_INDEX, indexTemplates } from "../../../runtime/search/indices";
import { bulkBody, resultDocument } from "../../../runtime/search/result-documents";
import { RESULTS_WRITER_ROLE, SEARCH_ROLES, SearchRole, SETUP_ROLE } from "../../../runtime/search/search-roles";

/**
 * The security plugin's static action groups the roles name, as the plugin defines them
 * (opensearch-project/security src/main/resources/static_config/static_action_groups.yml).
 */
const ACTION_GROUPS: Record<string, string[]> = {
  read: ["indices:data/read*", "indices:admin/mappings/fields/get*", "indices:admin/resolve/index"],
  index: [
    "indices:data/write/index*",
    "indices:data/write/update*",
    "indices:admin/mapping/put",
    "indices:data/write/bulk*",
  ],
  cluster_composite_ops: [
    "indices:data/write/bulk",
    "indices:admin/aliases*",
    "indices:data/write/reindex",
    "cluster_composite_ops_ro",
  ],
  cluster_composite_ops_ro: [
    "indices:data/read/mget",
    "indices:data/read/msearch",
    "indices:data/read/mtv",
    "indices:admin/aliases/exists*",
    "indices:admin/aliases/get*",
    "indices:data/read/scroll",
    "indices:admin/resolve/index",
  ],
};

/** An allowed action (a pattern with * or an action group) as the action patterns it stands for. */
function expand(allowed: string): string[] {
  return ACTION_GROUPS[allowed]?.flatMap(expand) ?? [allowed];
}

function matches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return regex.test(value);
}

const grantsCluster = (role: SearchRole, action: string) =>
  role.cluster_permissions.flatMap(expand).some((p) => matches(p, action));
const grantsIndex = (role: SearchRole, index: string, action: string) =>
  role.index_permissions.some(
    (p) =>
      p.index_patterns.some((i) => matches(i, index)) &&
      p.allowed_actions.flatMap(expand).some((a) => matches(a, action)),
  );

describe("search roles: each the least its callers need", () => {
  const writer = SEARCH_ROLES[RESULTS_WRITER_ROLE];
  const setup = SEARCH_ROLES[SETUP_ROLE];

  it("the results writer may send the indexer's _bulk into every index a result row names", () => {
    const rows = [
      { index: HOTSPOT_INDEX, cell: "dr5ru7", location: "40.75,-73.98", count: 3, windowStart: "2009-01-24T12:00:00" },
      { index: AIRPORT_INDEX, airport: "JFK", trips: 2, averageSeconds: 1800, windowStart: "2009-01-24T12:00:00" },
    ].map((row) => resultDocument(Buffer.from(JSON.stringify(row))));
    const body = bulkBody(rows.map((r) => (r.ok ? r.value : expect.fail("a valid row"))));
    const indices = body
      .trimEnd()
      .split("\n")
      .filter((_, i) => i % 2 === 0)
      .map((line) => (JSON.parse(line) as { index: { _index: string } }).index._index);
    expect(indices).to.deep.equal([HOTSPOT_INDEX, AIRPORT_INDEX]);
    expect(grantsCluster(writer, "indices:data/write/bulk")).to.equal(true);
    for (const index of indices) {
      for (const action of ["indices:data/write/bulk[s]", "indices:data/write/index", "indices:admin/create"]) {
        expect(grantsIndex(writer, index, action), `${action} on ${index}`).to.equal(true);
      }
    }
  });

  const refusedToWriter: [string, string][] = [
    [HOTSPOT_INDEX, "indices:data/write/delete"],
    [HOTSPOT_INDEX, "indices:admin/delete"],
    [HOTSPOT_INDEX, "indices:data/read/search"],
    [HOTSPOT_INDEX, "indices:data/write/update"],
    [HOTSPOT_INDEX, "indices:admin/mapping/put"],
    ["other-index", "indices:data/write/index"],
    [".kibana", "indices:data/write/index"],
  ];
  for (const [index, action] of refusedToWriter) {
    it(`the results writer may not ${action} on ${index}`, () =>
      expect(grantsIndex(writer, index, action)).to.equal(false));
  }

  it("the results writer has no other cluster action and no tenant", () => {
    expect(writer.cluster_permissions).to.deep.equal(["indices:data/write/bulk"]);
    expect(grantsCluster(writer, "indices:admin/index_template/put")).to.equal(false);
    expect(writer.tenant_permissions).to.deep.equal([]);
  });

  it("the setup role may put the index templates and save Dashboards objects in the global tenant", () => {
    expect(indexTemplates(0).length).to.equal(2);
    expect(grantsCluster(setup, "indices:admin/index_template/put")).to.equal(true);
    expect(grantsCluster(setup, "indices:data/write/bulk")).to.equal(true);
    expect(grantsCluster(setup, "indices:data/read/mget")).to.equal(true);
    for (const index of [".kibana", ".kibana_1"]) {
      expect(grantsIndex(setup, index, "indices:data/write/index"), index).to.equal(true);
      expect(grantsIndex(setup, index, "indices:data/read/get"), index).to.equal(true);
    }
    expect(setup.tenant_permissions).to.deep.equal([
      { tenant_patterns: ["global_tenant"], allowed_actions: ["kibana_all_write"] },
    ]);
  });

  const refusedToSetup: [string, string][] = [
    [".kibana", "indices:admin/delete"],
    [".kibana", "indices:data/write/delete"],
    [HOTSPOT_INDEX, "indices:data/write/index"],
    [HOTSPOT_INDEX, "indices:data/read/search"],
    [".opendistro_security", "indices:data/write/index"],
  ];
  for (const [index, action] of refusedToSetup) {
    it(`the setup role may not ${action} on ${index}`, () => expect(grantsIndex(setup, index, action)).to.equal(false));
  }

  it("neither role reaches the security configuration or deletes templates", () => {
    for (const role of [writer, setup]) {
      expect(grantsCluster(role, "cluster:admin/opendistro/security/config/update")).to.equal(false);
      expect(grantsCluster(role, "restapi:admin/rolesmapping")).to.equal(false);
      expect(grantsCluster(role, "indices:admin/index_template/delete")).to.equal(false);
      expect(role.index_permissions.flatMap((p) => p.index_patterns)).to.not.include("*");
    }
  });
});
