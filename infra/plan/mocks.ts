/**
 * Pulumi mocks that stand in for AWS: they record every resource the program registers
 * (type, name, parent, inputs, options) and answer with the outputs a real deployment
 * would have (ARNs, ids, names), deterministically, so plans and tests are stable.
 * The offline plan and the infra tests run the program under these same mocks.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT = "123456789012";

export interface PlannedResource {
  type: string;
  name: string;
  /** Logical name of the parent resource, when it is not the stack. */
  parent?: string;
  parentType?: string;
  parentUrn?: string;
  urn: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  /** Outputs the mocks answered with (inputs plus computed values). */
  state: Record<string, unknown>;
  ignoreChanges: string[];
  protect: boolean;
  /** URNs of the resources it was told to wait for (`dependsOn`). */
  dependsOn: string[];
  /**
   * What it was known as before a rename (`aliases`): an alias URN, or `<type>::<name>` for an
   * alias by spec (the engine works out the children's aliases from their parent's).
   */
  aliases: string[];
}

export interface PlannedCall {
  token: string;
  inputs: Record<string, unknown>;
}

/** A stable fake id: the same resource always gets the same one. */
function stableId(...parts: string[]): string {
  return createHash("sha256").update(parts.join("/")).digest("hex");
}

function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** What AWS would answer for a resource of this type: ARNs, ids and generated names. */
export type OutputRule = (name: string, inputs: Record<string, any>, region: string) => Record<string, unknown>;

function physicalName(name: string, inputs: Record<string, any>): string {
  return inputs.name ?? `${name}-${stableId(name).slice(0, 7)}`;
}

export const OUTPUT_RULES: Record<string, OutputRule> = {
  "aws:kinesis/stream:Stream": (name, inputs, region) => {
    const streamName = physicalName(name, inputs);
    return { name: streamName, arn: `arn:aws:kinesis:${region}:${MOCK_ACCOUNT}:stream/${streamName}` };
  },
  "aws:kms/key:Key": (name, _inputs, region) => {
    const keyId = uuidFrom(stableId("kms", name));
    return { keyId, arn: `arn:aws:kms:${region}:${MOCK_ACCOUNT}:key/${keyId}` };
  },
  "aws:kms/alias:Alias": (_name, inputs, region) => ({
    arn: `arn:aws:kms:${region}:${MOCK_ACCOUNT}:${inputs.name}`,
  }),
  "aws:iam/role:Role": (name, inputs) => {
    const roleName = physicalName(name, inputs);
    return {
      name: roleName,
      arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${roleName}`,
      uniqueId: stableId(name).slice(0, 21),
    };
  },
  "aws:iam/rolePolicy:RolePolicy": (name, inputs) => ({ name: physicalName(name, inputs) }),

  // awsx components are remote: under mocks their children never run, so the mocks answer
  // with the outputs this program reads from them.
  "awsx:ec2:Vpc": (name) => ({
    vpcId: `vpc-${stableId(name).slice(0, 17)}`,
    privateSubnetIds: ["a", "b"].map((az) => `subnet-private-${az}-${stableId(name).slice(0, 8)}`),
    publicSubnetIds: ["a", "b"].map((az) => `subnet-public-${az}-${stableId(name).slice(0, 8)}`),
    isolatedSubnetIds: [],
  }),
  "awsx:lb:ApplicationLoadBalancer": (name, _inputs, region) => ({
    loadBalancer: {
      arn: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT}:loadbalancer/app/${name}/${stableId(name).slice(0, 16)}`,
      arnSuffix: `app/${name}/${stableId(name).slice(0, 16)}`,
      dnsName: `${name}-${stableId(name).slice(0, 8)}.${region}.elb.amazonaws.com`,
      // The load balancers' canonical hosted zone of the region, which alias records name.
      zoneId: `Z${stableId("elb", region).slice(0, 13).toUpperCase()}`,
    },
    defaultTargetGroup: {
      arn: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT}:targetgroup/${name}/${stableId(name).slice(0, 16)}`,
      arnSuffix: `targetgroup/${name}/${stableId(name).slice(0, 16)}`,
    },
  }),
  "awsx:ecr:Image": (name, inputs) => ({
    imageUri: `${inputs.repositoryUrl}@sha256:${stableId("image", name)}`,
  }),
  "aws:ecr/repository:Repository": (name, inputs, region) => {
    const repoName = physicalName(name, inputs);
    return {
      name: repoName,
      arn: `arn:aws:ecr:${region}:${MOCK_ACCOUNT}:repository/${repoName}`,
      repositoryUrl: `${MOCK_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${repoName}`,
    };
  },
  "aws:cloudwatch/logGroup:LogGroup": (name, inputs, region) => {
    const groupName = physicalName(name, inputs);
    return { name: groupName, arn: `arn:aws:logs:${region}:${MOCK_ACCOUNT}:log-group:${groupName}` };
  },
  "aws:ecs/cluster:Cluster": (name, inputs, region) => {
    const clusterName = physicalName(name, inputs);
    return { name: clusterName, arn: `arn:aws:ecs:${region}:${MOCK_ACCOUNT}:cluster/${clusterName}` };
  },
  "aws:ecs/service:Service": (name, inputs) => ({ name: physicalName(name, inputs) }),
  "aws:ecs/taskDefinition:TaskDefinition": (name, inputs, region) => ({
    arn: `arn:aws:ecs:${region}:${MOCK_ACCOUNT}:task-definition/${inputs.family ?? name}:1`,
    revision: 1,
  }),
  "aws:ec2/securityGroup:SecurityGroup": (name) => ({ id: `sg-${stableId(name).slice(0, 17)}` }),
  "aws:ec2/vpcEndpoint:VpcEndpoint": (name) => ({ id: `vpce-${stableId(name).slice(0, 17)}` }),
  "aws:ec2/eip:Eip": (name) => {
    // A documentation address (RFC 5737, 198.51.100.0/24), stable per resource.
    const id = stableId("eip", name);
    return {
      allocationId: `eipalloc-${id.slice(0, 17)}`,
      publicIp: `198.51.100.${(parseInt(id.slice(0, 2), 16) % 254) + 1}`,
    };
  },
  "aws:kinesis/streamConsumer:StreamConsumer": (name, inputs) => ({
    arn: `${inputs.streamArn}/consumer/${inputs.name ?? name}:1700000000`,
  }),
  "aws:dynamodb/table:Table": (name, inputs, region) => {
    const tableName = physicalName(name, inputs);
    return { name: tableName, arn: `arn:aws:dynamodb:${region}:${MOCK_ACCOUNT}:table/${tableName}` };
  },
  "aws:sqs/queue:Queue": (name, inputs, region) => {
    const queueName = physicalName(name, inputs);
    return {
      name: queueName,
      arn: `arn:aws:sqs:${region}:${MOCK_ACCOUNT}:${queueName}`,
      url: `https://sqs.${region}.amazonaws.com/${MOCK_ACCOUNT}/${queueName}`,
    };
  },
  "aws:glue/registry:Registry": (_name, inputs, region) => ({
    arn: `arn:aws:glue:${region}:${MOCK_ACCOUNT}:registry/${inputs.registryName}`,
  }),
  "aws:glue/schema:Schema": (_name, inputs, region) => ({
    arn: `arn:aws:glue:${region}:${MOCK_ACCOUNT}:schema/${String(inputs.registryArn).split("/").pop()}/${inputs.schemaName}`,
    latestSchemaVersion: 1,
    schemaCheckpoint: 1,
  }),
  "aws:lambda/function:Function": (name, inputs, region) => {
    const functionName = physicalName(name, inputs);
    return {
      name: functionName,
      arn: `arn:aws:lambda:${region}:${MOCK_ACCOUNT}:function:${functionName}`,
      sourceCodeHash: stableId(`${functionName}-code`),
    };
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (name, inputs, region) => {
    const alarmName = physicalName(name, inputs);
    return { name: alarmName, arn: `arn:aws:cloudwatch:${region}:${MOCK_ACCOUNT}:alarm:${alarmName}` };
  },
  "aws:s3/bucket:Bucket": (name, inputs) => {
    // Bucket names: lowercase, globally unique; the id is the name.
    const bucket = String(inputs.bucket ?? `${name}-${stableId(name).slice(0, 7)}`);
    return { id: bucket, bucket, arn: `arn:aws:s3:::${bucket}` };
  },
  "aws:s3/bucketObjectv2:BucketObjectv2": (name) => ({ versionId: stableId(name, "version").slice(0, 32) }),
  "aws:cloudwatch/logStream:LogStream": (name, inputs) => ({ name: physicalName(name, inputs) }),
  "aws:kinesisanalyticsv2/application:Application": (name, inputs, region) => {
    const applicationName = physicalName(name, inputs);
    return {
      name: applicationName,
      arn: `arn:aws:kinesisanalytics:${region}:${MOCK_ACCOUNT}:application/${applicationName}`,
      versionId: 1,
    };
  },
  "aws:acm/certificate:Certificate": (name, inputs, region) => {
    // DNS validation: one CNAME per name, under the name and in ACM's validation domain.
    const token = stableId("acm", name, String(inputs.domainName));
    return {
      arn: `arn:aws:acm:${region}:${MOCK_ACCOUNT}:certificate/${uuidFrom(token)}`,
      domainValidationOptions: [
        {
          domainName: inputs.domainName,
          resourceRecordName: `_${token.slice(0, 32)}.${inputs.domainName}.`,
          resourceRecordType: "CNAME",
          resourceRecordValue: `_${token.slice(32, 64)}.acm-validations.aws.`,
        },
      ],
    };
  },
  "aws:route53/record:Record": (_name, inputs) => ({
    // Route 53 names are fully qualified; the provider reports them without the final dot.
    fqdn: String(inputs.name).replace(/\.$/, ""),
  }),
  "aws:secretsmanager/secret:Secret": (name, inputs, region) => {
    // Secrets Manager appends six random characters to the name; the id is the ARN.
    const secretName = physicalName(name, inputs);
    const arn = `arn:aws:secretsmanager:${region}:${MOCK_ACCOUNT}:secret:${secretName}-${stableId("secret", name).slice(0, 6)}`;
    return { id: arn, arn, name: secretName };
  },
  "aws:opensearch/domain:Domain": (name, inputs, region) => {
    // Domain names: 3..28 lowercase characters.
    const domainName = String(inputs.domainName ?? `${name}-${stableId(name).slice(0, 7)}`).slice(0, 28);
    const endpoint = `search-${domainName}-${stableId(domainName).slice(0, 26)}.${region}.es.amazonaws.com`;
    return {
      domainName,
      arn: `arn:aws:es:${region}:${MOCK_ACCOUNT}:domain/${domainName}`,
      endpoint,
      dashboardEndpoint: `${endpoint}/_dashboards`,
    };
  },
};

const CALL_RULES: Record<string, (inputs: Record<string, any>, region: string) => Record<string, unknown>> = {
  "aws:index/getRegion:getRegion": (_i, region) => ({ name: region, region, id: region }),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: MOCK_ACCOUNT,
    arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/plan`,
    userId: "PLAN",
  }),
  "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com" }),
  // A fixed password of the length asked for, with every character class: plans stay stable.
  "aws:secretsmanager/getRandomPassword:getRandomPassword": (inputs) => {
    const length = Number(inputs.passwordLength ?? 32);
    return { ...inputs, id: "plan", randomPassword: "Plan-Mock-Passw0rd".padEnd(length, "x").slice(0, length) };
  },
  // awsx gives each private subnet its own route table: one per subnet, named after it.
  "aws:ec2/getRouteTable:getRouteTable": (inputs) => ({
    ...inputs,
    id: `rtb-${stableId("route-table", String(inputs.subnetId)).slice(0, 17)}`,
    routeTableId: `rtb-${stableId("route-table", String(inputs.subnetId)).slice(0, 17)}`,
  }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_i, region) => ({
    names: [`${region}a`, `${region}b`, `${region}c`],
    zoneIds: ["use1-az1", "use1-az2", "use1-az3"],
  }),
};

/** The type of the root resource every program runs in (pulumi.runtime.runInPulumiStack). */
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export class PlanMocks implements pulumi.runtime.Mocks {
  readonly resources: PlannedResource[] = [];
  readonly calls: PlannedCall[] = [];
  /** Set by the monitor hook just before each newResource call (see `recordOptions`). */
  private pending?: {
    parentUrn: string;
    ignoreChanges: string[];
    protect: boolean;
    dependsOn: string[];
    aliases: string[];
  };

  constructor(
    readonly region: string,
    private readonly extraRules: Record<string, OutputRule> = {},
  ) {}

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const pending = this.pending;
    this.pending = undefined;
    // The stack itself is not a resource of the plan; its children are top-level.
    if (args.type === ROOT_STACK_TYPE) return { id: undefined, state: {} };
    if (pending?.parentUrn.split("::")[2] === ROOT_STACK_TYPE) pending.parentUrn = "";
    const parent = pending?.parentUrn ? this.resources.find((r) => r.urn === pending.parentUrn) : undefined;
    const rule = this.extraRules[args.type] ?? OUTPUT_RULES[args.type];
    const computed = rule ? rule(args.name, args.inputs, this.region) : {};
    const id =
      args.custom === false
        ? undefined
        : typeof computed.id === "string"
          ? computed.id
          : `${args.name}-${stableId(args.type, args.name).slice(0, 8)}`;
    const state = { arn: defaultArn(args.type, args.name, this.region), ...args.inputs, ...computed };
    const urn = mockUrn(pending?.parentUrn, args.type, args.name);
    this.resources.push({
      type: args.type,
      name: args.name,
      parent: parent?.name,
      parentType: parent?.type,
      parentUrn: parent?.urn,
      urn,
      custom: args.custom !== false,
      inputs: args.inputs,
      state,
      ignoreChanges: pending?.ignoreChanges ?? [],
      protect: pending?.protect ?? false,
      dependsOn: pending?.dependsOn ?? [],
      aliases: pending?.aliases ?? [],
    });
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    this.calls.push({ token: args.token, inputs: args.inputs });
    const rule = CALL_RULES[args.token];
    if (!rule) throw new Error(`the plan mocks do not know the function ${args.token}: add it to CALL_RULES`);
    return rule(args.inputs, this.region);
  }

  /**
   * The mocks API does not pass a resource's parent or options to `newResource`. Wrap the
   * mock monitor once so the request that carries them is seen first: the SDK calls
   * `newResource` synchronously inside `registerResource`.
   */
  recordOptions(monitor: any): void {
    // As the engine does, a child of the root stack gets a URN without the stack's type.
    const newUrn = monitor.newUrn.bind(monitor);
    monitor.newUrn = (parent: string | undefined, type: string, name: string) =>
      newUrn(parent?.split("::")[2] === ROOT_STACK_TYPE ? "" : parent, type, name);
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
      this.pending = {
        parentUrn: req.getParent(),
        ignoreChanges: req.getIgnorechangesList?.() ?? [],
        protect: req.getProtect?.() ?? false,
        dependsOn: req.getDependenciesList?.() ?? [],
        aliases: [
          ...(req.getAliasurnsList?.() ?? []),
          ...(req.getAliasesList?.() ?? []).map((a: any) => {
            const spec = a.getSpec?.();
            return a.getUrn?.() || `${spec?.getType?.() ?? ""}::${spec?.getName?.() ?? ""}`;
          }),
        ],
      };
      return register(req, callback);
    };
  }

  /** Recorded resources of a type, optionally with a given logical name. */
  find(type: string, name?: string): PlannedResource[] {
    return this.resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  }
}

/** Most AWS resources have an ARN; a plausible one keeps programs that read `.arn` working. */
function defaultArn(type: string, name: string, region: string): string {
  const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
  return `arn:aws:${service}:${region}:${MOCK_ACCOUNT}:${name}`;
}

/** The URN the mock monitor hands out, so parents can be matched to recorded resources. */
function mockUrn(parentUrn: string | undefined, type: string, name: string): string {
  const parentType = parentUrn ? parentUrn.split("::")[2].split("$").pop() : undefined;
  const qualified = parentType ? `${parentType}$${type}` : type;
  return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
}
