/**
 * The pieces of the IAM check, by tables: a recorded name to the plan's name, which recorded
 * calls count for a planned part, each call's IAM requests, and the simulator's verdicts on
 * the grants that matter (a schema version fetched by id, the stream's key, an action the
 * Service Authorization Reference gives no resource type).
 */
import { expect } from "chai";

import { TracedCall } from "../../runtime/common/aws/call-trace";
import { BridgeError, bridgeNames } from "./bridge";
import { iamRequests, MappingError, PlannedNames } from "./iam-requests";
import { defaultKeyPolicy, PolicyDocument, PolicyStatement } from "./policy-document";
import { undeclaredCalls } from "./declared-calls";
import { modesOf } from "./parts";
import { Deployable, eventSettings } from "./plan-view";
import { counts, ungrantedCalls } from "./role-check";
import { PROCESSING } from "../../runtime/processing/service-contract";
import { INGEST } from "../../runtime/ingest/contract";
import { simulate } from "./simulate";

const ACCOUNT = "123456789012";
const STREAM = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/trips`;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0a0b0c0d-0000-4000-8000-000000000001`;
const REGISTRY = `arn:aws:glue:us-east-1:${ACCOUNT}:registry/pipeline`;
const SCHEMA = `arn:aws:glue:us-east-1:${ACCOUNT}:schema/pipeline/taxi-trip`;

const DOMAIN = `arn:aws:es:us-east-1:${ACCOUNT}:domain/search`;
const ENDPOINT = "search-abc.us-east-1.es.amazonaws.com";
const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:search-master-user-a1b2c3`;
/** A domain's access policy as infra/search/search-domain.ts writes it: the role signed, the security API open. */
const DOMAIN_POLICY: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/part` },
      Action: ["es:ESHttpPut", "es:ESHttpPost"],
      Resource: `${DOMAIN}/*`,
    },
    {
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["es:ESHttpPut"],
      Resource: `${DOMAIN}/_plugins/_security/api/*`,
    },
  ],
};

function planned(names: Record<string, string>, extra: Partial<PlannedNames> = {}): PlannedNames {
  return {
    region: "us-east-1",
    account: ACCOUNT,
    names,
    streamKey: (arn) => (arn === STREAM ? { keyArn: KEY, keyPolicy: defaultKeyPolicy(ACCOUNT) } : undefined),
    domainArn: (endpoint) => (endpoint === ENDPOINT ? DOMAIN : undefined),
    domainPolicy: (endpoint) => (endpoint === ENDPOINT ? DOMAIN_POLICY : undefined),
    ...extra,
  };
}

const role = (...statements: Omit<PolicyStatement, "Effect">[]) => ({
  roleArn: `arn:aws:iam::${ACCOUNT}:role/part`,
  account: ACCOUNT,
  policies: [
    {
      name: "part-policy",
      document: { Version: "2012-10-17", Statement: statements.map((s) => ({ Effect: "Allow" as const, ...s })) },
    },
  ],
});

describe("IAM check: from a recorded name to the plan's", () => {
  const recorded = { STREAM_NAME: "processing-test-1", SCHEMA_REGISTRY_NAME: "local-registry" };
  const plan = { STREAM_NAME: "stream-abc", SCHEMA_REGISTRY_NAME: "kinesis-pipeline-dev" };

  it("a name equal to a setting's value becomes the plan's value of that setting", () => {
    expect(bridgeNames({ StreamName: "processing-test-1" }, recorded, plan)).to.deep.equal([
      { StreamName: "stream-abc" },
    ]);
  });
  it("a schema version id passes as it is: IAM does not scope to it", () => {
    expect(bridgeNames({ SchemaVersionId: "0a0b" }, recorded, plan)).to.deep.equal([{ SchemaVersionId: "0a0b" }]);
  });
  it("an S3 object's key passes as it is and its bucket is bridged: the part makes its keys the same way on AWS", () => {
    expect(
      bridgeNames(
        { Bucket: "lake-local", Key: "tables/records/tenant=acme/x.parquet" },
        { LAKE_BUCKET: "lake-local" },
        { LAKE_BUCKET: "lake-6f021f0" },
      ),
    ).to.deep.equal([{ Bucket: "lake-6f021f0", Key: "tables/records/tenant=acme/x.parquet" }]);
  });
  it("a name from a list setting (the schemas of a setup event) stands for the call on each of the plan's", () => {
    const event = { "event.registryName": "test-registry", "event.schemas[].name": ["trip", "weather"] };
    const stack = {
      "event.registryName": "kinesis-pipeline-dev",
      "event.schemas[].name": ["taxi-trip", "weather-report"],
    };
    expect(
      bridgeNames({ "SchemaId.RegistryName": "test-registry", "SchemaId.SchemaName": "weather" }, event, stack),
    ).to.deep.equal([
      { "SchemaId.RegistryName": "kinesis-pipeline-dev", "SchemaId.SchemaName": "taxi-trip" },
      { "SchemaId.RegistryName": "kinesis-pipeline-dev", "SchemaId.SchemaName": "weather-report" },
    ]);
  });
  it("a name that is no setting's value fails, naming the settings it looked in", () => {
    expect(() => bridgeNames({ StreamName: "other" }, recorded, plan)).to.throw(
      BridgeError,
      'StreamName "other" is the value of none of the part\'s settings (STREAM_NAME, SCHEMA_REGISTRY_NAME)',
    );
  });
  it("a setting the plan does not give the part fails", () => {
    expect(() => bridgeNames({ StreamName: "processing-test-1" }, recorded, {})).to.throw(
      BridgeError,
      "StreamName comes from STREAM_NAME, which the plan does not set for this part",
    );
  });
});

describe("IAM check: the settings a function's event gives it in the plan", () => {
  it("each text field, and each text field of a list's objects as a list; nothing else", () => {
    const event = {
      registryName: "kinesis-pipeline-dev",
      compatibility: "BACKWARD",
      schemas: [
        { name: "taxi-trip", provenance: { file: "schemas/taxi-trip.json" } },
        { name: "weather-report", provenance: { file: "schemas/weather-report.json" } },
      ],
      replicas: 0,
      backendRoles: { writer: ["arn"] },
    };
    expect(eventSettings(event)).to.deep.equal({
      "event.registryName": "kinesis-pipeline-dev",
      "event.compatibility": "BACKWARD",
      "event.schemas[].name": ["taxi-trip", "weather-report"],
    });
    expect(eventSettings("not an object")).to.deep.equal({});
  });
});

describe("IAM check: which recorded calls count for a planned part", () => {
  const call = (service: string, env: Record<string, string>): TracedCall => ({
    run: "r",
    part: "processing",
    env,
    service,
    operation: "X",
    names: {},
  });
  const settings = new Set(["STREAM_NAME", "RETRIEVAL_MODE", "CONSUMER_ARN", "CREATE_LEASE_TABLE"]);
  const CASES: [string, TracedCall, Record<string, string>, boolean][] = [
    ["the same retrieval mode", call("Kinesis", { RETRIEVAL_MODE: "polling" }), { RETRIEVAL_MODE: "polling" }, true],
    ["another retrieval mode", call("Kinesis", { RETRIEVAL_MODE: "polling" }), { RETRIEVAL_MODE: "fanout" }, false],
    ["the mode's default on both sides", call("Kinesis", {}), {}, true],
    [
      "a mode that decides another service",
      call("Glue", { RETRIEVAL_MODE: "polling" }),
      { RETRIEVAL_MODE: "fanout" },
      true,
    ],
    ["the local table creation", call("DynamoDB", {}), { CREATE_LEASE_TABLE: "false" }, false],
    [
      "the stack's table handling",
      call("DynamoDB", { CREATE_LEASE_TABLE: "false" }),
      { CREATE_LEASE_TABLE: "false" },
      true,
    ],
    ["a setting the plan gives, unset in the plan", call("Glue", { CONSUMER_ARN: "arn" }), {}, false],
    ["a local-only setting (the plan never gives it)", call("Glue", { KINESIS_ENDPOINT: "http://x" }), {}, true],
  ];
  for (const [what, c, plan, expected] of CASES) {
    it(`${what}: ${expected ? "counts" : "does not count"}`, () =>
      expect(counts(c, plan, settings)).to.equal(expected));
  }
});

describe("IAM check: a part's modes, from its contract's calls", () => {
  it("each variable a call's condition compares with a value, deciding the services of those calls", () => {
    expect(modesOf(PROCESSING)).to.deep.equal({
      RETRIEVAL_MODE: { default: "polling", decides: ["Kinesis"] },
      CREATE_LEASE_TABLE: { default: "true", decides: ["DynamoDB"] },
    });
    // SCHEMA_NAME and SCHEMA_REGISTRY_NAME only need to be set: they name what the calls act on.
    expect(modesOf(INGEST)).to.deep.equal({
      SCHEMA_AUTO_REGISTER: { default: "false", decides: ["Glue"] },
      // Keys on: the tenants table's GetItem.
      INGEST_AUTH: { default: "apiKeys", decides: ["DynamoDB"] },
    });
  });
});

describe("IAM check: every recorded call is one its part's contract declares", () => {
  const STREAM = "processing-test-1";
  const call = (part: TracedCall["part"], c: Partial<TracedCall>): TracedCall => ({
    run: "r",
    part,
    env: {},
    service: "Kinesis",
    operation: "X",
    names: {},
    ...c,
  });
  const CASES: [string, TracedCall, boolean][] = [
    [
      "a polling worker's GetRecords on its stream",
      call("processing", {
        operation: "GetRecords",
        env: { STREAM_NAME: STREAM, RETRIEVAL_MODE: "polling" },
        names: { StreamName: STREAM },
      }),
      true,
    ],
    [
      "GetRecords where the contract says the worker subscribes instead",
      call("processing", {
        operation: "GetRecords",
        env: { STREAM_NAME: STREAM, RETRIEVAL_MODE: "fanout" },
        names: { StreamName: STREAM },
      }),
      false,
    ],
    [
      "an action the contract never declares",
      call("processing", { operation: "PutRecord", env: { STREAM_NAME: STREAM }, names: { StreamName: STREAM } }),
      false,
    ],
    [
      "a declared action on a resource the contract does not name for it",
      call("processing", {
        service: "DynamoDB",
        operation: "Scan",
        env: { STREAM_NAME: STREAM, APPLICATION_NAME: "app" },
        names: { TableName: STREAM },
      }),
      false,
    ],
    [
      "a schema version by its id, naming no resource: declared on *",
      call("ingest", {
        service: "Glue",
        operation: "GetSchemaVersion",
        env: { SCHEMA_NAME: "trip", SCHEMA_REGISTRY_NAME: "reg" },
        names: { SchemaVersionId: "0a0b" },
      }),
      true,
    ],
    [
      "the search setup's PUT as the master user: declared unsigned",
      call("searchSetupLambda", {
        service: "es",
        operation: "PUT",
        env: { SEARCH_ENDPOINT: "http://x" },
        names: { Endpoint: "http://x" },
        path: "/_plugins/_security/api/roles/r",
        auth: "basic",
      }),
      true,
    ],
    [
      "a GET as the master user, which the contract does not declare",
      call("searchSetupLambda", {
        service: "es",
        operation: "GET",
        env: { SEARCH_ENDPOINT: "http://x" },
        names: { Endpoint: "http://x" },
        path: "/_plugins/_security/api/roles/r",
        auth: "basic",
      }),
      false,
    ],
    ["a call of the local stack, never deployed", call("local", { operation: "CreateStream" }), true],
  ];
  for (const [what, c, declared] of CASES) {
    it(`${what}: ${declared ? "declared" : "refused"}`, () =>
      expect(undeclaredCalls([c])).to.have.lengthOf(declared ? 0 : 1));
  }
  it("the refusal names the part, the call, the action and where to declare it", () => {
    expect(undeclaredCalls([CASES[2][1]])).to.deep.equal([
      "processing called Kinesis PutRecord (kinesis:PutRecord) on stream with STREAM_NAME set, " +
        "which its contract does not declare in that environment: add the call to its contract",
    ]);
  });
});

describe("IAM check: every call a part's contract declares for its planned environment is granted", () => {
  const deployable: Deployable = {
    kind: "task",
    name: "processing",
    part: "processing",
    roleArn: "arn:aws:iam::123456789012:role/processing",
    env: { RETRIEVAL_MODE: "polling", CREATE_LEASE_TABLE: "false", SCHEMA_REGISTRY_NAME: "reg" },
    variables: {},
  };
  const roleWith = (...actions: string[]) => ({
    name: "processing-task",
    arn: deployable.roleArn,
    usedFor: [],
    policies: [
      {
        name: "p",
        document: { Version: "2012-10-17", Statement: [{ Effect: "Allow" as const, Action: actions, Resource: "*" }] },
      },
    ],
  });
  const polling = [
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
    "dynamodb:Scan",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "glue:GetSchemaVersion",
  ];
  it("all of them granted: nothing to say (a wildcard grant counts)", () => {
    expect(ungrantedCalls(deployable, roleWith(...polling))).to.deep.equal([]);
    expect(ungrantedCalls(deployable, roleWith("kinesis:*", "dynamodb:*", "glue:*"))).to.deep.equal([]);
  });
  it("one missing: named, with the resource the contract says it acts on", () => {
    expect(ungrantedCalls(deployable, roleWith(...polling.filter((a) => a !== "dynamodb:UpdateItem")))).to.deep.equal([
      "processing (task processing, role processing-task): its contract declares dynamodb:UpdateItem on leaseTable, " +
        "which no policy of the role grants",
    ]);
  });
  it("only the calls of the planned environment: a fan-out worker needs SubscribeToShard, not GetRecords", () => {
    const fanout = { ...deployable, env: { ...deployable.env, RETRIEVAL_MODE: "fanout" } };
    expect(
      ungrantedCalls(fanout, roleWith(...polling)).map((p) => p.split(": its contract declares ")[1]),
    ).to.deep.equal(["kinesis:SubscribeToShard on consumer, which no policy of the role grants"]);
  });
});

describe("IAM check: the IAM requests of a call", () => {
  it("GetRecords: the stream, and kms:Decrypt on its key with the stream as encryption context", () => {
    expect(iamRequests("Kinesis", "GetRecords", planned({ StreamName: "trips" }))).to.deep.equal([
      { action: "kinesis:GetRecords", resource: STREAM },
      {
        action: "kms:Decrypt",
        resource: KEY,
        context: { "kms:EncryptionContext:aws:kinesis:arn": STREAM },
        resourcePolicy: defaultKeyPolicy(ACCOUNT),
        via: "Kinesis uses the stream's key for the call",
        behalf: true,
      },
    ]);
  });
  it("PutObject and GetObject: the object's ARN, bucket and key", () => {
    const names = { Bucket: "lake-b", Key: "segments/shardId-1/5.json" };
    expect(iamRequests("S3", "PutObject", planned(names))).to.deep.equal([
      { action: "s3:PutObject", resource: "arn:aws:s3:::lake-b/segments/shardId-1/5.json" },
    ]);
    expect(iamRequests("S3", "GetObject", planned(names))).to.deep.equal([
      { action: "s3:GetObject", resource: "arn:aws:s3:::lake-b/segments/shardId-1/5.json" },
    ]);
  });
  it("HeadObject is GetObject and PutObjectTagging its own action on the object; ListObjectsV2 is ListBucket on the bucket", () => {
    const names = { Bucket: "lake-b", Key: "tables/records/tenant=acme/date=2026-12-07/hour=05/x.parquet" };
    const object = `arn:aws:s3:::lake-b/${names.Key}`;
    expect(iamRequests("S3", "HeadObject", planned(names))).to.deep.equal([
      { action: "s3:GetObject", resource: object },
    ]);
    expect(iamRequests("S3", "PutObjectTagging", planned(names))).to.deep.equal([
      { action: "s3:PutObjectTagging", resource: object },
    ]);
    expect(iamRequests("S3", "ListObjectsV2", planned({ Bucket: "lake-b" }))).to.deep.equal([
      { action: "s3:ListBucket", resource: "arn:aws:s3:::lake-b" },
    ]);
  });
  it("GetSchemaVersion by schema: the registry and the schema; by version id: *", () => {
    const bySchema = planned({ "SchemaId.RegistryName": "pipeline", "SchemaId.SchemaName": "taxi-trip" });
    expect(iamRequests("Glue", "GetSchemaVersion", bySchema).map((r) => r.resource)).to.deep.equal([REGISTRY, SCHEMA]);
    expect(iamRequests("Glue", "GetSchemaVersion", planned({ SchemaVersionId: "0a0b" }))).to.deep.equal([
      { action: "glue:GetSchemaVersion", resource: "*" },
    ]);
  });
  it("the schema setup's calls: on the registry and the schema; CheckSchemaVersionValidity, which names neither, on *", () => {
    const bySchema = planned({ "SchemaId.RegistryName": "pipeline", "SchemaId.SchemaName": "taxi-trip" });
    for (const operation of [
      "RegisterSchemaVersion",
      "GetSchemaVersionsDiff",
      "DeleteSchemaVersions",
      "QuerySchemaVersionMetadata",
      "PutSchemaVersionMetadata",
    ]) {
      expect(iamRequests("Glue", operation, bySchema), operation).to.deep.equal([
        { action: `glue:${operation}`, resource: REGISTRY },
        { action: `glue:${operation}`, resource: SCHEMA },
      ]);
    }
    expect(iamRequests("Glue", "CheckSchemaVersionValidity", planned({}))).to.deep.equal([
      { action: "glue:CheckSchemaVersionValidity", resource: "*" },
    ]);
  });
  it("GetSecretValue: the secret's ARN; a secret named by its bare name cannot be mapped", () => {
    expect(iamRequests("Secrets Manager", "GetSecretValue", planned({ SecretId: SECRET }))).to.deep.equal([
      { action: "secretsmanager:GetSecretValue", resource: SECRET },
    ]);
    expect(() =>
      iamRequests("Secrets Manager", "GetSecretValue", planned({ SecretId: "search-master-user" })),
    ).to.throw(MappingError, "names the secret search-master-user by name");
  });
  it("OpenSearch: a signed request is the role's; one with basic authentication is anonymous, for the domain's policy", () => {
    const put = (auth?: "basic") =>
      iamRequests("es", "PUT", planned({ Endpoint: ENDPOINT }, { path: "/_plugins/_security/api/roles/x", auth }));
    expect(put()).to.deep.equal([{ action: "es:ESHttpPut", resource: `${DOMAIN}/_plugins/_security/api/roles/x` }]);
    expect(put("basic")).to.deep.equal([
      {
        action: "es:ESHttpPut",
        resource: `${DOMAIN}/_plugins/_security/api/roles/x`,
        anonymous: true,
        resourcePolicy: DOMAIN_POLICY,
        via: "unsigned (the master user's basic authentication): the domain's access policy must admit it",
      },
    ]);
  });
  it("an operation without a mapping fails, saying where to add it", () => {
    expect(() => iamRequests("Kinesis", "MergeShards", planned({ StreamName: "trips" }))).to.throw(
      MappingError,
      "no IAM mapping for Kinesis MergeShards: add it to tests/iam/iam-requests.ts",
    );
  });
});

describe("IAM check: the simulator's verdicts", function () {
  this.timeout(10_000);
  const byId = { action: "glue:GetSchemaVersion", resource: "*" };

  it("GetSchemaVersion by version id is refused by a grant scoped to the registry and its schemas", async () => {
    const verdict = await simulate(
      byId,
      role({ Sid: "SchemaRead", Action: ["glue:GetSchemaVersion"], Resource: [REGISTRY, SCHEMA] }),
    );
    expect(verdict.allowed).to.equal(false);
    expect(verdict.why).to.equal(
      `no statement allows it there: part-policy (Sid SchemaRead) grants it on ${REGISTRY}, ${SCHEMA}`,
    );
  });
  it("GetSchemaVersion by version id is allowed by the grant on *", async () => {
    expect(await simulate(byId, role({ Action: "glue:GetSchemaVersion", Resource: "*" }))).to.deep.equal({
      allowed: true,
    });
  });

  const decrypt = (stream: string) => ({
    action: "kms:Decrypt",
    resource: KEY,
    context: { "kms:EncryptionContext:aws:kinesis:arn": stream },
    resourcePolicy: defaultKeyPolicy(ACCOUNT),
  });
  const keyGrant = {
    Action: "kms:Decrypt",
    Resource: KEY,
    Condition: { StringEquals: { "kms:EncryptionContext:aws:kinesis:arn": STREAM } },
  };
  it("the key, granted for the stream's encryption context: allowed for that stream only", async () => {
    expect((await simulate(decrypt(STREAM), role(keyGrant))).allowed).to.equal(true);
    expect((await simulate(decrypt(`${STREAM}-other`), role(keyGrant))).allowed).to.equal(false);
  });

  it("UpdateShardCount: no resource type in the Service Authorization Reference, so a grant on the stream is refused", async () => {
    const request = { action: "kinesis:UpdateShardCount", resource: STREAM };
    const scoped = await simulate(
      request,
      role({ Sid: "Stream", Action: "kinesis:UpdateShardCount", Resource: STREAM }),
    );
    expect(scoped.allowed).to.equal(false);
    expect(scoped.why).to.match(/gives kinesis:UpdateShardCount no resource type, so only Resource "\*" allows it/);
    expect(await simulate(request, role({ Action: "kinesis:UpdateShardCount", Resource: "*" }))).to.deep.equal({
      allowed: true,
    });
  });

  it("an unsigned request: the domain's policy admits PUT on the security API for anyone, nothing else; the role's grants have no say", async () => {
    const anonymous = (action: string, path: string) => ({
      action,
      resource: `${DOMAIN}${path}`,
      anonymous: true as const,
      resourcePolicy: DOMAIN_POLICY,
    });
    const everything = role({ Action: "es:ESHttp*", Resource: `${DOMAIN}/*` });
    expect(await simulate(anonymous("es:ESHttpPut", "/_plugins/_security/api/roles/x"), everything)).to.deep.equal({
      allowed: true,
    });
    for (const [action, path] of [
      ["es:ESHttpGet", "/_plugins/_security/api/roles/x"],
      ["es:ESHttpPut", "/_index_template/hotspots"],
    ]) {
      const verdict = await simulate(anonymous(action, path), everything);
      expect(verdict.allowed, `${action} ${path}`).to.equal(false);
      expect(verdict.why).to.match(/does not admit it for an anonymous caller/);
    }
  });

  it("a request for an action nothing grants names the role's policies", async () => {
    const verdict = await simulate(
      { action: "kinesis:PutRecords", resource: STREAM },
      role({ Action: "kinesis:ListShards", Resource: STREAM }),
    );
    expect(verdict).to.deep.equal({
      allowed: false,
      why: "no policy of the role grants kinesis:PutRecords (its policies: part-policy)",
    });
  });
});
