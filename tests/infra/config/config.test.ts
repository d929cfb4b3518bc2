import { expect } from "chai";
import { validateConfig } from "../../../infra/config/config";
import { runPipeline, TEST_CLIENT_CIDR, TEST_PLAIN_HTTP } from "../../harness/pulumi";

/** Every stack with analytics on needs a client CIDR: the tables below vary the other keys. */
const validate = (raw: Record<string, string>) =>
  validateConfig({ searchClientCidr: TEST_CLIENT_CIDR, ...TEST_PLAIN_HTTP, ...raw });

const ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
const ZONE = "Z0123456789ABCDEFGHIJ";
/** 64 characters: the longest common name a certificate can have. */
const NAME_64 = `${"a".repeat(60)}.com`;

describe("stack config", () => {
  describe("defaults", () => {
    it("gives a 4-shard provisioned stream, 24 h retention, a stack-created key and no tags", () => {
      const result = validate({});
      expect(result.ok && result.config.stream).to.deep.equal({
        mode: "PROVISIONED",
        shardCount: 4,
        retentionHours: 24,
        kmsKeyArn: undefined,
        // The scaler is on, between 1 and four times the shard count.
        scaler: { minShards: 1, maxShards: 16, targetUsagePercent: 50, dryRun: false, reservedConcurrency: false },
      });
      expect(result.ok && result.config.tags).to.deep.equal({});
    });

    it("gives one NAT gateway and a Kinesis endpoint, an open HTTP ingest of 2..10 half-vCPU tasks with tenants' keys, and 30-day logs", () => {
      const result = validate({});
      expect(result.ok && result.config.network).to.deep.equal({
        natGateways: 1,
        flowLogs: true,
        streamVpcEndpoint: true,
      });
      expect(result.ok && result.config.ingest).to.deep.equal({
        schema: undefined,
        tenants: { recordsPerSecond: 1000, bytesPerSecond: 1024 * 1024, metricsFor: [], deletionProtection: true },
        // What validate() says for every test here, as the dev example does.
        allowPlainHttp: true,
        allowedCidrs: ["0.0.0.0/0"],
        domain: undefined,
        ackMode: "durable",
        cpu: 512,
        memory: 1024,
        minTasks: 2,
        maxTasks: 10,
        accessLogDays: 90,
      });
      expect(result.ok && result.config.services).to.deep.equal({
        scaleOutCooldownSeconds: 60,
        scaleInCooldownSeconds: 300,
      });
      expect(result.ok && result.config.logRetentionDays).to.equal(30);
    });

    it("treats the empty defaults Pulumi.yaml declares as unset", () => {
      const result = validate({
        shardCount: "",
        kmsKeyArn: "",
        tags: "{}",
        streamMode: "PROVISIONED",
        retentionHours: "24",
      });
      expect(result.ok && result.config.stream).to.deep.equal({
        mode: "PROVISIONED",
        shardCount: 4,
        retentionHours: 24,
        kmsKeyArn: undefined,
        // The scaler is on, between 1 and four times the shard count.
        scaler: { minShards: 1, maxShards: 16, targetUsagePercent: 50, dryRun: false, reservedConcurrency: false },
      });
    });
  });

  describe("valid values", () => {
    const table: [Record<string, string>, object][] = [
      [{ shardCount: "1" }, { shardCount: 1 }],
      [{ shardCount: "10000" }, { shardCount: 10000 }],
      [{ streamMode: "ON_DEMAND" }, { mode: "ON_DEMAND", shardCount: undefined }],
      [{ retentionHours: "8760" }, { retentionHours: 8760 }],
      [{ kmsKeyArn: ARN }, { kmsKeyArn: ARN }],
      [
        { kmsKeyArn: "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab" },
        { kmsKeyArn: "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab" },
      ],
    ];
    for (const [raw, expected] of table) {
      it(`accepts ${JSON.stringify(raw)}`, () => {
        const result = validate(raw);
        if (!result.ok) throw new Error(result.problems.join("\n"));
        expect(result.config.stream).to.include(expected);
      });
    }

    it("accepts ingest settings: CIDR lists, a domain with its certificate, sizes Fargate offers", () => {
      const result = validate({
        ingestAllowedCidrs: '["203.0.113.0/24","10.0.0.0/8"]',
        ingestDomainName: "ingest.example.com",
        certificateArn: CERT,
        ingestCpu: "256",
        ingestMemory: "2048",
        ingestMinTasks: "3",
        ingestMaxTasks: "3",
        natGateways: "2",
      });
      if (!result.ok) throw new Error(result.problems.join("\n"));
      expect(result.config.ingest).to.include({ cpu: 256, memory: 2048, minTasks: 3, maxTasks: 3 });
      expect(result.config.ingest.allowedCidrs).to.deep.equal(["203.0.113.0/24", "10.0.0.0/8"]);
      expect(result.config.ingest.domain).to.deep.equal({
        name: "ingest.example.com",
        hostedZoneId: undefined,
        certificateArn: CERT,
      });
      expect(result.config.network.natGateways).to.equal(2);
    });

    it("accepts tags as a JSON object of strings", () => {
      const result = validate({ tags: '{"team":"data","cost-center":"42 / east"}' });
      expect(result.ok && result.config.tags).to.deep.equal({ team: "data", "cost-center": "42 / east" });
    });
  });

  describe("every bad value is named with what is allowed", () => {
    const table: [Record<string, string>, string][] = [
      [{ shardCount: "0" }, "shardCount must be an integer from 1 to 10000, got 0"],
      [
        { flinkConnectorJar: "http://mirror.example.com/connector.jar" },
        "flinkConnectorJar must be an https:// URL or a file path, ending in .jar, got http://mirror.example.com/connector.jar",
      ],
      [
        { flinkConnectorJar: "connector.zip" },
        "flinkConnectorJar must be an https:// URL or a file path, ending in .jar",
      ],
      [{ shardCount: "10001" }, "shardCount must be an integer from 1 to 10000, got 10001"],
      [{ shardCount: "2.5" }, "shardCount must be an integer from 1 to 10000, got 2.5"],
      [{ shardCount: "four" }, "shardCount must be an integer from 1 to 10000, got four"],
      [{ streamMode: "on-demand" }, "streamMode must be one of PROVISIONED, ON_DEMAND, got on-demand"],
      [{ retentionHours: "23" }, "retentionHours must be an integer from 24 to 8760, got 23"],
      [{ retentionHours: "8761" }, "retentionHours must be an integer from 24 to 8760, got 8761"],
      [
        { kmsKeyArn: "alias/my-key" },
        "kmsKeyArn must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/<key id> (not an alias: grants need the key ARN), got alias/my-key",
      ],
      [{ tags: "team=data" }, "tags must be a JSON object of string values"],
      [{ tags: '["a"]' }, "got '[\"a\"]'"],
      [{ tags: '{"aws:owner":"x"}' }, 'keys not starting with "aws:"'],
      [{ tags: '{"n":1}' }, "tags must be a JSON object of string values"],
      [{ tags: JSON.stringify({ ["k".repeat(129)]: "v" }) }, "keys 1..128"],
      [
        { tags: JSON.stringify(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]))) },
        "at most 50 tags",
      ],
      [{ tags: '{"team":"data<script>"}' }, "tags must be"],
      [
        { streamMode: "ON_DEMAND", shardCount: "8" },
        "shardCount must not be set when streamMode is ON_DEMAND (AWS sizes on-demand streams), got 8: run `pulumi config rm shardCount` or set streamMode to PROVISIONED",
      ],
      [{ shardCnt: "3" }, "shardCnt is not a config key of this project (did you mean shardCount?)"],
      [{ natGateways: "0" }, "natGateways must be an integer from 1 to 2, got 0"],
      [{ ingestAllowedCidrs: '["10.0.0.0/33"]' }, "ingestAllowedCidrs must be a list of 1..60 IPv4 CIDR blocks"],
      [
        { ingestAllowedCidrs: "10.0.0.0/8" },
        'ingestAllowedCidrs must be a list of 1..60 IPv4 CIDR blocks, e.g. ["203.0.113.0/24"], got 10.0.0.0/8',
      ],
      [{ ingestAllowedCidrs: "[]" }, "ingestAllowedCidrs must be a list of 1..60"],
      [
        { certificateArn: "arn:aws:iam::123456789012:server-certificate/x", ingestDomainName: "ingest.example.com" },
        "certificateArn must be an ACM certificate ARN",
      ],
      [
        { certificateArn: CERT },
        `certificateArn needs ingestDomainName, got ${CERT} alone: no certificate can cover the load balancer's own name (*.elb.amazonaws.com), so HTTPS is served under a name of yours. pulumi config set ingestDomainName <the name the certificate covers>, or pulumi config rm certificateArn for HTTP`,
      ],
      [
        { ingestHostedZoneId: ZONE },
        `ingestHostedZoneId needs ingestDomainName (the name to create in that zone), got ${ZONE} alone: pulumi config set ingestDomainName ingest.<the zone's domain>, or pulumi config rm ingestHostedZoneId`,
      ],
      [
        { ingestDomainName: "ingest.example.com" },
        "ingestDomainName needs a certificate for HTTPS, got ingest.example.com without one: pulumi config set ingestHostedZoneId <its Route 53 public hosted zone> (the stack requests and validates a certificate there), or pulumi config set certificateArn <an ACM certificate that covers it>; or pulumi config rm ingestDomainName for HTTP on the load balancer's own name",
      ],
      [
        { ingestDomainName: `x${NAME_64}`, ingestHostedZoneId: ZONE },
        `ingestDomainName must be at most 64 characters for a certificate the stack requests (ACM's limit on a common name), got 65 (x${NAME_64}): use a shorter name, or set certificateArn to a certificate that carries it as an alternative name`,
      ],
      [
        { ingestDomainName: "Ingest.Example.com", certificateArn: CERT },
        "ingestDomainName must be a DNS name in lowercase, e.g. ingest.example.com, got Ingest.Example.com",
      ],
      [
        { ingestDomainName: "ingest.example.com.", certificateArn: CERT },
        "ingestDomainName must be a DNS name without the trailing dot (ACM refuses it), e.g. ingest.example.com, got ingest.example.com.",
      ],
      [
        { ingestDomainName: "*.example.com", certificateArn: CERT },
        "ingestDomainName must be one host name, not a wildcard, e.g. ingest.example.com, got",
      ],
      [
        { ingestDomainName: "localhost", certificateArn: CERT },
        "ingestDomainName must be a DNS name such as ingest.example.com: two or more labels of a-z, 0-9 and hyphens (not at either end), 1..63 characters each, at most 253 in all, got localhost",
      ],
      [
        { ingestDomainName: "-ingest.example.com", certificateArn: CERT },
        "ingestDomainName must be a DNS name such as",
      ],
      [
        { ingestDomainName: "ingest-.example.com", certificateArn: CERT },
        "ingestDomainName must be a DNS name such as",
      ],
      [
        { ingestDomainName: "ingest..example.com", certificateArn: CERT },
        "ingestDomainName must be a DNS name such as",
      ],
      [
        { ingestDomainName: "in_gest.example.com", certificateArn: CERT },
        "ingestDomainName must be a DNS name such as",
      ],
      [{ ingestDomainName: "203.0.113.7", certificateArn: CERT }, "ingestDomainName must be a DNS name such as"],
      [
        { ingestDomainName: `${"a".repeat(64)}.example.com`, certificateArn: CERT },
        "ingestDomainName must be a DNS name such as",
      ],
      [
        { ingestDomainName: Array.from({ length: 4 }, () => "a".repeat(63)).join(".") + ".com", certificateArn: CERT },
        "at most 253 in all",
      ],
      [
        { ingestDomainName: "ingest-1a2b3c4d.us-east-1.elb.amazonaws.com", certificateArn: CERT },
        "ingestDomainName must be a name in a domain of your own (ACM issues no certificate for names under amazonaws.com), e.g. ingest.example.com, got ingest-1a2b3c4d.us-east-1.elb.amazonaws.com",
      ],
      [{ ingestDomainName: "d111111abcdef8.cloudfront.net", certificateArn: CERT }, "names under cloudfront.net"],
      [
        { ingestDomainName: "ingest.example.com", ingestHostedZoneId: "/hostedzone/Z0123456789ABCDEFGHIJ" },
        "ingestHostedZoneId must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (without /hostedzone/; find it with aws route53 list-hosted-zones-by-name), got /hostedzone/Z0123456789ABCDEFGHIJ",
      ],
      [
        { ingestDomainName: "ingest.example.com", ingestHostedZoneId: "z0123456789abcdefghij" },
        "ingestHostedZoneId must be a Route 53 hosted zone id",
      ],
      [
        { ingestDomainName: "ingest.example.com", ingestHostedZoneId: `Z${"A".repeat(32)}` },
        "ingestHostedZoneId must be a Route 53 hosted zone id",
      ],
      [{ ingestAckMode: "fast" }, "ingestAckMode must be one of durable, buffered, got fast"],
      [{ ingestAuth: "keys" }, "ingestAuth must be one of apiKeys, none, got keys"],
      [{ ingestAllowPlainHttp: "false" }, "ingestAuth apiKeys sends a tenant's API key with every request"],
      [{ tenantRecordsPerSecond: "0" }, "tenantRecordsPerSecond must be an integer from 1 to 10000000, got 0"],
      [{ tenantBytesPerSecond: "100" }, "tenantBytesPerSecond must be an integer from 1024 to 10737418240, got 100"],
      [{ tenantMetrics: '["Acme"]' }, "tenantMetrics must be a JSON array of at most 20 distinct tenant ids"],
      [{ tenantMetrics: '["a","a"]' }, "tenantMetrics must be a JSON array of at most 20 distinct tenant ids"],
      [
        { tenantMetrics: JSON.stringify(Array.from({ length: 21 }, (_, i) => `t${i}`)) },
        "tenantMetrics must be a JSON array of at most 20",
      ],
      [{ tenantsDeletionProtection: "off" }, "tenantsDeletionProtection must be true or false"],
      [{ ingestCpu: "300" }, "ingestCpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384, got 300"],
      [
        { ingestCpu: "256", ingestMemory: "4096" },
        "ingestMemory must suit ingestCpu: with CPU 256, memory must be 512, 1024, 2048 MiB, got 4096",
      ],
      [
        { ingestCpu: "1024", ingestMemory: "1024" },
        "with CPU 1024, memory must be 2048..8192 in steps of 1024 MiB, got 1024",
      ],
      [{ ingestMinTasks: "5", ingestMaxTasks: "3" }, "ingestMaxTasks must be at least ingestMinTasks (5), got 3"],
      [{ ingestMinTasks: "0" }, "ingestMinTasks must be an integer from 1 to 100, got 0"],
      [{ scaleInCooldownSeconds: "-1" }, "scaleInCooldownSeconds must be an integer from 0 to 3600, got -1"],
      [{ logRetentionDays: "10" }, "logRetentionDays must be one of 1, 3, 5, 7, 14, 30"],
      [{ ingestSchema: "taxi" }, "ingestSchema must be one of taxi-trip, weather-report, got taxi"],
      [
        { ingestSchema: "taxi-trip" },
        "ingestSchema must be unset while analytics is true (the hot-spot job reads plain JSON trips, not the schema registry's wire format), got taxi-trip",
      ],
      [{ analytics: "yes" }, "analytics must be true or false (for yes, write true), got yes"],
      [{ searchClientCidr: "0.0.0.0/1" }, "searchClientCidr must be one IPv4 CIDR block from /16 to /32"],
      [{ searchClientCidr: "203.0.113.7" }, "(your address: curl https://checkip.amazonaws.com), got 203.0.113.7"],
      [{ searchClientCidr: '["203.0.113.7/32"]' }, "searchClientCidr must be one IPv4 CIDR block"],
      [{ searchEngineVersion: "OpenSearch_3" }, "searchEngineVersion must be OpenSearch_<major>.<minor>"],
      [
        { searchEngineVersion: "Elasticsearch_7.10" },
        "Elasticsearch engines are not supported), got Elasticsearch_7.10",
      ],
      [{ searchInstanceType: "t3.small" }, "searchInstanceType must be an OpenSearch instance type"],
      [{ searchInstanceCount: "0" }, "searchInstanceCount must be an integer from 1 to 80, got 0"],
      [
        { searchInstanceCount: "3" },
        "searchInstanceCount must be 1 or an even number (two or more nodes spread over two availability zones, the same number in each), got 3",
      ],
      [{ searchVolumeGb: "9" }, "searchVolumeGb must be an integer from 10 to 24576, got 9"],
      [
        { hotspotWindowMinutes: "7" },
        "hotspotWindowMinutes must be an integer from 1 to 1440 that divides 1440 (windows tile a day), got 7",
      ],
      [
        { hotspotWindowMinutes: "0" },
        "hotspotWindowMinutes must be an integer from 1 to 1440 that divides 1440 (windows tile a day), got 0",
      ],
      [
        { hotspotGeohashPrecision: "13" },
        "hotspotGeohashPrecision must be an integer from 1 to 12 (geohash length), got 13",
      ],
      [{ hotspotMinTrips: "0" }, "hotspotMinTrips must be an integer from 1 to 1000000, got 0"],
      [{ shardCount: "8", minShards: "9" }, "minShards must be at most the shard count (8), got 9"],
      [{ shardCount: "8", maxShards: "7" }, "maxShards must be at least the shard count (8), got 7"],
      [{ maxShards: "10001" }, "maxShards must be an integer from 1 to 10000, got 10001"],
      [{ shardScaler: "auto" }, "shardScaler must be true or false, got auto"],
      [{ shardScalerDryRun: "yes" }, "shardScalerDryRun must be true or false (for yes, write true), got yes"],
      [{ flinkParallelismPerKpu: "9" }, "flinkParallelismPerKpu must be an integer from 1 to 8, got 9"],
      [{ flinkParallelism: "0" }, "flinkParallelism must be an integer from 1 to 512, got 0"],
      [
        { flinkParallelism: "65", flinkParallelismPerKpu: "1", flinkScaler: "false" },
        "flinkParallelism must fit in 64 KPUs at flinkParallelismPerKpu 1 (at most 64), got 65",
      ],
      [{ flinkAutoScaling: "yes" }, "flinkAutoScaling must be true or false (for yes, write true), got yes"],
      [
        { flinkAutoScaling: "true" },
        "flinkAutoScaling must be false while flinkScaler is true (two autoscalers would fight over the parallelism), got true",
      ],
      [
        { flinkParallelism: "4", flinkMinParallelism: "5" },
        "flinkMinParallelism must be at most flinkParallelism (4), got 5",
      ],
      [
        { flinkParallelism: "4", flinkMaxParallelism: "3" },
        "flinkMaxParallelism must be at least flinkParallelism (4), got 3",
      ],
      [{ flinkScalerDryRun: "maybe" }, "flinkScalerDryRun must be true or false, got maybe"],
      [
        { scalerReservedConcurrency: "1" },
        "scalerReservedConcurrency must be true or false (for 1, write true), got 1",
      ],
      [{ flinkScaleOutBehindMs: "500" }, "flinkScaleOutBehindMs must be an integer from 1000 to 3600000, got 500"],
      [{ flinkScaleOutPeriods: "0" }, "flinkScaleOutPeriods must be an integer from 1 to 60, got 0"],
      [{ flinkInitialPosition: "EARLIEST" }, "flinkInitialPosition must be one of TRIM_HORIZON, LATEST, got EARLIEST"],
      [{ analyticsBucketForceDestroy: "TRUE" }, "analyticsBucketForceDestroy must be true or false, got TRUE"],
    ];
    for (const [raw, message] of table) {
      it(`refuses ${JSON.stringify(raw).slice(0, 80)}`, () => {
        const result = validate(raw);
        expect(result.ok, "should be refused").to.equal(false);
        if (result.ok) return;
        expect(result.problems).to.have.lengthOf(1);
        expect(result.problems[0]).to.contain(message);
      });
    }
  });

  describe("tenants at ingest", () => {
    it("apiKeys by default: the table's limits and metrics from the config, plain HTTP only when said so", () => {
      const result = validate({ tenantMetrics: '["acme"]', tenantRecordsPerSecond: "50" });
      expect(result.ok && result.config.ingest).to.deep.include({
        tenants: { recordsPerSecond: 50, bytesPerSecond: 1024 * 1024, metricsFor: ["acme"], deletionProtection: true },
        allowPlainHttp: true,
      });
    });

    it("HTTPS needs no say-so; none turns tenants off and needs none either", () => {
      const cases: Record<string, string>[] = [
        {
          ingestAllowPlainHttp: "false",
          ingestDomainName: "ingest.example.com",
          ingestHostedZoneId: "Z0123456789ABCDEFGHIJ",
        },
        { ingestAllowPlainHttp: "false", ingestAuth: "none" },
      ];
      for (const raw of cases) {
        const result = validate(raw);
        expect(result.ok ? [] : result.problems, JSON.stringify(raw)).to.deep.equal([]);
      }
      const none = validate({ ingestAuth: "none" });
      expect(none.ok && none.config.ingest.tenants).to.equal(undefined);
    });
  });

  describe("ingest domain", () => {
    const domainOf = (raw: Record<string, string>) => {
      const result = validate(raw);
      return result.ok ? result.config.ingest.domain : result.problems;
    };
    const table: [Record<string, string>, object][] = [
      [
        { ingestDomainName: "ingest.example.com", ingestHostedZoneId: ZONE },
        { name: "ingest.example.com", hostedZoneId: ZONE, certificateArn: undefined },
      ],
      [
        { ingestDomainName: "ingest.example.com", certificateArn: CERT },
        { name: "ingest.example.com", hostedZoneId: undefined, certificateArn: CERT },
      ],
      [
        { ingestDomainName: "ingest.example.com", ingestHostedZoneId: ZONE, certificateArn: CERT },
        { name: "ingest.example.com", hostedZoneId: ZONE, certificateArn: CERT },
      ],
      [
        { ingestDomainName: NAME_64, ingestHostedZoneId: ZONE },
        { name: NAME_64, hostedZoneId: ZONE, certificateArn: undefined },
      ],
      // Longer than a common name: fine in a certificate of the user's as an alternative name.
      [
        { ingestDomainName: `x${NAME_64}`, certificateArn: CERT },
        { name: `x${NAME_64}`, hostedZoneId: undefined, certificateArn: CERT },
      ],
      [
        { ingestDomainName: "xn--bcher-kva.example", ingestHostedZoneId: "Z1" },
        { name: "xn--bcher-kva.example", hostedZoneId: "Z1", certificateArn: undefined },
      ],
    ];
    for (const [raw, expected] of table) {
      it(`accepts ${JSON.stringify(raw).slice(0, 90)}`, () => {
        expect(domainOf(raw)).to.deep.equal(expected);
      });
    }

    it("is unset by default and with the empty strings Pulumi.yaml declares", () => {
      expect(domainOf({})).to.equal(undefined);
      expect(domainOf({ ingestDomainName: "", ingestHostedZoneId: "", certificateArn: "" })).to.equal(undefined);
    });

    it("tells a misspelt name without a certificate both what to fix and what it lacks", () => {
      const problems = domainOf({ ingestDomainName: "Ingest.Example.com" }) as string[];
      expect(problems.map((p) => p.split(",")[0])).to.deep.equal([
        "ingestDomainName must be a DNS name in lowercase",
        "ingestDomainName needs a certificate for HTTPS",
      ]);
    });

    it("lists every problem of a certificate and a zone without a name at once", () => {
      const problems = domainOf({ certificateArn: CERT, ingestHostedZoneId: ZONE }) as string[];
      expect(problems.map((p) => p.split(",")[0])).to.deep.equal([
        "certificateArn needs ingestDomainName",
        "ingestHostedZoneId needs ingestDomainName (the name to create in that zone)",
      ]);
    });
  });

  describe("shard scaler", () => {
    const scalerOf = (raw: Record<string, string>) => {
      const result = validate(raw);
      return result.ok ? result.config.stream.scaler : result.problems;
    };
    it("defaults to four times the shard count, capped at the stream limit", () => {
      expect(scalerOf({ shardCount: "2" })).to.deep.equal({
        minShards: 1,
        maxShards: 8,
        targetUsagePercent: 50,
        dryRun: false,
        reservedConcurrency: false,
      });
      expect(scalerOf({ shardCount: "5000" })).to.deep.equal({
        minShards: 1,
        maxShards: 10000,
        targetUsagePercent: 50,
        dryRun: false,
        reservedConcurrency: false,
      });
    });
    it("takes the bounds, the target usage and dry-run as set", () => {
      expect(
        scalerOf({
          shardCount: "8",
          minShards: "2",
          maxShards: "64",
          shardScalerTargetUsage: "60",
          shardScalerDryRun: "true",
        }),
      ).to.deep.equal({
        minShards: 2,
        maxShards: 64,
        targetUsagePercent: 60,
        dryRun: true,
        reservedConcurrency: false,
      });
    });
    it("reserves concurrency for both scalers only when scalerReservedConcurrency is true", () => {
      const result = validate({ scalerReservedConcurrency: "true" });
      expect(result.ok && result.config.stream.scaler?.reservedConcurrency).to.equal(true);
      expect(result.ok && result.config.analytics?.flink.scaler?.reservedConcurrency).to.equal(true);
    });
    it("refuses a target usage outside 30..70 percent, naming the value and the range", () => {
      const problems = scalerOf({ shardScalerTargetUsage: "80" });
      expect(problems).to.be.an("array");
      expect((problems as string[]).join("\n")).to.equal(
        "shardScalerTargetUsage must be an integer from 30 to 70, got 80",
      );
    });
    it("is off when asked, and for on-demand streams (AWS sizes those)", () => {
      expect(scalerOf({ shardScaler: "false" })).to.equal(undefined);
      expect(scalerOf({ streamMode: "ON_DEMAND" })).to.equal(undefined);
    });
  });

  describe("analytics", () => {
    it("defaults: on, the newest OpenSearch on one t3.small node with 10 GiB, the job's defaults", () => {
      const result = validate({});
      expect(result.ok && result.config.analytics).to.deep.equal({
        search: {
          clientCidr: TEST_CLIENT_CIDR,
          engineVersion: "OpenSearch_3.5",
          instanceType: "t3.small.search",
          instanceCount: 1,
          volumeGb: 10,
        },
        flink: {
          parallelism: 1,
          parallelismPerKpu: 1,
          autoScaling: false,
          initialPosition: "TRIM_HORIZON",
          bucketForceDestroy: false,
          scaler: {
            minParallelism: 1,
            maxParallelism: 8,
            behindMs: 60_000,
            outPeriods: 3,
            dryRun: false,
            reservedConcurrency: false,
          },
        },
        job: { windowMinutes: 360, geohashPrecision: 6, minTrips: 3, outOfOrdernessSeconds: 300 },
      });
    });

    it("needs searchClientCidr while true, and says how to find it or set analytics false", () => {
      const result = validateConfig({ ...TEST_PLAIN_HTTP });
      expect(result.ok).to.equal(false);
      expect(!result.ok && result.problems).to.deep.equal([
        "searchClientCidr must be set when analytics is true: the IPv4 CIDR whose browsers may open OpenSearch Dashboards, " +
          "e.g. pulumi config set searchClientCidr 203.0.113.7/32 (your address: curl https://checkip.amazonaws.com); " +
          "or pulumi config set analytics false",
      ]);
    });

    it("false: no CIDR needed and no analytics config", () => {
      const result = validateConfig({ analytics: "false", ...TEST_PLAIN_HTTP });
      expect(result.ok).to.equal(true);
      expect(result.ok && result.config.analytics).to.equal(undefined);
    });

    it("accepts other OpenSearch versions and job settings", () => {
      const result = validate({
        searchEngineVersion: "OpenSearch_2.19",
        searchInstanceType: "r7g.large.search",
        searchInstanceCount: "4",
        searchVolumeGb: "100",
        hotspotWindowMinutes: "60",
        hotspotGeohashPrecision: "7",
        hotspotMinTrips: "2",
      });
      expect(result.ok && result.config.analytics?.search).to.deep.include({
        engineVersion: "OpenSearch_2.19",
        instanceType: "r7g.large.search",
        instanceCount: 4,
        volumeGb: 100,
      });
      expect(result.ok && result.config.analytics?.job).to.deep.include({
        windowMinutes: 60,
        geohashPrecision: 7,
        minTrips: 2,
      });
      expect(validate({ searchEngineVersion: "OpenSearch_2.19" }).ok).to.equal(true);
    });
  });

  it("fails the preview with ONE error listing every bad key", async () => {
    let error: Error | undefined;
    try {
      await runPipeline({
        shardCount: "0",
        retentionHours: "1",
        streamMode: "SOMETIMES",
        kmsKeyArn: "nope",
        tags: "x",
      });
    } catch (e) {
      error = e as Error;
    }
    expect(error, "the program should refuse this config").to.be.instanceOf(Error);
    const lines = error!.message.split("\n");
    expect(lines[0]).to.equal('Invalid config for stack "test" (5 problems):');
    expect(lines.slice(1)).to.have.members([
      "  - streamMode must be one of PROVISIONED, ON_DEMAND, got SOMETIMES",
      "  - shardCount must be an integer from 1 to 10000, got 0",
      "  - retentionHours must be an integer from 24 to 8760, got 1",
      "  - kmsKeyArn must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/<key id> (not an alias: grants need the key ARN), got nope",
      lines.find((l) => l.startsWith("  - tags must be"))!,
    ]);
    expect(lines.find((l) => l.startsWith("  - tags must be"))).to.match(/, got x$/);
  });
});
