import { expect } from "chai";
import { healthCheckCommand, serviceCommand } from "../../../runtime/common/contract-entry";
import { INGEST } from "../../../runtime/ingest/contract";
import { readIngestSettings } from "../../../runtime/ingest/settings";
import { settingsOf, taskEnvironment } from "../common/part-settings";
import { aliasRecordTypes } from "../../../infra/ingest/ingest-domain";
import { MOCK_ACCOUNT } from "../../../infra/plan/mocks";
import { Recorded, runPipeline, statementsOf } from "../../harness/pulumi";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
const DOMAIN = "ingest.example.com";
const ZONE = "Z0123456789ABCDEFGHIJ";
const CERTIFICATE = "aws:acm/certificate:Certificate";
const VALIDATION = "aws:acm/certificateValidation:CertificateValidation";
const RECORD = "aws:route53/record:Record";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

function sgId(recorded: Recorded, name: string): string {
  // The mocks answer a security group's id from its name (see infra/plan/mocks.ts).
  const sg = recorded.one("aws:ec2/securityGroup:SecurityGroup", name);
  return sg.state.id as string;
}

function containerOf(recorded: Recorded) {
  const td = recorded.one("aws:ecs/taskDefinition:TaskDefinition", "ingest");
  const [container] = JSON.parse(td.inputs.containerDefinitions as string);
  return { td, container };
}

describe("IngestService: the tenants table", () => {
  it("is encrypted, point-in-time recoverable, on-demand, keyed by id, protected from deletion unless configured", async () => {
    const on = (await runPipeline()).recorded.one("aws:dynamodb/table:Table", "ingest-tenants");
    expect(on.inputs).to.deep.include({
      hashKey: "id",
      attributes: [{ name: "id", type: "S" }],
      billingMode: "PAY_PER_REQUEST",
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: true,
    });
    const dev = (await runPipeline({ tenantsDeletionProtection: "false" })).recorded;
    expect(dev.one("aws:dynamodb/table:Table", "ingest-tenants").inputs.deletionProtectionEnabled).to.equal(false);
  });

  it("is output with the region for the tenants CLI; ingestAuth none: no table, no grant, no secret", async () => {
    const { recorded, outputs } = await runPipeline({ tenantMetrics: '["acme","beta"]' });
    expect(outputs.tenantsTable).to.equal(recorded.one("aws:dynamodb/table:Table", "ingest-tenants").state.name);
    expect(outputs.region).to.equal("us-east-1");
    expect(taskEnvironment(recorded, "ingest").TENANT_METRICS_FOR).to.equal("acme,beta");
    const none = await runPipeline({ ingestAuth: "none" });
    expect(none.recorded.all("aws:dynamodb/table:Table").map((t) => t.name)).to.not.include("ingest-tenants");
    expect(none.recorded.all(ROLE_POLICY).map((p) => p.name)).to.not.include("ingest-tenants");
    expect(none.outputs.tenantsTable).to.equal(undefined);
    expect(none.outputs.replayApiKeySecretArn).to.equal(undefined);
    expect(taskEnvironment(none.recorded, "ingest").INGEST_AUTH).to.equal("none");
  });

  it("the replay task gets its tenant's key from a secret only its execution role may read", async () => {
    const { recorded, outputs } = await runPipeline();
    const secret = recorded.one("aws:secretsmanager/secret:Secret", "replay-api-key");
    expect(outputs.replayApiKeySecretArn).to.equal(secret.state.arn);
    const td = recorded.one("aws:ecs/taskDefinition:TaskDefinition", "replay");
    const [container] = JSON.parse(td.inputs.containerDefinitions as string);
    expect(container.secrets).to.deep.equal([{ name: "INGEST_API_KEY", valueFrom: secret.state.arn }]);
    expect(JSON.stringify(container.environment)).to.not.contain("INGEST_API_KEY");
    const execution = recorded.one("aws:iam/role:Role", "replay-execution");
    const secrets = recorded
      .all(ROLE_POLICY)
      .filter((p) => p.inputs.role === execution.state.name)
      .flatMap(statementsOf)
      .filter((s) => s.Sid === "Secrets");
    expect(secrets.map((s) => [s.Action, s.Resource])).to.deep.equal([
      [["secretsmanager:GetSecretValue"], [secret.state.arn]],
    ]);
  });
});

describe("IngestService", () => {
  describe("with default config", () => {
    let run: Awaited<ReturnType<typeof runPipeline>>;
    before(async () => {
      run = await runPipeline();
    });

    it("gives the task role exactly stream.grantWrite and reading the tenants table, nothing else (no schema: no registry)", () => {
      const taskRole = run.recorded.one("aws:iam/role:Role", "ingest-task");
      const policies = run.recorded.all(ROLE_POLICY).filter((p) => p.inputs.role === taskRole.state.name);
      expect(policies.map((p) => p.name)).to.have.members(["stream-write-ingest", "ingest-tenants"]);
      const table = run.recorded.one("aws:dynamodb/table:Table", "ingest-tenants");
      expect(statementsOf(policies.find((p) => p.name === "ingest-tenants")!)).to.deep.equal([
        { Sid: "TenantsRead", Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: [table.state.arn] },
      ]);
      const [write, key] = statementsOf(policies.find((p) => p.name === "stream-write-ingest")!);
      expect(write.Action).to.deep.equal(["kinesis:PutRecords", "kinesis:ListShards"]);
      expect(write.Resource).to.deep.equal([run.outputs.streamArn]);
      expect(key.Action).to.deep.equal(["kms:GenerateDataKey"]);
      expect(key.Resource).to.deep.equal([run.outputs.streamKeyArn]);
      expect(run.recorded.all("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).to.have.lengthOf(0);
    });

    it("lets the execution role pull the image from its repository and write its log group, nothing more", () => {
      const role = run.recorded.one("aws:iam/role:Role", "ingest-execution");
      const policies = run.recorded.all(ROLE_POLICY).filter((p) => p.inputs.role === role.state.name);
      const repo = run.recorded.one("aws:ecr/repository:Repository");
      const logGroup = run.recorded.one("aws:cloudwatch/logGroup:LogGroup", "ingest");
      const statements = policies.flatMap(statementsOf).map(({ Sid, Action, Resource }) => ({ Sid, Action, Resource }));
      expect(statements).to.have.deep.members([
        { Sid: "RegistryLogin", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
        {
          Sid: "ImagePull",
          Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
          Resource: [repo.state.arn],
        },
        {
          Sid: "ContainerLogs",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [`${logGroup.state.arn}:*`],
        },
      ]);
    });

    it("lets only ECS tasks of this account assume the roles", () => {
      for (const name of ["ingest-task", "ingest-execution"]) {
        const trust = JSON.parse(run.recorded.one("aws:iam/role:Role", name).inputs.assumeRolePolicy as string);
        expect(trust.Statement).to.deep.equal([
          {
            Effect: "Allow",
            Principal: { Service: "ecs-tasks.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT } },
          },
        ]);
      }
    });

    it("opens the load balancer to the configured CIDRs on 80 only, and tasks to the load balancer only", () => {
      const lb = sgId(run.recorded, "ingest-lb");
      const tasks = sgId(run.recorded, "ingest-tasks");
      const rule = (r: { inputs: Record<string, unknown> }) => {
        const { securityGroupId, cidrIpv4, referencedSecurityGroupId, fromPort, toPort, ipProtocol } = r.inputs;
        return { securityGroupId, cidrIpv4, referencedSecurityGroupId, fromPort, toPort, ipProtocol };
      };
      const ours = (r: { inputs: Record<string, unknown> }) => [lb, tasks].includes(r.inputs.securityGroupId as string);
      expect(run.recorded.all(INGRESS).filter(ours).map(rule)).to.have.deep.members([
        {
          securityGroupId: lb,
          cidrIpv4: "0.0.0.0/0",
          referencedSecurityGroupId: undefined,
          fromPort: 80,
          toPort: 80,
          ipProtocol: "tcp",
        },
        {
          securityGroupId: tasks,
          cidrIpv4: undefined,
          referencedSecurityGroupId: lb,
          fromPort: 8080,
          toPort: 8080,
          ipProtocol: "tcp",
        },
      ]);
      expect(run.recorded.all(EGRESS).filter(ours).map(rule)).to.have.deep.members([
        {
          securityGroupId: lb,
          cidrIpv4: undefined,
          referencedSecurityGroupId: tasks,
          fromPort: 8080,
          toPort: 8080,
          ipProtocol: "tcp",
        },
        {
          securityGroupId: tasks,
          cidrIpv4: "0.0.0.0/0",
          referencedSecurityGroupId: undefined,
          fromPort: 443,
          toPort: 443,
          ipProtocol: "tcp",
        },
      ]);
    });

    it("puts an internet-facing load balancer in the public subnets, health-checking /healthcheck on the tasks' port", () => {
      const alb = run.recorded.one("awsx:lb:ApplicationLoadBalancer");
      const vpc = run.recorded.one("awsx:ec2:Vpc");
      expect(alb.inputs.subnetIds).to.deep.equal(vpc.state.publicSubnetIds);
      expect(alb.inputs.internal).to.equal(undefined);
      expect(alb.inputs.securityGroups).to.deep.equal([sgId(run.recorded, "ingest-lb")]);
      expect(alb.inputs.defaultSecurityGroup).to.deep.equal({ skip: true });
      expect(alb.inputs.defaultTargetGroup).to.deep.include({ port: 8080, protocol: "HTTP", targetType: "ip" });
      expect((alb.inputs.defaultTargetGroup as { healthCheck: object }).healthCheck).to.deep.include({
        path: "/healthcheck",
        matcher: "200",
      });
      // The stack's tags (none by default) reach the listener awsx makes from these arguments.
      expect(alb.inputs.listeners).to.deep.equal([{ port: 80, protocol: "HTTP", tags: {} }]);
      expect(run.outputs.ingestUrl).to.match(/^http:\/\/ingest-[0-9a-f]{8}\.us-east-1\.elb\.amazonaws\.com$/);
    });

    it("without a domain: plain HTTP at the load balancer's name, no certificate and no DNS records", () => {
      const alb = run.recorded.one("awsx:lb:ApplicationLoadBalancer");
      const { dnsName } = alb.state.loadBalancer as { dnsName: string };
      expect(run.outputs.ingestUrl).to.equal(`http://${dnsName}`);
      expect(run.outputs.ingestLoadBalancerDnsName).to.equal(dnsName);
      expect(alb.inputs.ipAddressType).to.equal("ipv4");
      for (const type of [CERTIFICATE, VALIDATION, RECORD, "kinesis-pipeline:ingest:IngestDomain"]) {
        expect(run.recorded.all(type), type).to.deep.equal([]);
      }
    });

    it("runs tasks in the private subnets without public IPs, behind the load balancer", () => {
      const service = run.recorded.one("aws:ecs/service:Service", "ingest");
      const vpc = run.recorded.one("awsx:ec2:Vpc");
      expect(service.inputs.networkConfiguration).to.deep.equal({
        subnets: vpc.state.privateSubnetIds,
        securityGroups: [sgId(run.recorded, "ingest-tasks")],
        assignPublicIp: false,
      });
      expect(service.inputs.launchType).to.equal("FARGATE");
      expect(service.inputs.desiredCount).to.equal(2);
      expect(service.ignoreChanges, "autoscaling owns the count after creation").to.deep.equal(["desiredCount"]);
      const alb = run.recorded.one("awsx:lb:ApplicationLoadBalancer");
      expect(service.inputs.loadBalancers).to.deep.equal([
        {
          targetGroupArn: (alb.state.defaultTargetGroup as { arn: string }).arn,
          containerName: "ingest",
          containerPort: 8080,
        },
      ]);
      expect(service.inputs.deploymentCircuitBreaker).to.deep.equal({ enable: true, rollback: true });
    });

    it("hands the container its command, image, settings and logs", () => {
      const { td, container } = containerOf(run.recorded);
      const image = run.recorded.one("awsx:ecr:Image");
      expect(td.inputs).to.include({ cpu: "512", memory: "1024", networkMode: "awsvpc" });
      expect(container.image).to.equal(image.state.imageUri);
      expect(container.command).to.deep.equal(serviceCommand(INGEST));
      // As the service reads it: its contract's variables, through the runtime's reader.
      expect(settingsOf(INGEST, taskEnvironment(run.recorded, "ingest"))).to.deep.include({
        STREAM_NAME: run.outputs.streamName,
        AWS_REGION: "us-east-1",
        PORT: 8080,
        ACK_MODE: "durable",
        METRICS_INTERVAL_MS: 60_000,
        LOG_LEVEL: "info",
        SCHEMA_NAME: undefined,
        // Tenants by default: their table, the client's address from the load balancer's entry.
        INGEST_AUTH: "apiKeys",
        TENANTS_TABLE: run.outputs.tenantsTable,
        CLIENT_ADDRESS: "load-balancer",
        TENANT_RECORDS_PER_SECOND: 1000,
        TENANT_BYTES_PER_SECOND: 1024 * 1024,
        TENANT_METRICS_FOR: undefined,
      });
      expect(container.portMappings).to.deep.equal([{ containerPort: 8080, protocol: "tcp" }]);
      expect(container.healthCheck.command).to.deep.equal(["CMD", ...healthCheckCommand(INGEST)]);
      expect(container.stopTimeout).to.equal(30);
      expect(container.logConfiguration.options["awslogs-group"]).to.equal(
        run.recorded.one("aws:cloudwatch/logGroup:LogGroup", "ingest").state.name,
      );
      expect(run.recorded.one("aws:cloudwatch/logGroup:LogGroup", "ingest").inputs.retentionInDays).to.equal(30);
    });

    it("tracks 65% average CPU between the configured task counts", () => {
      const target = run.recorded.one("aws:appautoscaling/target:Target", "ingest");
      expect(target.inputs).to.include({
        minCapacity: 2,
        maxCapacity: 10,
        scalableDimension: "ecs:service:DesiredCount",
      });
      const policy = run.recorded.one("aws:appautoscaling/policy:Policy", "ingest-cpu");
      expect(policy.inputs.targetTrackingScalingPolicyConfiguration).to.deep.equal({
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        targetValue: 65,
        scaleOutCooldown: 60,
        scaleInCooldown: 300,
      });
    });

    it("uses one NAT gateway across two zones, on an address the stack allocates", () => {
      const eip = run.recorded.one("aws:ec2/eip:Eip");
      expect(eip.inputs.domain).to.equal("vpc");
      expect(run.recorded.one("awsx:ec2:Vpc").inputs).to.deep.include({
        numberOfAvailabilityZones: 2,
        natGateways: { strategy: "Single", elasticIpAllocationIds: [eip.state.allocationId] },
      });
    });

    it("open to anyone by default: no rule for the stack's own NAT addresses", () => {
      const eip = run.recorded.one("aws:ec2/eip:Eip");
      expect(run.recorded.all(INGRESS).map((r) => r.inputs.cidrIpv4)).to.not.include(`${eip.state.publicIp}/32`);
    });
  });

  it("with tenants and a domain: HTTPS only, port 80 refusing with 403 (a redirect would keep keys crossing in clear text)", async () => {
    const { recorded } = await runPipeline({
      ingestDomainName: DOMAIN,
      certificateArn: CERT,
      ingestAllowPlainHttp: "false",
    });
    const alb = recorded.one("awsx:lb:ApplicationLoadBalancer");
    const [https, http] = alb.inputs.listeners as { port: number; protocol: string; defaultActions?: unknown[] }[];
    expect([https.port, https.protocol, https.defaultActions]).to.deep.equal([443, "HTTPS", undefined]);
    expect(http.defaultActions).to.deep.equal([
      {
        type: "fixed-response",
        fixedResponse: {
          statusCode: "403",
          contentType: "application/json",
          messageBody: JSON.stringify({
            error: "https_required",
            message:
              "this ingest API takes API keys over HTTPS only: send to https:// (your key may have crossed the network readable: rotate it)",
          }),
        },
      },
    ]);
    expect(alb.inputs.xffHeaderProcessingMode).to.equal("append");
  });

  it("without tenants (ingestAuth none), with a domain and a certificate: HTTPS on 443 with TLS 1.2+, port 80 redirecting, both open to the CIDRs", async () => {
    const { recorded, outputs } = await runPipeline({
      ingestAuth: "none",
      ingestDomainName: DOMAIN,
      certificateArn: CERT,
      ingestAllowedCidrs: '["203.0.113.0/24","198.51.100.0/24"]',
    });
    const alb = recorded.one("awsx:lb:ApplicationLoadBalancer");
    expect(alb.inputs.listeners).to.deep.equal([
      {
        port: 443,
        protocol: "HTTPS",
        certificateArn: CERT,
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        tags: {},
      },
      {
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }],
        tags: {},
      },
    ]);
    const clientRules = recorded
      .all(INGRESS)
      .filter((r) => r.inputs.cidrIpv4)
      .map((r) => `${r.inputs.cidrIpv4}:${r.inputs.fromPort}`);
    // Restricted: the stack's own tasks (the taxi replay) come in from the NAT gateway's address.
    const nat = `${recorded.one("aws:ec2/eip:Eip").state.publicIp}/32`;
    expect(clientRules).to.have.members([
      "203.0.113.0/24:80",
      "203.0.113.0/24:443",
      "198.51.100.0/24:80",
      "198.51.100.0/24:443",
      `${nat}:80`,
      `${nat}:443`,
    ]);
    // The name the certificate covers, never the load balancer's *.elb.amazonaws.com.
    expect(outputs.ingestUrl).to.equal(`https://${DOMAIN}`);
  });

  it("takes sizes, counts, cooldowns, ack mode, log retention and NAT gateways from config", async () => {
    const { recorded } = await runPipeline({
      ingestCpu: "1024",
      ingestMemory: "4096",
      ingestMinTasks: "3",
      ingestMaxTasks: "7",
      scaleOutCooldownSeconds: "30",
      scaleInCooldownSeconds: "600",
      ingestAckMode: "buffered",
      logRetentionDays: "90",
      natGateways: "2",
    });
    const { td } = containerOf(recorded);
    expect(td.inputs).to.include({ cpu: "1024", memory: "4096" });
    expect(settingsOf(INGEST, taskEnvironment(recorded, "ingest")).ACK_MODE).to.equal("buffered");
    expect(recorded.one("aws:appautoscaling/target:Target", "ingest").inputs).to.include({
      minCapacity: 3,
      maxCapacity: 7,
    });
    expect(
      recorded.one("aws:appautoscaling/policy:Policy", "ingest-cpu").inputs.targetTrackingScalingPolicyConfiguration,
    ).to.include({
      scaleOutCooldown: 30,
      scaleInCooldown: 600,
    });
    expect(recorded.one("aws:ecs/service:Service", "ingest").inputs.desiredCount).to.equal(3);
    expect(recorded.one("aws:cloudwatch/logGroup:LogGroup", "ingest").inputs.retentionInDays).to.equal(90);
    const eips = recorded.all("aws:ec2/eip:Eip");
    expect(recorded.one("awsx:ec2:Vpc").inputs.natGateways).to.deep.equal({
      strategy: "OnePerAz",
      elasticIpAllocationIds: eips.map((e) => e.state.allocationId),
    });
    expect(eips).to.have.length(2);
  });
});

describe("IngestService with a schema to enforce", () => {
  it("hands the container the schema and the registry, and keeps registration off unless configured", async () => {
    const { recorded } = await runPipeline({ ingestSchema: "taxi-trip", analytics: "false" });
    // As the service reads it (settings.ts): the schema, from the stack's Glue registry, registering nothing.
    expect(readIngestSettings(taskEnvironment(recorded, "ingest")).schema).to.deep.equal({
      name: "taxi-trip",
      registry: { kind: "glue", registryName: "kinesis-pipeline-test" },
      compression: "none",
      autoRegister: false,
    });
    const produce = statementsOf(recorded.one(ROLE_POLICY, "schemas-produce-ingest")).map((s) => [
      s.Action,
      s.Resource,
    ]);
    expect(produce).to.deep.equal([[["glue:GetSchemaVersion"], ["*"]]]);
    const on = await runPipeline({ ingestSchema: "taxi-trip", schemaAutoRegistration: "true", analytics: "false" });
    expect(readIngestSettings(taskEnvironment(on.recorded, "ingest")).schema?.autoRegister).to.equal(true);
  });
});

describe("IngestService with a domain name", () => {
  describe("and its Route 53 hosted zone, without a certificate", () => {
    let run: Awaited<ReturnType<typeof runPipeline>>;
    before(async () => {
      run = await runPipeline({ ingestDomainName: DOMAIN, ingestHostedZoneId: ZONE });
    });

    it("requests a DNS-validated certificate for exactly that name", () => {
      const certificate = run.recorded.one(CERTIFICATE);
      expect(certificate.inputs).to.include({ domainName: DOMAIN, validationMethod: "DNS" });
      expect(certificate.inputs.subjectAlternativeNames).to.equal(undefined);
      expect(certificate.parentType).to.equal("kinesis-pipeline:ingest:IngestDomain");
    });

    it("writes ACM's validation record into the zone and waits for the certificate on it", () => {
      const certificate = run.recorded.one(CERTIFICATE);
      const [option] = certificate.state.domainValidationOptions as {
        resourceRecordName: string;
        resourceRecordType: string;
        resourceRecordValue: string;
      }[];
      const record = run.recorded.one(RECORD, "ingest-domain-validation");
      expect(record.inputs).to.deep.include({
        zoneId: ZONE,
        name: option.resourceRecordName,
        type: "CNAME",
        records: [option.resourceRecordValue],
        ttl: 60,
        allowOverwrite: true,
      });
      const validation = run.recorded.one(VALIDATION);
      expect(validation.inputs).to.deep.equal({
        certificateArn: certificate.state.arn,
        validationRecordFqdns: [record.state.fqdn],
      });
    });

    it("serves HTTPS with the certificate once it is validated (the listener waits for the validation)", () => {
      const alb = run.recorded.one("awsx:lb:ApplicationLoadBalancer");
      const validation = run.recorded.one(VALIDATION);
      const [https] = alb.inputs.listeners as { port: number; certificateArn: string }[];
      expect(https).to.include({
        port: 443,
        protocol: "HTTPS",
        certificateArn: run.recorded.one(CERTIFICATE).state.arn,
      });
      expect(alb.dependsOn, "the HTTPS listener must wait for ACM to issue the certificate").to.include(validation.urn);
    });

    it("points the name at the load balancer with one alias A record (the load balancer has no IPv6)", () => {
      const alb = run.recorded.one("awsx:lb:ApplicationLoadBalancer");
      const { dnsName, zoneId } = alb.state.loadBalancer as { dnsName: string; zoneId: string };
      const aliases = run.recorded.all(RECORD).filter((r) => r.inputs.aliases !== undefined);
      expect(aliases.map((r) => ({ name: r.name, inputs: r.inputs }))).to.deep.equal([
        {
          name: "ingest-domain-a",
          inputs: {
            zoneId: ZONE,
            name: DOMAIN,
            type: "A",
            allowOverwrite: false,
            aliases: [{ name: dnsName, zoneId, evaluateTargetHealth: false }],
          },
        },
      ]);
      expect(zoneId, "the load balancer's own zone, not the user's").to.not.equal(ZONE);
    });

    it("gives the URL under the name, the load balancer's name beside it, and the replay posts to the name", () => {
      expect(run.outputs.ingestUrl).to.equal(`https://${DOMAIN}`);
      const alb = run.recorded.one("awsx:lb:ApplicationLoadBalancer");
      expect(run.outputs.ingestLoadBalancerDnsName).to.equal((alb.state.loadBalancer as { dnsName: string }).dnsName);
      const td = run.recorded.one("aws:ecs/taskDefinition:TaskDefinition", "replay");
      const [container] = JSON.parse(td.inputs.containerDefinitions as string);
      const command = container.command as string[];
      expect(command[command.indexOf("--target") + 1]).to.equal(`https://${DOMAIN}`);
    });
  });

  it("with the zone and a certificate: the alias record, the given certificate, none requested", async () => {
    const { recorded, outputs } = await runPipeline({
      ingestDomainName: DOMAIN,
      ingestHostedZoneId: ZONE,
      certificateArn: CERT,
    });
    expect(recorded.all(CERTIFICATE)).to.deep.equal([]);
    expect(recorded.all(VALIDATION)).to.deep.equal([]);
    expect(recorded.all(RECORD).map((r) => `${r.name} ${r.inputs.type} ${r.inputs.name}`)).to.deep.equal([
      `ingest-domain-a A ${DOMAIN}`,
    ]);
    const [https] = recorded.one("awsx:lb:ApplicationLoadBalancer").inputs.listeners as object[];
    expect(https).to.include({ port: 443, certificateArn: CERT });
    expect(outputs.ingestUrl).to.equal(`https://${DOMAIN}`);
  });

  it("with a certificate but no zone: no DNS records; the user points the name at ingestLoadBalancerDnsName", async () => {
    const { recorded, outputs } = await runPipeline({ ingestDomainName: DOMAIN, certificateArn: CERT });
    expect(recorded.all(RECORD)).to.deep.equal([]);
    expect(recorded.all(CERTIFICATE)).to.deep.equal([]);
    expect(outputs.ingestUrl).to.equal(`https://${DOMAIN}`);
    expect(outputs.ingestLoadBalancerDnsName).to.match(/^ingest-[0-9a-f]{8}\.us-east-1\.elb\.amazonaws\.com$/);
  });

  it("refuses a certificate without a domain name before creating anything", async () => {
    let error: Error | undefined;
    try {
      await runPipeline({ certificateArn: CERT });
    } catch (e) {
      error = e as Error;
    }
    expect(error, "a certificate alone would give an https URL no certificate covers").to.be.instanceOf(Error);
    expect(error!.message).to.contain("certificateArn needs ingestDomainName");
  });

  describe("alias records follow the load balancer's addresses", () => {
    const table: [Parameters<typeof aliasRecordTypes>[0], string[]][] = [
      ["ipv4", ["A"]],
      ["dualstack", ["A", "AAAA"]],
    ];
    for (const [ipAddressType, types] of table) {
      it(`${ipAddressType}: ${types.join(" and ")}`, () => {
        expect(aliasRecordTypes(ipAddressType)).to.deep.equal(types);
      });
    }
  });
});
