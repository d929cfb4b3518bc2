import { expect } from "chai";
import { validateConfig } from "../../../infra/config/config";
import {
  ELB_LOG_ACCOUNTS,
  ELB_LOG_DELIVERY_SERVICE,
  ELB_LOG_SERVICE_REGIONS,
  logDeliveryPrincipal,
} from "../../../infra/ingest/elb-log-delivery";
import { MOCK_ACCOUNT } from "../../../infra/plan/mocks";
import { runPipeline, TEST_CLIENT_CIDR, TEST_PLAIN_HTTP } from "../../harness/pulumi";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
const ALB = "awsx:lb:ApplicationLoadBalancer";
const BUCKET = "aws:s3/bucket:Bucket";

async function accessLogs(values: Record<string, string> = {}, region?: string) {
  const { recorded } = await runPipeline(values, region ? { config: { "aws:region": region } } : {});
  const bucket = recorded.one(BUCKET, "ingest-access-logs");
  const of = (type: string) => recorded.all(type).filter((r) => r.inputs.bucket === bucket.state.id);
  const [policy] = of("aws:s3/bucketPolicy:BucketPolicy");
  const [lifecycle] = of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
  return { recorded, bucket, policy, lifecycle, alb: recorded.one(ALB) };
}

describe("ingest access logs", () => {
  describe("with default config (us-east-1)", () => {
    let logs: Awaited<ReturnType<typeof accessLogs>>;
    before(async () => {
      logs = await accessLogs();
    });

    it("the load balancer writes access logs under the ingest/ prefix of their own bucket", () => {
      expect(logs.alb.inputs.accessLogs).to.deep.equal({
        bucket: logs.bucket.state.bucket,
        prefix: "ingest",
        enabled: true,
      });
    });

    it("the load balancer waits for the bucket policy (it writes a test object when logging starts)", () => {
      expect(logs.alb.dependsOn).to.include(logs.policy.urn);
    });

    it("the bucket policy lets us-east-1's ELB account put objects under this account's prefix, and nothing else", () => {
      const { Statement } = JSON.parse(logs.policy.inputs.policy as string);
      expect(Statement.slice(1)).to.deep.equal([
        {
          Sid: "LoadBalancerLogDelivery",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::127311923021:root" },
          Action: ["s3:PutObject"],
          Resource: [`${logs.bucket.state.arn}/ingest/AWSLogs/${MOCK_ACCOUNT}/*`],
        },
      ]);
    });

    it("logs expire after 90 days", () => {
      expect(logs.lifecycle.inputs.rules).to.deep.equal([
        { id: "expire-access-logs", status: "Enabled", filter: { prefix: "ingest/" }, expiration: { days: 90 } },
      ]);
    });

    it("the load balancer drops invalid header fields", () => {
      expect(logs.alb.inputs.dropInvalidHeaderFields).to.equal(true);
    });
  });

  it("in a region launched since August 2022 the log delivery service principal writes the logs", async () => {
    const { policy, bucket } = await accessLogs({}, "eu-central-2");
    const { Statement } = JSON.parse(policy.inputs.policy as string);
    expect(Statement[1]).to.deep.include({
      Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
      Resource: [`${bucket.state.arn}/ingest/AWSLogs/${MOCK_ACCOUNT}/*`],
    });
  });

  it("ingestAccessLogDays sets the expiry; values outside 1..3650 are refused, naming the key", async () => {
    const { lifecycle } = await accessLogs({ ingestAccessLogDays: "7" });
    expect(lifecycle.inputs.rules).to.have.nested.property("[0].expiration.days", 7);
    for (const bad of ["0", "3651", "ninety"]) {
      const result = validateConfig({
        searchClientCidr: TEST_CLIENT_CIDR,
        ...TEST_PLAIN_HTTP,
        ingestAccessLogDays: bad,
      });
      expect(result.ok ? [] : result.problems).to.deep.equal([
        `ingestAccessLogDays must be an integer from 1 to 3650, got ${bad}`,
      ]);
    }
  });

  it("with TLS and without tenants, no listener serves plain HTTP: every HTTP listener redirects to HTTPS on 443", async () => {
    // With tenants (the default) port 80 refuses instead: ingest-service.test.ts.
    const { alb } = await accessLogs({
      certificateArn: CERT,
      ingestDomainName: "ingest.example.com",
      ingestAuth: "none",
    });
    const listeners = alb.inputs.listeners as { protocol: string; defaultActions?: unknown[] }[];
    const http = listeners.filter((l) => l.protocol === "HTTP");
    expect(http).to.have.length.greaterThan(0);
    for (const l of http) {
      expect(l.defaultActions).to.deep.equal([
        { type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } },
      ]);
    }
    expect(listeners.some((l) => l.protocol === "HTTPS")).to.equal(true);
  });

  describe("log delivery principal by region", () => {
    const cases: [string, object][] = [
      ["us-east-1", { AWS: "arn:aws:iam::127311923021:root" }],
      ["eu-west-1", { AWS: "arn:aws:iam::156460612806:root" }],
      ["ap-southeast-3", { AWS: "arn:aws:iam::589379963580:root" }],
      ["sa-east-1", { AWS: "arn:aws:iam::507241528517:root" }],
      ["ap-south-2", { Service: ELB_LOG_DELIVERY_SERVICE }],
      ["eu-central-2", { Service: ELB_LOG_DELIVERY_SERVICE }],
      ["il-central-1", { Service: ELB_LOG_DELIVERY_SERVICE }],
      ["mx-central-1", { Service: ELB_LOG_DELIVERY_SERVICE }],
    ];
    for (const [region, principal] of cases) {
      it(`${region}: ${JSON.stringify(principal)}`, () => {
        expect(logDeliveryPrincipal(region)).to.deep.equal(principal);
      });
    }

    it("no region is in both lists, and every ELB account id is 12 digits", () => {
      expect(Object.keys(ELB_LOG_ACCOUNTS).filter((r) => ELB_LOG_SERVICE_REGIONS.includes(r))).to.deep.equal([]);
      for (const id of Object.values(ELB_LOG_ACCOUNTS)) expect(id).to.match(/^\d{12}$/);
    });

    it("refuses a region it does not know, naming it and the regions it knows", () => {
      expect(() => logDeliveryPrincipal("eu-west-9")).to.throw(
        /region "eu-west-9".*Known regions: af-south-1, .*us-west-2/s,
      );
      expect(() => logDeliveryPrincipal("us-gov-west-1")).to.throw(/us-gov-west-1/);
    });

    it("a stack in an unknown region fails its preview with that error", async () => {
      let error: unknown;
      try {
        await runPipeline({}, { config: { "aws:region": "eu-west-9" } });
      } catch (e) {
        error = e;
      }
      expect(String(error)).to.match(/access logs cannot be delivered in region "eu-west-9"/);
    });
  });
});
