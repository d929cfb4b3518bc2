import { expect } from "chai";
import { hotspotStatements, RESULT_INDEX_FIELD } from "../../runtime/hotspots/flink-sql";
import { jobConfig } from "../../runtime/hotspots/job-config";
import { DASHBOARD_ID, dashboardsObjects } from "../../runtime/search/dashboards-objects";
import { AIRPORT_INDEX, HOTSPOT_INDEX, indexTemplates } from "../../runtime/search/indices";
import { SearchHttp, SearchResponse, setUpSearch } from "../../runtime/search/setup";
import { credentialsFromEnv, signedSearchHttp } from "../../runtime/search/signed-search-http";
import { freshModule, STAND_IN_CREDENTIALS, withEnv } from "../harness/aws-json-stand-in";
import { sigV4Authorization, startOpenSearchStandIn } from "../harness/opensearch-stand-in";

type Call = { method: string; path: string; body: unknown; headers: Record<string, string> };

/** A domain that answers from a script, call by call, and records what it was asked. */
function fakeDomain(answer: (call: Call, n: number) => SearchResponse): SearchHttp & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    async request(method, path, body, headers = {}) {
      const call = { method, path, body, headers };
      calls.push(call);
      return answer(call, calls.length);
    },
  };
}

const bulkOk = (call: Call): SearchResponse => ({
  status: 200,
  body: { saved_objects: (call.body as { type: string; id: string }[]).map(({ type, id }) => ({ type, id })) },
});
const ok = (call: Call): SearchResponse =>
  call.path.includes("_bulk_create") ? bulkOk(call) : { status: 200, body: {} };
const noSleep = { sleep: async () => undefined };

describe("search setup: index templates and Dashboards objects", () => {
  it("maps exactly the columns the Flink sink tables write, with the types a map needs", () => {
    const statements = hotspotStatements(jobConfig());
    const columns = (table: string) => {
      const ddl = statements.find((s) => s.startsWith(`CREATE TABLE ${table} (`))!;
      // Every column but the index the row belongs in: the indexer takes that one off.
      return [...ddl.matchAll(/^ {2}`(\w+)` /gm)]
        .map((m) => m[1])
        .filter((c) => c !== RESULT_INDEX_FIELD)
        .sort();
    };
    const [hotspots, airports] = indexTemplates(0);
    expect(Object.keys(hotspots.body.template.mappings.properties).sort()).to.deep.equal(columns("pickup_hotspots"));
    expect(Object.keys(airports.body.template.mappings.properties).sort()).to.deep.equal(
      columns("airport_trip_durations"),
    );
    expect(hotspots.body.template.mappings.properties).to.deep.include({ location: { type: "geo_point" } });
    expect(hotspots.body.index_patterns).to.deep.equal([HOTSPOT_INDEX]);
    expect(airports.body.index_patterns).to.deep.equal([AIRPORT_INDEX]);
    expect(hotspots.body.template.settings).to.deep.equal({ number_of_shards: 1, number_of_replicas: 0 });
    expect(indexTemplates(2)[0].body.template.settings).to.deep.equal({ number_of_shards: 1, number_of_replicas: 2 });
  });

  it("saved objects: visualizations and the dashboard refer only to objects saved with them", () => {
    const objects = dashboardsObjects(6);
    const ids = new Set(objects.map((o) => `${o.type}/${o.id}`));
    for (const o of objects)
      for (const ref of o.references) expect(ids.has(`${ref.type}/${ref.id}`), ref.id).to.equal(true);
    const map = objects.find((o) => o.id === "taxi-hotspot-map")!;
    const visState = JSON.parse(map.attributes.visState as string);
    expect(visState.type).to.equal("tile_map");
    expect(visState.aggs[1]).to.deep.include({ type: "geohash_grid" });
    expect(visState.aggs[1].params).to.deep.include({ field: "location", precision: 6, autoPrecision: false });
    expect(visState.aggs[0].params.field).to.equal("count");
    expect(objects.map((o) => o.type)).to.deep.equal([
      "index-pattern",
      "index-pattern",
      "visualization",
      "visualization",
      "dashboard",
    ]);
    expect(objects[4].id).to.equal(DASHBOARD_ID);
  });

  it("puts both templates, then saves every object with overwrite and the xsrf header", async () => {
    const domain = fakeDomain(ok);
    const report = await setUpSearch(domain, { replicas: 0, geohashPrecision: 7 }, noSleep);
    expect(domain.calls.map((c) => `${c.method} ${c.path}`)).to.deep.equal([
      `PUT /_index_template/${HOTSPOT_INDEX}`,
      `PUT /_index_template/${AIRPORT_INDEX}`,
      "POST /_dashboards/api/saved_objects/_bulk_create?overwrite=true",
    ]);
    expect(domain.calls[2].headers).to.deep.equal({ "osd-xsrf": "true" });
    expect(domain.calls[2].body).to.deep.equal(dashboardsObjects(7));
    expect(report.templates).to.deep.equal([HOTSPOT_INDEX, AIRPORT_INDEX]);
    expect(report.savedObjects).to.have.length(5);
  });

  it("waits out 503s of a domain still starting, then goes on", async () => {
    const domain = fakeDomain((call, n) => (n <= 3 ? { status: 503, body: "starting" } : ok(call)));
    const slept: number[] = [];
    await setUpSearch(
      domain,
      { replicas: 0, geohashPrecision: 6 },
      { retryDelayMs: 7, sleep: async (ms) => void slept.push(ms) },
    );
    expect(slept).to.deep.equal([7, 7, 7]);
    expect(domain.calls).to.have.length(6);
  });

  const failures: [string, (call: Call, n: number) => SearchResponse, RegExp][] = [
    [
      "a refused template names the step, the status and the answer",
      () => ({ status: 403, body: { message: "no permissions for [indices:admin/index_template/put]" } }),
      /index template hotspots failed: PUT \/_index_template\/hotspots answered 403: .*no permissions/,
    ],
    [
      "a domain that never starts gives up after the attempts",
      () => ({ status: 503, body: "starting" }),
      /answered 503 after 4 attempts/,
    ],
    [
      "_bulk_create's 200 with one failed object is a failure naming it",
      (call) =>
        call.path.includes("_bulk_create")
          ? {
              status: 200,
              body: {
                saved_objects: (call.body as { type: string; id: string }[]).map(({ type, id }, i) =>
                  i === 2 ? { type, id, error: { message: "bad visState" } } : { type, id },
                ),
              },
            }
          : { status: 200, body: {} },
      /saved 4 of 5 objects \(visualization taxi-hotspot-map: bad visState\)/,
    ],
  ];
  for (const [name, answer, message] of failures) {
    it(name, async () => {
      const domain = fakeDomain(answer);
      let error: Error | undefined;
      try {
        await setUpSearch(domain, { replicas: 0, geohashPrecision: 6 }, { ...noSleep, attempts: 4 });
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.match(message);
    });
  }

  it("the Lambda's credentials come from its environment, with a clear error when missing", () => {
    expect(
      credentialsFromEnv({ AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "s", AWS_SESSION_TOKEN: "t" }),
    ).to.deep.equal({
      accessKeyId: "AKIA",
      secretAccessKey: "s",
      sessionToken: "t",
    });
    expect(() => credentialsFromEnv({})).to.throw(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set/);
  });

  it("the signed client sends SigV4-signed requests for service es, and hands back error answers", async () => {
    const standIn = await startOpenSearchStandIn((request) =>
      request.url.startsWith("/_index_template/") ? { status: 403, body: { message: "denied" } } : undefined,
    );
    try {
      const client = signedSearchHttp(standIn.endpoint, "eu-west-1", async () => ({
        accessKeyId: "AKIDEXAMPLE",
        secretAccessKey: "secret",
        sessionToken: "token",
      }));
      const saved = await client.request(
        "POST",
        "/_dashboards/api/saved_objects/_bulk_create?overwrite=true",
        [{ type: "dashboard", id: "a" }],
        {
          "osd-xsrf": "true",
        },
      );
      const refused = await client.request("PUT", "/_index_template/hotspots", { index_patterns: ["hotspots"] });
      expect(saved).to.deep.equal({ status: 200, body: { saved_objects: [{ type: "dashboard", id: "a" }] } });
      expect(refused).to.deep.equal({ status: 403, body: { message: "denied" } });
      const [save, put] = standIn.requests;
      expect(save.url).to.equal("/_dashboards/api/saved_objects/_bulk_create?overwrite=true");
      expect(JSON.parse(save.body)).to.deep.equal([{ type: "dashboard", id: "a" }]);
      expect(save.headers["osd-xsrf"]).to.equal("true");
      expect(save.headers.authorization).to.match(sigV4Authorization("AKIDEXAMPLE", "eu-west-1"));
      expect(save.headers["x-amz-security-token"]).to.equal("token");
      expect(put.method).to.equal("PUT");
    } finally {
      await standIn.close();
    }
  });

  it("the function's handler signs with the role's credentials from its environment and sets up the domain", async () => {
    const standIn = await startOpenSearchStandIn();
    try {
      const entry = freshModule<typeof import("../../runtime/search/setup-entry")>("runtime/search/setup-entry");
      const report = await withEnv(
        {
          ...STAND_IN_CREDENTIALS,
          AWS_SESSION_TOKEN: undefined,
          AWS_REGION: "us-east-1",
          SEARCH_ENDPOINT: standIn.endpoint,
        },
        () => entry.handle({ replicas: 0, geohashPrecision: 7 }),
      );
      expect(report.templates).to.deep.equal([HOTSPOT_INDEX, AIRPORT_INDEX]);
      expect(standIn.requests.map((r) => `${r.method} ${r.url}`)).to.deep.equal([
        `PUT /_index_template/${HOTSPOT_INDEX}`,
        `PUT /_index_template/${AIRPORT_INDEX}`,
        "POST /_dashboards/api/saved_objects/_bulk_create?overwrite=true",
      ]);
      for (const request of standIn.requests) {
        expect(request.headers.authorization).to.match(sigV4Authorization("stand-in", "us-east-1"));
      }
    } finally {
      await standIn.close();
    }
  });
});
