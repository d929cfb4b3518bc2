/**
 * Ingest: the pipeline's front door. An internet-facing Application Load Balancer in the
 * public subnets sends `POST /` and `POST /batch` to Fargate tasks in the private subnets,
 * which aggregate records the way the KPL does and write them to the stream
 * (runtime/ingest/). Tasks can put records to the stream and, with tenants (ingestAuth
 * apiKeys), read the tenants table this component owns; nothing else.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { actionsOn, serviceActions } from "../../runtime/common/contract";
import { INGEST, INGEST_PORT } from "../../runtime/ingest/contract";
import { ServicesConfig } from "../common/services-config";
import { IngestConfig } from "./ingest-config";
import { IngestDomain, IpAddressType } from "./ingest-domain";
import { ingestAccessLogs } from "./access-logs";
import { Network } from "../network/network";
import { partEnvironment } from "../common/part-environment";
import { PipelineService } from "../common/pipeline-service";
import { SchemaRegistry } from "../schemas/schema-registry";
import { ServiceImage } from "../common/service-image";
import { StreamStorage } from "../stream/stream-storage";
import { taskSecurityGroup } from "../network/task-security-group";
import { grantReadTenants, tenantsTable } from "./tenants-table";

/**
 * Port 80 with keys on and HTTPS: a refusal, not a redirect. A redirect would keep a
 * misconfigured client working while every first request still sends its key in clear
 * text; a 403 makes it fix its URL. ALB fixed responses: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#fixed-response-actions
 */
export const PLAIN_HTTP_REFUSAL = {
  statusCode: "403",
  contentType: "application/json",
  messageBody: JSON.stringify({
    error: "https_required",
    message:
      "this ingest API takes API keys over HTTPS only: send to https:// (your key may have crossed the network readable: rotate it)",
  }),
} as const;

/** TLS 1.2 and 1.3 only: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
export const CONTAINER_PORT = INGEST_PORT;
const ANYWHERE = "0.0.0.0/0";
/** The load balancer's addresses; the name's alias records follow it (an AAAA only with IPv6). */
const IP_ADDRESS_TYPE: IpAddressType = "ipv4";

export interface IngestServiceArgs {
  network: Network;
  cluster: aws.ecs.Cluster;
  image: ServiceImage;
  stream: StreamStorage;
  schemas: SchemaRegistry;
  ingest: IngestConfig;
  services: ServicesConfig;
}

export class IngestService extends pulumi.ComponentResource {
  /** https://<ingest domain name>, or http://<load balancer DNS name> without one: where clients POST records. */
  readonly url: pulumi.Output<string>;
  /** The load balancer's own name: where a domain's DNS record points when the stack does not manage its zone. */
  readonly loadBalancerDnsName: pulumi.Output<string>;
  /** Whether clients must use HTTPS (port 80 only redirects). */
  readonly https: boolean;
  /** Set when ingest has a domain name (and so HTTPS). */
  readonly domain?: IngestDomain;
  /** Set with tenants (ingestAuth apiKeys): the table of tenants and key hashes. */
  readonly tenantsTable?: aws.dynamodb.Table;
  readonly service: PipelineService;
  readonly loadBalancerSecurityGroup: aws.ec2.SecurityGroup;
  readonly taskSecurityGroup: aws.ec2.SecurityGroup;

  constructor(name: string, args: IngestServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:ingest:IngestService", name, {}, opts);
    const parent = { parent: this };
    // HTTPS always comes with a name of the user's: no certificate covers the load balancer's.
    const https = args.ingest.domain !== undefined;
    this.https = https;
    const listenerPorts = https ? [80, 443] : [80];

    this.loadBalancerSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-lb`,
      { vpcId: args.network.vpcId, description: "ingest load balancer: clients in, tasks out" },
      parent,
    );
    this.taskSecurityGroup = taskSecurityGroup(
      `${name}-tasks`,
      {
        network: args.network,
        description: "ingest tasks: load balancer in, AWS APIs out",
        apis: args.ingest.tenants ? "Kinesis, DynamoDB, ECR and CloudWatch Logs" : "Kinesis, ECR and CloudWatch Logs",
      },
      this,
    );
    const admit = (id: string, cidr: pulumi.Input<string>, who: string) =>
      listenerPorts.forEach(
        (port) =>
          new aws.vpc.SecurityGroupIngressRule(
            `${name}-lb-in-${port}-${id}`,
            {
              securityGroupId: this.loadBalancerSecurityGroup.id,
              cidrIpv4: cidr,
              ipProtocol: "tcp",
              fromPort: port,
              toPort: port,
              description: `${who} on ${port}`,
            },
            parent,
          ),
      );
    args.ingest.allowedCidrs.forEach((cidr, i) => admit(String(i), cidr, "clients"));
    // The stack's own tasks (the taxi replay) reach the internet-facing load balancer from
    // the NAT gateways' addresses: a restricted list would refuse them.
    if (!args.ingest.allowedCidrs.includes(ANYWHERE)) {
      args.network.natPublicIps.forEach((ip, i) =>
        admit(`nat-${i}`, pulumi.interpolate`${ip}/32`, "the stack's tasks"),
      );
    }
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-lb-to-tasks`,
      {
        securityGroupId: this.loadBalancerSecurityGroup.id,
        referencedSecurityGroupId: this.taskSecurityGroup.id,
        ipProtocol: "tcp",
        fromPort: CONTAINER_PORT,
        toPort: CONTAINER_PORT,
        description: "requests and health checks to tasks",
      },
      parent,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-tasks-from-lb`,
      {
        securityGroupId: this.taskSecurityGroup.id,
        referencedSecurityGroupId: this.loadBalancerSecurityGroup.id,
        ipProtocol: "tcp",
        fromPort: CONTAINER_PORT,
        toPort: CONTAINER_PORT,
        description: "from the load balancer",
      },
      parent,
    );

    const domain = args.ingest.domain
      ? new IngestDomain(`${name}-domain`, { domain: args.ingest.domain }, parent)
      : undefined;

    const accessLogs = ingestAccessLogs(`${name}-access-logs`, { retentionDays: args.ingest.accessLogDays }, this);
    const alb = new awsx.lb.ApplicationLoadBalancer(
      name,
      {
        subnetIds: args.network.publicSubnetIds,
        ipAddressType: IP_ADDRESS_TYPE,
        securityGroups: [this.loadBalancerSecurityGroup.id],
        defaultSecurityGroup: { skip: true },
        dropInvalidHeaderFields: true,
        // The client's address is appended as X-Forwarded-For's last entry, which is all
        // ingest trusts (runtime/ingest/client-address.ts). `append` is the default; pinned.
        xffHeaderProcessingMode: "append",
        accessLogs: accessLogs.settings,
        defaultTargetGroup: {
          vpcId: args.network.vpcId,
          port: CONTAINER_PORT,
          protocol: "HTTP",
          targetType: "ip",
          // Tasks drain within the ECS stop timeout; the load balancer stops sending first.
          deregistrationDelay: 30,
          healthCheck: {
            path: "/healthcheck",
            matcher: "200",
            interval: 10,
            timeout: 5,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
          },
        },
        listeners: domain
          ? [
              // A listener without actions forwards to the default target group.
              { port: 443, protocol: "HTTPS", certificateArn: domain.certificateArn, sslPolicy: TLS_POLICY },
              {
                port: 80,
                protocol: "HTTP",
                defaultActions: args.ingest.tenants
                  ? [{ type: "fixed-response", fixedResponse: PLAIN_HTTP_REFUSAL }]
                  : [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }],
              },
            ]
          : [{ port: 80, protocol: "HTTP" }],
      },
      { parent: this, dependsOn: accessLogs.ready },
    );

    const tenants = args.ingest.tenants;
    this.tenantsTable = tenants
      ? tenantsTable(`${name}-tenants`, { deletionProtection: tenants.deletionProtection }, this)
      : undefined;
    const environment = partEnvironment(INGEST, {
      STREAM_NAME: args.stream.name,
      AWS_REGION: aws.getRegionOutput({}, parent).region,
      PORT: CONTAINER_PORT,
      ACK_MODE: args.ingest.ackMode,
      // EMF to stdout: the awslogs driver ships it and CloudWatch extracts the metrics.
      METRICS_INTERVAL_MS: 60_000,
      LOG_LEVEL: "info",
      ...(tenants
        ? {
            INGEST_AUTH: "apiKeys",
            TENANTS_TABLE: this.tenantsTable!.name,
            // Behind the load balancer: only its X-Forwarded-For entry names the client.
            CLIENT_ADDRESS: "load-balancer",
            TENANT_RECORDS_PER_SECOND: tenants.recordsPerSecond,
            TENANT_BYTES_PER_SECOND: tenants.bytesPerSecond,
            TENANT_METRICS_FOR: tenants.metricsFor.length > 0 ? tenants.metricsFor.join(",") : undefined,
          }
        : { INGEST_AUTH: "none" }),
      ...(args.ingest.schema
        ? {
            SCHEMA_NAME: args.ingest.schema,
            SCHEMA_REGISTRY_NAME: args.schemas.name,
            SCHEMA_AUTO_REGISTER: args.schemas.autoRegistration,
          }
        : {}),
    });
    this.service = new PipelineService(
      name,
      {
        cluster: args.cluster,
        image: args.image,
        environment,
        cpu: args.ingest.cpu,
        memory: args.ingest.memory,
        minTasks: args.ingest.minTasks,
        maxTasks: args.ingest.maxTasks,
        subnetIds: args.network.privateSubnetIds,
        securityGroupIds: [this.taskSecurityGroup.id],
        loadBalancer: { targetGroupArn: alb.defaultTargetGroup.arn, containerPort: CONTAINER_PORT, dependsOn: [alb] },
        services: args.services,
      },
      parent,
    );
    // Exactly what ingest calls in this environment (its contract's calls): without a schema, nothing of the registry.
    const env = environment.variables;
    args.stream.grantWrite(this.service.taskRole, name, actionsOn(INGEST, "stream", env));
    const schemaActions = serviceActions(INGEST, env, "glue");
    if (schemaActions.length > 0) args.schemas.grantProduce(this.service.taskRole, name, schemaActions);
    if (this.tenantsTable) {
      grantReadTenants(this.tenantsTable, this.service.taskRole, name, this, actionsOn(INGEST, "tenantsTable", env));
    }

    domain?.pointAt({
      dnsName: alb.loadBalancer.dnsName,
      zoneId: alb.loadBalancer.zoneId,
      ipAddressType: IP_ADDRESS_TYPE,
    });
    this.domain = domain;
    this.loadBalancerDnsName = alb.loadBalancer.dnsName;
    this.url = domain ? pulumi.output(domain.url) : pulumi.interpolate`http://${alb.loadBalancer.dnsName}`;
    this.registerOutputs({
      url: this.url,
      loadBalancerDnsName: this.loadBalancerDnsName,
      tenantsTable: this.tenantsTable?.name,
    });
  }
}
