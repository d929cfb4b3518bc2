/**
 * What the IAM check needs of one planned stack (a run of the program under the plan
 * mocks): every role with its inline policies and the reasons `grant` was given for them,
 * what runs under each role (a Fargate task, a Lambda function or a Managed Flink
 * application of a runtime part, found by its contract's entry point, with the environment
 * the plan gives it), and the plan's streams' keys and search domains.
 */
import { Statement } from "../../infra/common/grants";
import { MOCK_ACCOUNT } from "../../infra/plan/mocks";
import { eventSetting, PartName, PartSetting } from "../../runtime/common/aws/call-trace";
import { ALL_CONTRACTS } from "../../runtime/contracts";
import { commandScript } from "../../runtime/common/contract-entry";
import { Recorded, runPipeline } from "../harness/pulumi";
import { defaultKeyPolicy, PolicyDocument } from "./policy-document";

/** A task, function or Flink application of the plan that runs runtime code. */
export interface Deployable {
  kind: "task" | "function" | "application";
  /** Its logical name in the plan. */
  name: string;
  /** The runtime part it runs (its contract's), found from its command, handler or property groups. */
  part?: PartName;
  roleArn: string;
  /**
   * Its environment (for a Flink application, its contract's property group), and for a
   * function the stack invokes, its event's fields (eventSetting).
   */
  env: Record<string, PartSetting>;
  /** Only the environment, as the part reads it: what the contract's variables must cover. */
  variables: Record<string, string>;
}

export interface PlannedRole {
  /** Logical name in the plan. */
  name: string;
  arn: string;
  policies: { name: string; document: PolicyDocument; statements?: readonly Statement[] }[];
  /** What assumes it, for messages: "task role of ingest". */
  usedFor: string[];
}

export interface PlanView {
  stack: string;
  region: string;
  account: string;
  roles: PlannedRole[];
  deployables: Deployable[];
  /** Things the plan has that the check cannot look into (a managed policy), as problems. */
  problems: string[];
  streamKey(streamArn: string): { keyArn: string; keyPolicy: PolicyDocument } | undefined;
  domainArn(endpoint: string): string | undefined;
  domainPolicy(endpoint: string): PolicyDocument | undefined;
}

export const PLAN_REGION = "us-east-1";

/** Runs the pipeline under the plan mocks with `config` and reads what the check needs. */
export async function planStack(stack: string, config: Record<string, string>): Promise<PlanView> {
  const { recorded, grants } = await runPipeline(config, { region: PLAN_REGION });
  return viewPlan(stack, recorded, new Map(grants));
}

const str = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

export async function viewPlan(
  stack: string,
  recorded: Recorded,
  grants: ReadonlyMap<string, readonly Statement[]>,
): Promise<PlanView> {
  const problems: string[] = [];
  const account = MOCK_ACCOUNT;
  const region = PLAN_REGION;
  const partOf = (matches: (entry: (typeof ALL_CONTRACTS)[number]["entry"]) => boolean): PartName | undefined =>
    ALL_CONTRACTS.find((c) => matches(c.entry))?.part;
  const deployables: Deployable[] = [];
  const usedFor = new Map<string, string[]>();
  const use = (arn: string, what: string) => usedFor.set(arn, [...(usedFor.get(arn) ?? []), what]);

  for (const task of recorded.all("aws:ecs/taskDefinition:TaskDefinition")) {
    const [container] = JSON.parse(str(task.inputs.containerDefinitions)) as {
      command?: string[];
      environment?: { name: string; value: string }[];
    }[];
    const script = commandScript(container.command ?? []);
    const part = partOf((entry) => entry.kind === "command" && script === entry.script);
    const roleArn = str(task.inputs.taskRoleArn);
    const variables = Object.fromEntries((container.environment ?? []).map((e) => [e.name, e.value]));
    deployables.push({ kind: "task", name: task.name, part, roleArn, env: variables, variables });
    use(roleArn, `task role of ${task.name}`);
    // The ECS agent pulls the image and ships the logs with it; no code of ours runs under it.
    use(str(task.inputs.executionRoleArn), `execution role of ${task.name}`);
  }
  for (const fn of recorded.all("aws:lambda/function:Function")) {
    const assets = (await (fn.inputs.code as { assets?: Promise<Record<string, { text?: Promise<string> }>> })
      .assets) as Record<string, { text?: Promise<string> }> | undefined;
    const handler = (await assets?.["__index.js"]?.text) ?? "";
    const part = partOf(
      (entry) => entry.kind === "lambda" && handler.includes(`"./${entry.module.replace(/\.js$/, "")}"`),
    );
    const roleArn = str(fn.inputs.role);
    const variables = (fn.inputs.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {};
    const events = recorded
      .all("aws:lambda/invocation:Invocation")
      .filter((i) => i.inputs.functionName === fn.state.name)
      .map((i) => eventSettings(JSON.parse(str(i.inputs.input)) as unknown));
    if (events.length > 1) problems.push(`function ${fn.name} is invoked by the stack more than once: which event?`);
    deployables.push({
      kind: "function",
      name: fn.name,
      part,
      roleArn,
      env: { ...variables, ...events[0] },
      variables,
    });
    use(roleArn, `function ${fn.name}`);
  }
  for (const app of recorded.all("aws:kinesisanalyticsv2/application:Application")) {
    const roleArn = str(app.inputs.serviceExecutionRole);
    const groups =
      (
        app.inputs.applicationConfiguration as {
          environmentProperties?: {
            propertyGroups?: { propertyGroupId: string; propertyMap: Record<string, string> }[];
          };
        }
      ).environmentProperties?.propertyGroups ?? [];
    const contract = ALL_CONTRACTS.find(
      (c) =>
        c.entry.kind === "flink" &&
        c.entry.runtime === app.inputs.runtimeEnvironment &&
        groups.some((g) => c.entry.kind === "flink" && g.propertyGroupId === c.entry.propertiesGroup),
    );
    const properties =
      contract?.entry.kind === "flink"
        ? (groups.find((g) => contract.entry.kind === "flink" && g.propertyGroupId === contract.entry.propertiesGroup)
            ?.propertyMap ?? {})
        : {};
    deployables.push({
      kind: "application",
      name: app.name,
      part: contract?.part,
      roleArn,
      env: properties,
      variables: properties,
    });
    use(roleArn, `Managed Flink application ${app.name}`);
  }

  const inlinePolicies = recorded.all("aws:iam/rolePolicy:RolePolicy");
  const roles: PlannedRole[] = recorded.all("aws:iam/role:Role").map((role) => {
    if (role.inputs.managedPolicyArns !== undefined || role.inputs.inlinePolicies !== undefined) {
      problems.push(`role ${role.name} has policies the check does not read (managedPolicyArns, inlinePolicies)`);
    }
    const arn = str(role.state.arn);
    return {
      name: role.name,
      arn,
      policies: inlinePolicies
        .filter((p) => p.inputs.role === role.state.name)
        .map((p) => ({
          name: p.name,
          document: JSON.parse(str(p.inputs.policy)) as PolicyDocument,
          statements: grants.get(p.name),
        })),
      usedFor: usedFor.get(arn) ?? [],
    };
  });
  for (const attachment of recorded.all("aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
    problems.push(`${attachment.name} attaches a managed policy, which the check does not read: grant instead`);
  }

  const streams = recorded.all("aws:kinesis/stream:Stream");
  const keys = recorded.all("aws:kms/key:Key");
  const domains = recorded.all("aws:opensearch/domain:Domain");
  const domainPolicies = recorded.all("aws:opensearch/domainPolicy:DomainPolicy");
  return {
    stack,
    region,
    account,
    roles,
    deployables,
    problems,
    streamKey(streamArn) {
      const stream = streams.find((s) => s.state.arn === streamArn);
      if (!stream) return undefined;
      const keyArn = str(stream.state.kmsKeyId);
      const key = keys.find((k) => k.state.arn === keyArn);
      const policy = key?.inputs.policy;
      return {
        keyArn,
        keyPolicy: policy ? (JSON.parse(str(policy)) as PolicyDocument) : defaultKeyPolicy(account),
      };
    },
    domainArn(endpoint) {
      const domain = domains.find((d) => d.state.endpoint === endpoint);
      return domain && str(domain.state.arn);
    },
    domainPolicy(endpoint) {
      const domain = domains.find((d) => d.state.endpoint === endpoint);
      const policy = domain && domainPolicies.find((p) => p.inputs.domainName === domain.state.domainName);
      return policy && (JSON.parse(str(policy.inputs.accessPolicies)) as PolicyDocument);
    },
  };
}

/**
 * The settings an event gives the function the stack invokes with it, named as the handler
 * names them (runtime/common/aws/call-trace.ts eventSetting): each text field, and each text field
 * of the objects of a list, as a list.
 */
export function eventSettings(event: unknown): Record<string, PartSetting> {
  const settings: Record<string, PartSetting> = {};
  if (typeof event !== "object" || event === null) return settings;
  for (const [field, value] of Object.entries(event)) {
    if (typeof value === "string") settings[eventSetting(field)] = value;
    if (!Array.isArray(value)) continue;
    const objects = value.filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null);
    for (const key of new Set(objects.flatMap((o) => Object.keys(o)))) {
      const texts = objects.map((o) => o[key]).filter((v): v is string => typeof v === "string");
      if (texts.length > 0) settings[eventSetting(field, key)] = texts;
    }
  }
  return settings;
}
