import { expect } from "chai";
import { hotspotStatements, RESULT_INDEX_FIELD } from "../../../runtime/hotspots/flink-sql";
import { jobConfig } from "../../../runtime/hotspots/job-config";
import { AUDIT_CONFIG } from "../../../runtime/search/audit-config";
import { DASHBOARD_ID, dashboardsObjects } from "../../../runtime/search/dashboards-objects";
import { indexResults } from "../../../runtime/search/indexer";
import { AIRPORT_INDEX, HOTSPOT_INDEX, indexTemplates } from "../../../runtime/search/indices";
import { masterSearchHttp } from "../../../runtime/search/search-http";
import { RESULTS_WRITER_ROLE, SEARCH_ROLES, SETUP_ROLE } from "../../../runtime/search/search-roles";
import { SearchHttp, SearchResponse, setUpSearch } from "../../../runtime/search/setup";
import { SetupInput } from "../../../runtime/search/setup-contract";
import { credentialsFromEnv, signedSearchHttp } from "../../../runtime/search/signed-search-http";
import { freshModule, STAND_IN_CREDENTIALS, withEnv } from "../../harness/aws-json-stand-in";
import { basicAuthorization, sigV4Authorization, startOpenSearchStandIn } from "../../harness/opensearch-stand-in";
import { startSecretsManagerStandIn } from "../../harness/secrets-manager-stand-in";

type Call = { as: "master" | "own"; method: string; path: string; body: unknown; headers: Record<string, string> };

/**
 * A domain that answers from a script, call by call, and records what it was asked and
 * through which client: the master user's or the function's own role.
 */
function fakeDomain(answer: (call: Call, n: number) => SearchResponse) {
  const calls: Call[] = [];
  const client = (as: Call["as"]): SearchHttp => ({
    async request(method, path, body, headers = {}) {
      const call = { as, method, path, body, headers };
      calls.push(call);
      return answer(call, calls.length);
    },
  });
  return { clients: { master: client("master"), own: client("own") }, calls };
}

const bulkOk = (call: Call): SearchResponse => ({
  status: 200,
  body: { saved_objects: (call.body as { type: string; id: string }[]).map(({ type, id }) => ({ type, id })) },
});
const ok = (call: Call): SearchResponse =>
  call.path.includes("_bulk_create") ? bulkOk(call) : { status: 200, body: {} };
const noSleep = { sleep: async () => undefined };

const INDEXER_ROLE = "arn:aws:iam::123456789012:role/search-indexer-1a2b3c4";
const SETUP_FUNCTION_ROLE = "arn:aws:iam::123456789012:role/search-setup-5d6e7f8";
const input = (geohashPrecision = 6, replicas = 0): SetupInput => ({
  replicas,
  geohashPrecision,
  backendRoles: { [RESULTS_WRITER_ROLE]: [INDEXER_ROLE], [SETUP_ROLE]: [SETUP_FUNCTION_ROLE] },
});
const MASTER = { username: "search-admin", password: "Plan-Mock-Passw0rdxxxxxxxxxxxxxx" };

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

  it("as the master user maps exactly the two roles to their IAM roles and turns audit logs on, then works as its own role", async () => {
    const domain = fakeDomain(ok);
    const report = await setUpSearch(domain.clients, input(7), noSleep);
    expect(domain.calls.map((c) => `${c.as} ${c.method} ${c.path}`)).to.deep.equal([
      `master PUT /_plugins/_security/api/roles/${RESULTS_WRITER_ROLE}`,
      `master PUT /_plugins/_security/api/roles/${SETUP_ROLE}`,
      `master PUT /_plugins/_security/api/rolesmapping/${RESULTS_WRITER_ROLE}`,
      `master PUT /_plugins/_security/api/rolesmapping/${SETUP_ROLE}`,
      "master PUT /_plugins/_security/api/audit/config",
      `own PUT /_index_template/${HOTSPOT_INDEX}`,
      `own PUT /_index_template/${AIRPORT_INDEX}`,
      "own POST /_dashboards/api/saved_objects/_bulk_create?overwrite=true",
    ]);
    expect(domain.calls[0].body).to.deep.equal(SEARCH_ROLES[RESULTS_WRITER_ROLE]);
    expect(domain.calls[1].body).to.deep.equal(SEARCH_ROLES[SETUP_ROLE]);
    expect(domain.calls[2].body).to.deep.equal({ backend_roles: [INDEXER_ROLE], hosts: [], users: [] });
    expect(domain.calls[3].body).to.deep.equal({ backend_roles: [SETUP_FUNCTION_ROLE], hosts: [], users: [] });
    expect(domain.calls[4].body).to.deep.equal(AUDIT_CONFIG);
    expect(domain.calls[7].headers).to.deep.equal({ "osd-xsrf": "true", securitytenant: "global" });
    expect(domain.calls[7].body).to.deep.equal(dashboardsObjects(7));
    expect(report).to.deep.equal({
      roles: [RESULTS_WRITER_ROLE, SETUP_ROLE],
      roleMappings: { [RESULTS_WRITER_ROLE]: [INDEXER_ROLE], [SETUP_ROLE]: [SETUP_FUNCTION_ROLE] },
      auditLogs: "enabled",
      templates: [HOTSPOT_INDEX, AIRPORT_INDEX],
      savedObjects: dashboardsObjects(7).map((o) => `${o.type}/${o.id}`),
    });
  });

  it("audit logs: failed logins and refusals on both layers and security changes, without bodies or credentials", () => {
    expect(AUDIT_CONFIG.enabled).to.equal(true);
    expect(AUDIT_CONFIG.audit).to.deep.include({ enable_rest: true, enable_transport: true, log_request_body: false });
    for (const disabled of [
      AUDIT_CONFIG.audit.disabled_rest_categories,
      AUDIT_CONFIG.audit.disabled_transport_categories,
    ]) {
      expect(disabled).to.not.include.members(["FAILED_LOGIN", "MISSING_PRIVILEGES"]);
      expect(disabled).to.include.members(["GRANTED_PRIVILEGES", "AUTHENTICATED"]);
    }
    // Amazon OpenSearch Service answers 409 to either of these set otherwise.
    expect(AUDIT_CONFIG.audit.exclude_sensitive_headers).to.equal(true);
    expect(AUDIT_CONFIG.compliance).to.deep.include({ enabled: true, internal_config: true, external_config: false });
  });

  const badInputs: [string, unknown, RegExp][] = [
    [
      "an unknown role",
      { ...input().backendRoles, all_access: [INDEXER_ROLE] },
      /backendRoles names all_access, allowed: hotspot_results_writer, hotspot_setup/,
    ],
    ["a missing role", { [SETUP_ROLE]: [SETUP_FUNCTION_ROLE] }, /backendRoles.hotspot_results_writer is missing/],
    [
      "a user instead of a role",
      { ...input().backendRoles, [SETUP_ROLE]: ["arn:aws:iam::123456789012:user/me"] },
      /backendRoles.hotspot_setup has "arn:aws:iam::123456789012:user\/me", allowed: IAM role ARNs/,
    ],
  ];
  for (const [name, backendRoles, message] of badInputs) {
    it(`refuses ${name} in its input before calling the domain`, async () => {
      const domain = fakeDomain(ok);
      let error: Error | undefined;
      try {
        await setUpSearch(domain.clients, { ...input(), backendRoles } as SetupInput, noSleep);
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.match(message);
      expect(domain.calls).to.have.length(0);
    });
  }

  it("waits out 503s of a domain still starting, then goes on", async () => {
    const domain = fakeDomain((call, n) => (n <= 3 ? { status: 503, body: "starting" } : ok(call)));
    const slept: number[] = [];
    await setUpSearch(domain.clients, input(), { retryDelayMs: 7, sleep: async (ms) => void slept.push(ms) });
    expect(slept).to.deep.equal([7, 7, 7]);
    expect(domain.calls).to.have.length(11);
  });

  const failures: [string, (call: Call, n: number) => SearchResponse, RegExp][] = [
    [
      "a master password the domain refuses names the step, the status and the answer",
      (call) => (call.as === "master" ? { status: 401, body: "Unauthorized" } : ok(call)),
      /role hotspot_results_writer failed: PUT \/_plugins\/_security\/api\/roles\/hotspot_results_writer answered 401: Unauthorized/,
    ],
    [
      "a refused template names the step, the status and the answer",
      (call) =>
        call.as === "own"
          ? { status: 403, body: { message: "no permissions for [indices:admin/index_template/put]" } }
          : ok(call),
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
          : ok(call),
      /saved 4 of 5 objects \(visualization taxi-hotspot-map: bad visState\)/,
    ],
  ];
  for (const [name, answer, message] of failures) {
    it(name, async () => {
      const domain = fakeDomain(answer);
      let error: Error | undefined;
      try {
        await setUpSearch(domain.clients, input(), { ...noSleep, attempts: 4 });
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

  it("the master client authenticates with the master user's name and password (HTTP basic), not a signature", async () => {
    const standIn = await startOpenSearchStandIn();
    try {
      const master = masterSearchHttp(standIn.endpoint, MASTER);
      await master.request("PUT", "/_plugins/_security/api/rolesmapping/x", { backend_roles: [] });
      expect(standIn.requests[0].headers.authorization).to.equal(basicAuthorization(MASTER.username, MASTER.password));
      expect(standIn.requests[0].headers["x-amz-date"]).to.equal(undefined);
    } finally {
      await standIn.close();
    }
  });

  it("behind fine-grained access control: the roles it maps let it and the indexer in, and a second run changes nothing", async () => {
    const keys = { setup: "AKIDSETUPEXAMPLE", indexer: "AKIDINDEXEREXAMPLE" };
    const standIn = await startOpenSearchStandIn(undefined, {
      fineGrained: { master: MASTER, signers: { [keys.setup]: SETUP_FUNCTION_ROLE, [keys.indexer]: INDEXER_ROLE } },
    });
    const signedAs = (accessKeyId: string) =>
      signedSearchHttp(standIn.endpoint, "us-east-1", async () => ({ accessKeyId, secretAccessKey: "secret" }));
    const indexer = signedAs(keys.indexer);
    const row = (cell: string) => ({
      eventID: `e-${cell}`,
      kinesis: {
        partitionKey: cell,
        sequenceNumber: cell,
        data: Buffer.from(
          JSON.stringify({
            index: HOTSPOT_INDEX,
            cell,
            location: "40.75,-73.98",
            count: 3,
            windowStart: "2009-01-24T12:00:00",
            windowEnd: "2009-01-24T18:00:00",
          }),
        ).toString("base64"),
      },
    });
    const quiet = { error: () => undefined };
    try {
      // Before the setup: the indexer's role is mapped to nothing, so every row is retried.
      expect(await indexResults([row("dr5ru7")], indexer, quiet)).to.deep.equal({
        batchItemFailures: [{ itemIdentifier: "dr5ru7" }],
      });
      expect(
        (
          await masterSearchHttp(standIn.endpoint, { ...MASTER, password: "wrong" }).request(
            "PUT",
            "/_plugins/_security/api/audit/config",
            {},
          )
        ).status,
      ).to.equal(401);

      const clients = { master: masterSearchHttp(standIn.endpoint, MASTER), own: signedAs(keys.setup) };
      const first = await setUpSearch(clients, input(), noSleep);
      const afterFirst = structuredClone(standIn.security);
      expect(afterFirst.rolesMapping).to.deep.equal({
        [RESULTS_WRITER_ROLE]: { backend_roles: [INDEXER_ROLE], hosts: [], users: [] },
        [SETUP_ROLE]: { backend_roles: [SETUP_FUNCTION_ROLE], hosts: [], users: [] },
      });
      expect(afterFirst.roles).to.deep.equal(SEARCH_ROLES);
      expect(afterFirst.audit).to.deep.equal(AUDIT_CONFIG);

      const firstRequests = standIn.requests.length;
      const second = await setUpSearch(clients, input(), noSleep);
      expect(second).to.deep.equal(first);
      expect(standIn.security).to.deep.equal(afterFirst);
      const methods = standIn.requests.slice(firstRequests).map((r) => `${r.method} ${r.url.split("?")[0]}`);
      expect(methods).to.deep.equal(
        standIn.requests.slice(2, firstRequests).map((r) => `${r.method} ${r.url.split("?")[0]}`),
      );

      // Now mapped: the indexer's rows go in.
      expect(await indexResults([row("dr5ru7")], indexer, quiet)).to.deep.equal({ batchItemFailures: [] });
      // And a request with no credentials at all is 401, as behind the real domain.
      const anonymous = await fetch(`${standIn.endpoint}/_bulk`, { method: "POST", body: "{}\n" });
      expect(anonymous.status).to.equal(401);
    } finally {
      await standIn.close();
    }
  });

  it("the function's handler: the master user from its secret for the security API, its role's signature for the rest", async () => {
    const secretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:search-master-user-a1b2c3";
    const secrets = await startSecretsManagerStandIn({ [secretArn]: JSON.stringify(MASTER) });
    const standIn = await startOpenSearchStandIn(undefined, {
      fineGrained: { master: MASTER, signers: { [STAND_IN_CREDENTIALS.AWS_ACCESS_KEY_ID]: SETUP_FUNCTION_ROLE } },
    });
    try {
      const entry = freshModule<typeof import("../../../runtime/search/setup-entry")>("runtime/search/setup-entry");
      const report = await withEnv(
        {
          ...STAND_IN_CREDENTIALS,
          AWS_SESSION_TOKEN: undefined,
          AWS_REGION: "us-east-1",
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
          SEARCH_ENDPOINT: standIn.endpoint,
          SEARCH_MASTER_USER_SECRET: secretArn,
        },
        () => entry.handle(input(7)),
      );
      expect(report.templates).to.deep.equal([HOTSPOT_INDEX, AIRPORT_INDEX]);
      expect(secrets.calls).to.deep.equal([{ operation: "GetSecretValue", secretId: secretArn, signed: true }]);
      const security = standIn.requests.filter((r) => r.url.startsWith("/_plugins/_security/api/"));
      const own = standIn.requests.filter((r) => !r.url.startsWith("/_plugins/_security/api/"));
      expect(security).to.have.length.greaterThan(0);
      for (const r of security) {
        expect(r.headers.authorization).to.equal(basicAuthorization(MASTER.username, MASTER.password));
      }
      expect(own.map((r) => `${r.method} ${r.url}`)).to.deep.equal([
        `PUT /_index_template/${HOTSPOT_INDEX}`,
        `PUT /_index_template/${AIRPORT_INDEX}`,
        "POST /_dashboards/api/saved_objects/_bulk_create?overwrite=true",
      ]);
      for (const r of own) expect(r.headers.authorization).to.match(sigV4Authorization("stand-in", "us-east-1"));
    } finally {
      await standIn.close();
      await secrets.close();
    }
  });
});
