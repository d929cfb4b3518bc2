import { expect } from "chai";
import { dashboardsObjects } from "../../runtime/search/dashboards-objects";
import { AIRPORT_INDEX, HOTSPOT_INDEX } from "../../runtime/search/indices";
import { archiveEntries, expectArchiveContents, invokeArchive, unpackedBytes } from "../harness/lambda-archive";
import { sigV4Authorization, startOpenSearchStandIn } from "../harness/opensearch-stand-in";
import { Recorded, roleStatements, runPipeline, TEST_CLIENT_CIDR } from "../harness/pulumi";

const DOMAIN = "aws:opensearch/domain:Domain";
const SETUP = "search-setup";

function setupFunction(recorded: Recorded) {
  return recorded.one("aws:lambda/function:Function", SETUP);
}

function accessPolicy(recorded: Recorded) {
  return JSON.parse(recorded.one("aws:opensearch/domainPolicy:DomainPolicy").inputs.accessPolicies as string) as {
    Statement: { Effect: string; Principal: { AWS: string }; Action: string[]; Resource: string; Condition?: object }[];
  };
}

describe("SearchDomain", () => {
  describe("defaults (analytics on)", () => {
    let run: Awaited<ReturnType<typeof runPipeline>>;
    before(async () => {
      run = await runPipeline();
    });

    it("is the newest OpenSearch on one t3.small node with 10 GiB gp3, encrypted, HTTPS with TLS 1.2+ only", () => {
      const domain = run.recorded.one(DOMAIN);
      expect(domain.inputs).to.deep.include({
        engineVersion: "OpenSearch_3.3",
        clusterConfig: { instanceType: "t3.small.search", instanceCount: 1, zoneAwarenessEnabled: false },
        ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: 10 },
        encryptAtRest: { enabled: true },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
      });
      // The access policy is its own resource: a policy on the domain too would fight it.
      expect(domain.inputs.accessPolicies).to.equal(undefined);
    });

    it("admits the client CIDR, the setup function's role and the indexer's, nobody else", () => {
      const domain = run.recorded.one(DOMAIN);
      const role = run.recorded.one("aws:iam/role:Role", SETUP);
      const indexer = run.recorded.one("aws:iam/role:Role", "search-indexer");
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
      ]);
    });

    it("gives the setup function's role exactly PUT/POST on the domain's paths and its own log group", () => {
      const domain = run.recorded.one(DOMAIN);
      const logGroup = run.recorded.one("aws:cloudwatch/logGroup:LogGroup", SETUP);
      const statements = roleStatements(run.recorded, SETUP);
      expect(statements).to.have.deep.members([
        { Sid: "SearchHttp", Action: ["es:ESHttpPut", "es:ESHttpPost"], Resource: [`${domain.state.arn}/*`] },
        { Sid: "Logs", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroup.state.arn}:*`] },
      ]);
      expect(logGroup.inputs.retentionInDays).to.equal(30);
    });

    it("invokes the setup function with the job's precision and no replicas on one node", () => {
      const invocation = run.recorded.one("aws:lambda/invocation:Invocation", SETUP);
      expect(JSON.parse(invocation.inputs.input as string)).to.deep.equal({ replicas: 0, geohashPrecision: 6 });
      expect(invocation.inputs.functionName).to.equal(setupFunction(run.recorded).state.name);
    });

    it("outputs the Dashboards URL", () => {
      const domain = run.recorded.one(DOMAIN);
      expect(run.outputs.dashboardsUrl).to.equal(`https://${domain.state.dashboardEndpoint}`);
      expect(run.outputs.dashboardsUrl).to.match(/^https:\/\/\S+\/_dashboards$/);
    });

    it("ships the setup code and only opensearch-js, small, and it sets up a domain from what it holds", async () => {
      const fn = setupFunction(run.recorded);
      const domain = run.recorded.one(DOMAIN);
      expect(fn.inputs).to.include({ runtime: "nodejs22.x", handler: "__index.handler", timeout: 180 });
      expect(fn.inputs.environment).to.deep.equal({ variables: { SEARCH_ENDPOINT: domain.state.endpoint } });
      const assets = await archiveEntries(fn);
      // Its own dependencies come along; nothing of the services, the SDK or the tools.
      expectArchiveContents(assets, ["@opensearch-project/opensearch"]);
      expect(unpackedBytes(assets)).to.be.below(10 * 1024 * 1024);

      // The archive alone, against a stand-in domain: templates put, objects saved, signed.
      const standIn = await startOpenSearchStandIn();
      try {
        const report = await invokeArchive(
          assets,
          { replicas: 0, geohashPrecision: 6 },
          {
            SEARCH_ENDPOINT: standIn.endpoint,
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
            AWS_SECRET_ACCESS_KEY: "secret",
          },
        );
        expect(report).to.deep.equal({
          templates: [HOTSPOT_INDEX, AIRPORT_INDEX],
          savedObjects: dashboardsObjects(6).map((o) => `${o.type}/${o.id}`),
        });
        expect(standIn.requests.map((r) => `${r.method} ${r.url}`)).to.deep.equal([
          `PUT /_index_template/${HOTSPOT_INDEX}`,
          `PUT /_index_template/${AIRPORT_INDEX}`,
          "POST /_dashboards/api/saved_objects/_bulk_create?overwrite=true",
        ]);
        for (const r of standIn.requests)
          expect(r.headers.authorization).to.match(sigV4Authorization("AKIDEXAMPLE", "us-east-1"));
      } finally {
        await standIn.close();
      }
    });
  });

  describe("configured", () => {
    it("two nodes spread over two zones with a replica per index; Elasticsearch_7.10 accepted", async () => {
      const { recorded } = await runPipeline({
        searchInstanceCount: "2",
        searchEngineVersion: "Elasticsearch_7.10",
        searchInstanceType: "m7g.large.search",
        searchVolumeGb: "50",
        hotspotGeohashPrecision: "7",
      });
      expect(recorded.one(DOMAIN).inputs).to.deep.include({
        engineVersion: "Elasticsearch_7.10",
        clusterConfig: {
          instanceType: "m7g.large.search",
          instanceCount: 2,
          zoneAwarenessEnabled: true,
          zoneAwarenessConfig: { availabilityZoneCount: 2 },
        },
        ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: 50 },
      });
      expect(JSON.parse(recorded.one("aws:lambda/invocation:Invocation", SETUP).inputs.input as string)).to.deep.equal({
        replicas: 1,
        geohashPrecision: 7,
      });
    });

    it("analytics off: no domain, no setup function, no Dashboards URL", async () => {
      const { recorded, outputs } = await runPipeline({ analytics: "off", searchClientCidr: "" });
      expect(recorded.all(DOMAIN)).to.have.length(0);
      expect(recorded.all("aws:lambda/invocation:Invocation").map((i) => i.name)).not.to.include(SETUP);
      expect(outputs.dashboardsUrl).to.equal(undefined);
    });
  });
});
