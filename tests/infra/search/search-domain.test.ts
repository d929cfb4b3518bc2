import { expect } from "chai";
import { readStackConfig, validateConfig } from "../../../infra/config/config";
import { definePipeline, pipelineOutputs } from "../../../infra/pipeline";
import { runProgram } from "../../../infra/plan/run";
import { dashboardsObjects } from "../../../runtime/search/dashboards-objects";
import { AIRPORT_INDEX, HOTSPOT_INDEX } from "../../../runtime/search/indices";
import { RESULTS_WRITER_ROLE, SEARCH_ROLES, SETUP_ROLE } from "../../../runtime/search/search-roles";
import { archiveEntries, expectArchiveContents, invokeArchive, unpackedBytes } from "../../harness/lambda-archive";
import { lambdaRuntimeModules } from "../../harness/lambda-runtime";
import { basicAuthorization, sigV4Authorization, startOpenSearchStandIn } from "../../harness/opensearch-stand-in";
import {
  Recorded,
  roleStatements,
  runPipeline,
  stackConfig,
  TEST_CLIENT_CIDR,
  TEST_PLAIN_HTTP,
} from "../../harness/pulumi";
import { SEARCH_SETUP } from "../../../runtime/search/setup-contract";
import { functionEnvironment, settingsOf } from "../common/part-settings";
import { startSecretsManagerStandIn } from "../../harness/secrets-manager-stand-in";

const DOMAIN = "aws:opensearch/domain:Domain";
const SETUP = "search-setup";
const INDEXER = "search-indexer";
const SECRET = "aws:secretsmanager/secret:Secret";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const LOG_POLICY = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy";

// The wire form of a Pulumi secret, as the mocks record an input.
const SECRET_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A recorded input that must be a Pulumi secret: its value. */
function secretValue(input: unknown): unknown {
  const wire = input as Record<string, unknown>;
  expect(wire?.[SECRET_KEY], "a Pulumi secret").to.equal(SECRET_SIG);
  return wire.value;
}
/** A recorded input that may be a secret (derived from one): its value either way. */
const plain = (input: unknown) =>
  (input as Record<string, unknown>)?.[SECRET_KEY] === SECRET_SIG ? (input as { value: unknown }).value : input;

function setupFunction(recorded: Recorded) {
  return recorded.one("aws:lambda/function:Function", SETUP);
}

interface Statement {
  Effect: string;
  Principal: { AWS: string };
  Action: string[];
  Resource: string;
  Condition?: object;
}

function accessPolicy(recorded: Recorded): { Statement: Statement[] } {
  return JSON.parse(recorded.one("aws:opensearch/domainPolicy:DomainPolicy").inputs.accessPolicies as string);
}

describe("SearchDomain", () => {
  describe("defaults (analytics on)", () => {
    let run: Pick<Awaited<ReturnType<typeof runPipeline>>, "recorded" | "outputs">;
    let calls: { token: string; inputs: Record<string, unknown> }[];
    before(async () => {
      const program = () => pipelineOutputs(definePipeline(readStackConfig()));
      const { mocks, outputs } = await runProgram(program, {
        project: "kinesis-pipeline",
        config: stackConfig({ searchClientCidr: TEST_CLIENT_CIDR, ...TEST_PLAIN_HTTP }),
      });
      run = { recorded: new Recorded(mocks.resources), outputs };
      calls = mocks.calls;
    });

    it("is the newest OpenSearch on one t3.small node with 10 GiB gp3, encrypted, HTTPS with TLS 1.2+ only", () => {
      const domain = run.recorded.one(DOMAIN);
      expect(domain.inputs).to.deep.include({
        engineVersion: "OpenSearch_3.5",
        clusterConfig: { instanceType: "t3.small.search", instanceCount: 1, zoneAwarenessEnabled: false },
        ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: 10 },
        encryptAtRest: { enabled: true },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
      });
      // The access policy is its own resource: a policy on the domain too would fight it.
      expect(domain.inputs.accessPolicies).to.equal(undefined);
    });

    it("runs fine-grained access control: internal users, no anonymous access, the master user from its secret", () => {
      const domain = run.recorded.one(DOMAIN);
      // The whole block is a Pulumi secret: it holds the password (state and plans mask it).
      const security = secretValue(domain.inputs.advancedSecurityOptions) as Record<string, unknown>;
      expect(security).to.include({ enabled: true, anonymousAuthEnabled: false, internalUserDatabaseEnabled: true });
      const master = security.masterUserOptions as Record<string, unknown>;
      const stored = JSON.parse(secretValue(run.recorded.one(SECRET_VERSION).inputs.secretString) as string);
      expect(master.masterUserName).to.equal("search-admin");
      expect(master.masterUserPassword).to.equal(stored.password);
      expect(stored).to.deep.equal({ username: "search-admin", password: stored.password });
    });

    it("generates the master password once with Secrets Manager: 32 characters of every class, kept by the secret", () => {
      const generator = calls.filter((c) => c.token === "aws:secretsmanager/getRandomPassword:getRandomPassword");
      expect(generator).to.have.length(1);
      expect(generator[0].inputs).to.deep.include({ passwordLength: 32, requireEachIncludedType: true });
      expect(generator[0].inputs.excludeCharacters).to.equal("\"'`$\\/@:");
      const version = run.recorded.one(SECRET_VERSION);
      const secret = run.recorded.one(SECRET, "search-master-user");
      expect(version.inputs.secretId).to.equal(secret.state.id);
      // A later deploy generates another value: the secret keeps the first, the domain follows it.
      expect(version.ignoreChanges).to.deep.equal(["secretString"]);
      const { password } = JSON.parse(secretValue(version.inputs.secretString) as string);
      expect(password).to.have.length(32);
      // The default key, aws/secretsmanager: no key of our own to grant.
      expect(secret.inputs.kmsKeyId).to.equal(undefined);
    });

    it("admits the roles granted (signed), the client CIDR and the master user's path to the security API", () => {
      const domain = run.recorded.one(DOMAIN);
      const role = run.recorded.one("aws:iam/role:Role", SETUP);
      const indexer = run.recorded.one("aws:iam/role:Role", INDEXER);
      const paths = `${domain.state.arn}/*`;
      expect(accessPolicy(run.recorded).Statement).to.deep.equal([
        {
          Effect: "Allow",
          Principal: { AWS: role.state.arn },
          Action: ["es:ESHttpPut", "es:ESHttpPost"],
          Resource: paths,
        },
        { Effect: "Allow", Principal: { AWS: indexer.state.arn }, Action: ["es:ESHttpPost"], Resource: paths },
        {
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: ["es:ESHttp*"],
          Resource: paths,
          Condition: { IpAddress: { "aws:SourceIp": [TEST_CLIENT_CIDR] } },
        },
        {
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: ["es:ESHttpPut"],
          Resource: `${domain.state.arn}/_plugins/_security/api/*`,
        },
      ]);
    });

    it("has no unauthenticated path: what the policy lets through unsigned must log in, and only the master may PUT the security API", () => {
      const domain = run.recorded.one(DOMAIN);
      const security = plain(domain.inputs.advancedSecurityOptions) as Record<string, unknown> | undefined;
      // Fine-grained access control asks every request for credentials (401 without them).
      expect(security?.enabled, "fine-grained access control").to.equal(true);
      expect(security?.anonymousAuthEnabled, "anonymous access").to.equal(false);
      for (const statement of accessPolicy(run.recorded).Statement.filter((s) => s.Principal.AWS === "*")) {
        const fromClients =
          JSON.stringify(statement.Condition) === JSON.stringify({ IpAddress: { "aws:SourceIp": [TEST_CLIENT_CIDR] } });
        const securityApi =
          statement.Resource === `${domain.state.arn}/_plugins/_security/api/*` &&
          JSON.stringify(statement.Action) === JSON.stringify(["es:ESHttpPut"]);
        expect(fromClients || securityApi, JSON.stringify(statement)).to.equal(true);
      }
    });

    it("publishes audit and error logs to two log groups with the stack's retention, which only OpenSearch may write", () => {
      const domain = run.recorded.one(DOMAIN);
      const audit = run.recorded.one("aws:cloudwatch/logGroup:LogGroup", "search-audit");
      const errors = run.recorded.one("aws:cloudwatch/logGroup:LogGroup", "search-errors");
      expect([audit.inputs.retentionInDays, errors.inputs.retentionInDays]).to.deep.equal([30, 30]);
      expect(domain.inputs.logPublishingOptions).to.deep.equal([
        { logType: "AUDIT_LOGS", cloudwatchLogGroupArn: audit.state.arn, enabled: true },
        { logType: "ES_APPLICATION_LOGS", cloudwatchLogGroupArn: errors.state.arn, enabled: true },
      ]);
      const policy = run.recorded.one(LOG_POLICY);
      expect(JSON.parse(policy.inputs.policyDocument as string)).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "OpenSearchLogs",
            Effect: "Allow",
            Principal: { Service: "es.amazonaws.com" },
            Action: ["logs:PutLogEvents", "logs:CreateLogStream"],
            Resource: [`${audit.state.arn}:*`, `${errors.state.arn}:*`],
            Condition: {
              StringEquals: { "aws:SourceAccount": "123456789012" },
              ArnLike: { "aws:SourceArn": "arn:aws:es:us-east-1:123456789012:domain/*" },
            },
          },
        ],
      });
      expect(policy.inputs.policyName).to.equal(`${audit.state.name}-publishing`);
      // The service checks the policy when it creates the domain.
      expect(domain.dependsOn).to.include(policy.urn);
    });

    it("gives the setup function's role exactly PUT/POST on the domain's paths, its secret and its own log group", () => {
      const domain = run.recorded.one(DOMAIN);
      const logGroup = run.recorded.one("aws:cloudwatch/logGroup:LogGroup", SETUP);
      const secret = run.recorded.one(SECRET, "search-master-user");
      const statements = roleStatements(run.recorded, SETUP);
      expect(statements).to.have.deep.members([
        { Sid: "SearchHttp", Action: ["es:ESHttpPut", "es:ESHttpPost"], Resource: [`${domain.state.arn}/*`] },
        { Sid: "MasterUserSecret", Action: ["secretsmanager:GetSecretValue"], Resource: [secret.state.arn] },
        { Sid: "Logs", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroup.state.arn}:*`] },
      ]);
      expect(logGroup.inputs.retentionInDays).to.equal(30);
      expect(
        roleStatements(run.recorded, INDEXER)
          .map((s) => s.Action)
          .flat(),
      ).to.not.include("secretsmanager:GetSecretValue");
    });

    it("invokes the setup function, once its grants and the access policy exist, with the roles to map", () => {
      const invocation = run.recorded.one("aws:lambda/invocation:Invocation", SETUP);
      const indexer = run.recorded.one("aws:iam/role:Role", INDEXER);
      const setup = run.recorded.one("aws:iam/role:Role", SETUP);
      expect(JSON.parse(invocation.inputs.input as string)).to.deep.equal({
        replicas: 0,
        geohashPrecision: 6,
        backendRoles: { [RESULTS_WRITER_ROLE]: [indexer.state.arn], [SETUP_ROLE]: [setup.state.arn] },
      });
      expect(invocation.inputs.functionName).to.equal(setupFunction(run.recorded).state.name);
      const setupGrants = run.recorded
        .all("aws:iam/rolePolicy:RolePolicy")
        .filter((p) => p.name === SETUP || p.name === `${SETUP}-master-user`);
      expect(setupGrants).to.have.length(2);
      expect(invocation.dependsOn).to.include.members([
        run.recorded.one("aws:opensearch/domainPolicy:DomainPolicy").urn,
        ...setupGrants.map((p) => p.urn),
      ]);
    });

    it("outputs the Dashboards URL and the secret holding its login", () => {
      const domain = run.recorded.one(DOMAIN);
      expect(run.outputs.dashboardsUrl).to.equal(`https://${domain.state.dashboardEndpoint}`);
      expect(run.outputs.dashboardsUrl).to.match(/^https:\/\/\S+\/_dashboards$/);
      expect(run.outputs.searchMasterUserSecretArn).to.equal(run.recorded.one(SECRET, "search-master-user").state.arn);
    });

    it("ships the setup code and only opensearch-js, and it secures and sets up a domain from what it holds", async () => {
      const fn = setupFunction(run.recorded);
      const domain = run.recorded.one(DOMAIN);
      const secret = run.recorded.one(SECRET, "search-master-user");
      expect(fn.inputs).to.include({ runtime: "nodejs22.x", handler: "__index.handler", timeout: 180 });
      // As the function reads it: its contract's variables, through the runtime's reader (Lambda sets the region).
      expect(settingsOf(SEARCH_SETUP, functionEnvironment(fn))).to.deep.equal({
        SEARCH_ENDPOINT: domain.state.endpoint,
        AWS_REGION: "us-east-1",
        SEARCH_MASTER_USER_SECRET: secret.state.arn,
      });
      const assets = await archiveEntries(fn);
      // Its own dependencies come along; nothing of the services, the SDK or the tools.
      expectArchiveContents(assets, ["@opensearch-project/opensearch"]);
      expect(unpackedBytes(assets)).to.be.below(10 * 1024 * 1024);

      // The archive alone, with the SDK the Lambda runtime provides, against stand-ins of
      // Secrets Manager and of a domain behind fine-grained access control.
      const stored = secretValue(run.recorded.one(SECRET_VERSION).inputs.secretString) as string;
      const master = JSON.parse(stored) as { username: string; password: string };
      const setupRole = run.recorded.one("aws:iam/role:Role", SETUP).state.arn as string;
      const secrets = await startSecretsManagerStandIn({ [secret.state.arn as string]: stored });
      const standIn = await startOpenSearchStandIn(undefined, {
        fineGrained: { master, signers: { AKIDEXAMPLE: setupRole } },
      });
      const sdk = lambdaRuntimeModules(["@aws-sdk/client-secrets-manager"]);
      try {
        const event = JSON.parse(run.recorded.one("aws:lambda/invocation:Invocation", SETUP).inputs.input as string);
        const report = await invokeArchive(assets, event, {
          NODE_PATH: sdk.nodePath,
          SEARCH_ENDPOINT: standIn.endpoint,
          SEARCH_MASTER_USER_SECRET: secret.state.arn as string,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
          AWS_REGION: "us-east-1",
          AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
          AWS_SECRET_ACCESS_KEY: "secret",
        });
        expect(report).to.deep.equal({
          roles: [RESULTS_WRITER_ROLE, SETUP_ROLE],
          roleMappings: event.backendRoles,
          auditLogs: "enabled",
          templates: [HOTSPOT_INDEX, AIRPORT_INDEX],
          savedObjects: dashboardsObjects(6).map((o) => `${o.type}/${o.id}`),
        });
        expect(secrets.calls).to.deep.equal([
          { operation: "GetSecretValue", secretId: secret.state.arn, signed: true },
        ]);
        expect(standIn.security.roles).to.deep.equal(SEARCH_ROLES);
        expect(Object.keys(standIn.security.rolesMapping)).to.deep.equal([RESULTS_WRITER_ROLE, SETUP_ROLE]);
        expect(standIn.security.audit).to.include({ enabled: true });
        const security = standIn.requests.filter((r) => r.url.startsWith("/_plugins/_security/api/"));
        const own = standIn.requests.filter((r) => !r.url.startsWith("/_plugins/_security/api/"));
        expect(security).to.have.length(5);
        for (const r of security)
          expect(r.headers.authorization).to.equal(basicAuthorization(master.username, master.password));
        expect(own.map((r) => `${r.method} ${r.url}`)).to.deep.equal([
          `PUT /_index_template/${HOTSPOT_INDEX}`,
          `PUT /_index_template/${AIRPORT_INDEX}`,
          "POST /_dashboards/api/saved_objects/_bulk_create?overwrite=true",
        ]);
        for (const r of own) expect(r.headers.authorization).to.match(sigV4Authorization("AKIDEXAMPLE", "us-east-1"));
      } finally {
        sdk.remove();
        await standIn.close();
        await secrets.close();
      }
    });
  });

  describe("configured", () => {
    it("two nodes spread over two zones with a replica per index; another OpenSearch version", async () => {
      const { recorded } = await runPipeline({
        searchInstanceCount: "2",
        searchEngineVersion: "OpenSearch_2.19",
        searchInstanceType: "m7g.large.search",
        searchVolumeGb: "50",
        hotspotGeohashPrecision: "7",
      });
      expect(recorded.one(DOMAIN).inputs).to.deep.include({
        engineVersion: "OpenSearch_2.19",
        clusterConfig: {
          instanceType: "m7g.large.search",
          instanceCount: 2,
          zoneAwarenessEnabled: true,
          zoneAwarenessConfig: { availabilityZoneCount: 2 },
        },
        ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: 50 },
      });
      expect(plain(recorded.one(DOMAIN).inputs.advancedSecurityOptions)).to.include({ enabled: true });
      expect(
        JSON.parse(recorded.one("aws:lambda/invocation:Invocation", SETUP).inputs.input as string),
      ).to.deep.include({
        replicas: 1,
        geohashPrecision: 7,
      });
    });

    it("analytics false: no domain, no secret, no log groups for it, no setup function, no outputs", async () => {
      const { recorded, outputs } = await runPipeline({ analytics: "false", searchClientCidr: "" });
      for (const type of [DOMAIN, SECRET, SECRET_VERSION, LOG_POLICY]) {
        expect(recorded.all(type), type).to.have.length(0);
      }
      expect(recorded.all("aws:lambda/invocation:Invocation").map((i) => i.name)).not.to.include(SETUP);
      expect(outputs.dashboardsUrl).to.equal(undefined);
      expect(outputs.searchMasterUserSecretArn).to.equal(undefined);
    });
  });

  describe("config", () => {
    const problems = (raw: Record<string, string>) => {
      const result = validateConfig({ searchClientCidr: TEST_CLIENT_CIDR, ...TEST_PLAIN_HTTP, ...raw });
      return result.ok ? [] : result.problems;
    };

    const cidrs: [string, boolean][] = [
      ["203.0.113.7/32", true],
      ["198.51.100.0/24", true],
      ["172.16.0.0/16", true],
      ["172.16.0.0/15", false],
      ["10.0.0.0/8", false],
      ["0.0.0.0/1", false],
      ["128.0.0.0/1", false],
      ["0.0.0.0/0", false],
      ["203.0.113.7/33", false],
      ["203.0.113.7", false],
    ];
    for (const [cidr, accepted] of cidrs) {
      it(`searchClientCidr ${cidr}: ${accepted ? "accepted" : "refused, naming the value and the allowed range"}`, () => {
        expect(problems({ searchClientCidr: cidr })).to.deep.equal(
          accepted
            ? []
            : [
                "searchClientCidr must be one IPv4 CIDR block from /16 to /32 (wider blocks span many networks), " +
                  `e.g. 203.0.113.7/32 (your address: curl https://checkip.amazonaws.com), got ${cidr}`,
              ],
        );
      });
    }

    const instanceTypes: [string, boolean][] = [
      ["t3.small.search", true],
      ["t3.medium.search", true],
      ["r7g.large.search", true],
      ["or1.medium.search", true],
      ["t2.small.search", false],
      ["m3.medium.search", false],
      ["r3.large.search", false],
    ];
    for (const [type, accepted] of instanceTypes) {
      it(`searchInstanceType ${type}: ${accepted ? "runs" : "cannot run"} fine-grained access control`, () => {
        expect(problems({ searchInstanceType: type })).to.deep.equal(
          accepted
            ? []
            : [
                "searchInstanceType must be an OpenSearch instance type that runs fine-grained access control " +
                  `(not t2, m3, r3), such as t3.small.search or r7g.large.search, got ${type}`,
              ],
        );
      });
    }
  });
});
