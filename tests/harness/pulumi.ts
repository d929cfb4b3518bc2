/**
 * Test harness for the Pulumi program: runs it under the plan mocks with a given stack
 * config and offers look-ups by resource type, with every output unwrapped.
 */
import { readStackConfig } from "../../infra/config/config";
import { definePipeline, pipelineOutputs } from "../../infra/pipeline";
import { PlannedResource } from "../../infra/plan/mocks";
import { runProgram, RunOptions } from "../../infra/plan/run";
import { Statement } from "../../infra/common/grants";

/** A plan of the pipeline, with the statements of each grant it made, by policy name. */
export interface PlannedPipeline {
  recorded: Recorded;
  outputs: Awaited<ReturnType<typeof run<ReturnType<typeof pipelineOutputs>>>>["outputs"];
  grants: ReadonlyMap<string, readonly Statement[]>;
}

export const PROJECT = "kinesis-pipeline";

/** Stack config with this project's keys unqualified: `{ shardCount: "2" }`. */
export function stackConfig(
  values: Record<string, string>,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, v])),
    ...extra,
  };
}

export class Recorded {
  constructor(readonly resources: PlannedResource[]) {}

  all(type: string): PlannedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The single resource of a type (and name): fails loudly when there are none or several. */
  one(type: string, name?: string): PlannedResource {
    const found = this.all(type).filter((r) => name === undefined || r.name === name);
    if (found.length !== 1) {
      throw new Error(
        `expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`,
      );
    }
    return found[0];
  }
}

/** Runs any program under the mocks. */
export async function run<T>(program: () => T, opts: RunOptions = {}) {
  const { mocks, outputs, grants } = await runProgram(program, { project: PROJECT, ...opts });
  return { recorded: new Recorded(mocks.resources), outputs, grants };
}

/** A documentation address (RFC 5737): the client CIDR every analytics stack must name. */
export const TEST_CLIENT_CIDR = "203.0.113.7/32";

/**
 * What a stack without a domain of its own must say to take API keys over plain HTTP
 * (ingestAuth apiKeys is the default): as the dev example does.
 */
export const TEST_PLAIN_HTTP = { ingestAllowPlainHttp: "true" } as const;

/**
 * Runs the real pipeline with this stack config, as `pulumi up` would. The required
 * searchClientCidr is filled in unless the test sets it (or sets analytics off), and plain
 * HTTP accepted unless the test says otherwise.
 */
export function runPipeline(values: Record<string, string> = {}, opts: RunOptions = {}): Promise<PlannedPipeline> {
  const config = stackConfig({ searchClientCidr: TEST_CLIENT_CIDR, ...TEST_PLAIN_HTTP, ...values }, opts.config);
  const plan = () =>
    run(() => pipelineOutputs(definePipeline(readStackConfig())), { ...opts, config }).then((result) => {
      result.recorded.resources.forEach(deepFreeze);
      return result;
    });
  // Output rules are functions, which a key cannot tell apart: such runs are not shared.
  if (opts.outputRules) return plan();
  const key = JSON.stringify({ ...opts, config: Object.entries(config).sort() });
  let planned = PLANNED.get(key);
  if (!planned) {
    planned = plan();
    PLANNED.set(key, planned);
  }
  return planned;
}

/**
 * The pipeline's plans by config: the program is deterministic under the mocks, and a dozen
 * test files plan the same stacks, so each config is planned once per test run. The
 * resources are frozen, so a test that changed a shared plan would fail where it wrote.
 */
const PLANNED = new Map<string, ReturnType<typeof runPipeline>>();

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

/** A policy document's statements, from a RolePolicy's recorded `policy` input. */
export interface PolicyStatement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string>>;
}

export function statementsOf(policy: PlannedResource): PolicyStatement[] {
  const document = JSON.parse(policy.inputs.policy as string) as { Version: string; Statement: PolicyStatement[] };
  return document.Statement;
}

/** Every statement of every inline policy of a role (by logical name), without Effect. */
export function roleStatements(recorded: Recorded, roleName: string) {
  const role = recorded.one("aws:iam/role:Role", roleName);
  return recorded
    .all("aws:iam/rolePolicy:RolePolicy")
    .filter((p) => p.inputs.role === role.state.name)
    .flatMap(statementsOf)
    .map(({ Sid, Action, Resource, Condition }) => ({ Sid, Action, Resource, ...(Condition ? { Condition } : {}) }));
}
