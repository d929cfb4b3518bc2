/**
 * The IAM check of one planned stack against the recorded calls: each call a deployed part
 * made in the tests is allowed by the policies the plan gives that part's role; each call
 * the part's contract declares for its planned environment is granted to that role; and
 * each action any role of the plan is granted is used by a recorded call of a part under
 * it, or carries a reason beside its grant (Statement.usedBy). Returns the problems, each a
 * sentence that names the part, the call, the action, the resource and the policy.
 */
import { reasonFor } from "../../infra/common/grants";
import { PartName, PartSetting, TracedCall } from "../../runtime/common/aws/call-trace";
import { callsOf } from "../../runtime/common/contract";
import { CONTRACTS } from "../../runtime/contracts";
import { BridgeError, bridgeNames } from "./bridge";
import { iamRequests, MappingError } from "./iam-requests";
import { isDeployed, modesOf } from "./parts";
import { Deployable, PlannedRole, PlanView } from "./plan-view";
import { asList } from "./policy-document";
import { matchesAction, simulate } from "./simulate";

export interface StackCheck {
  problems: string[];
  /** Recorded calls that count for this stack, and the IAM requests simulated for them. */
  calls: number;
  requests: number;
}

/**
 * Does a call recorded with `call.env` count for a part the plan runs with `planned`? Its
 * modes for the call's service agree, and every setting it was recorded with that the plan
 * ever sets for the part (`planSettings`, over all checked stacks) is set in this plan too:
 * a call made with CONSUMER_ARN is no call of a part that has none.
 */
export function counts(
  call: TracedCall,
  planned: Record<string, PartSetting>,
  planSettings: ReadonlySet<string>,
): boolean {
  const modes = call.part ? modesOf(CONTRACTS[call.part]) : {};
  for (const [setting, mode] of Object.entries(modes)) {
    if (!mode.decides.includes(call.service)) continue;
    if ((call.env[setting] ?? mode.default) !== (planned[setting] ?? mode.default)) return false;
  }
  return Object.keys(call.env).every((setting) => !planSettings.has(setting) || planned[setting] !== undefined);
}

function describeCall(call: TracedCall): string {
  const names = Object.entries(call.names)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
  return `${call.service} ${call.operation}${call.path ? ` ${call.path}` : ""}${names ? ` (${names})` : ""}`;
}

export async function checkStack(
  plan: PlanView,
  calls: readonly TracedCall[],
  planSettings: ReadonlyMap<PartName, ReadonlySet<string>>,
): Promise<StackCheck> {
  const problems = [...plan.problems];
  const used = new Map<string, Set<string>>();
  let counted = 0;
  let requests = 0;
  const decided = new Set<string>();

  for (const deployable of plan.deployables) {
    if (deployable.part === undefined) continue;
    if (!isDeployed(deployable.part)) {
      problems.push(
        `${deployable.kind} ${deployable.name} runs ${deployable.part}, whose contract says it is local only`,
      );
      continue;
    }
    const role = plan.roles.find((r) => r.arn === deployable.roleArn);
    if (!role) {
      problems.push(`${deployable.kind} ${deployable.name}: its role ${deployable.roleArn} is not in the plan`);
      continue;
    }
    problems.push(...ungrantedCalls(deployable, role));
    const settings = planSettings.get(deployable.part) ?? new Set<string>();
    const own = calls.filter((c) => c.part === deployable.part && counts(c, deployable.env, settings));
    for (const call of own) {
      counted++;
      const where = `${deployable.part} (${deployable.kind} ${deployable.name}, role ${role.name}): ${describeCall(call)}`;
      let planned;
      try {
        // One recorded call may stand for several planned ones (a name from a list setting).
        planned = bridgeNames(call.names, call.env, deployable.env).flatMap((names) =>
          iamRequests(call.service, call.operation, {
            region: plan.region,
            account: plan.account,
            names,
            path: call.path,
            auth: call.auth,
            streamKey: plan.streamKey,
            domainArn: plan.domainArn,
            domainPolicy: plan.domainPolicy,
          }),
        );
      } catch (error) {
        if (!(error instanceof BridgeError || error instanceof MappingError)) throw error;
        problems.push(`${where}: ${error.message}`);
        continue;
      }
      for (const request of planned) {
        requests++;
        // An unsigned request uses no permission of the role: it cannot make a grant used.
        if (!request.anonymous) markUsed(used, role, request.action);
        // Many recorded calls come to the same request: it is simulated, and reported, once.
        const key = `${request.anonymous ? "anonymous" : role.arn} ${request.action} ${request.resource} ${JSON.stringify(request.context ?? {})}`;
        if (decided.has(key)) continue;
        decided.add(key);
        const verdict = await simulate(request, { roleArn: role.arn, account: plan.account, policies: role.policies });
        if (verdict.allowed) continue;
        problems.push(
          `${where} needs ${request.action} on ${request.resource}` +
            `${request.context ? ` with ${JSON.stringify(request.context)}` : ""}` +
            `${request.via ? ` (${request.via})` : ""}: refused; ${verdict.why}`,
        );
      }
    }
  }

  for (const role of plan.roles)
    problems.push(...unusedGrants(role, used.get(role.arn) ?? new Set(), plan.deployables));
  return { problems, calls: counted, requests };
}

/**
 * Every call the part's contract declares for its planned environment that no statement of
 * its role grants (an unsigned call excepted: the role takes no part in it). Which resource
 * a grant must name is the recorded calls' business (they are simulated); this holds the
 * role to the whole of what the code declares, also calls no test could record (madeBy).
 */
export function ungrantedCalls(deployable: Deployable, role: PlannedRole): string[] {
  const granted = role.policies.flatMap((p) => p.document.Statement.flatMap((s) => asList(s.Action)));
  return callsOf(CONTRACTS[deployable.part!], deployable.env)
    .filter((call) => !call.unsigned && !granted.some((g) => matchesAction(g, call.action)))
    .map(
      (call) =>
        `${deployable.part} (${deployable.kind} ${deployable.name}, role ${role.name}): its contract declares ` +
        `${call.action} on ${call.on}, which no policy of the role grants`,
    );
}

function markUsed(used: Map<string, Set<string>>, role: PlannedRole, action: string): void {
  const actions = used.get(role.arn) ?? new Set<string>();
  actions.add(action);
  used.set(role.arn, actions);
}

/** Every granted action no recorded call used and no reason explains. */
function unusedGrants(role: PlannedRole, used: ReadonlySet<string>, deployables: readonly Deployable[]): string[] {
  const problems: string[] = [];
  const parts = deployables.filter((d) => d.roleArn === role.arn && d.part).map((d) => d.part);
  const who =
    parts.length > 0
      ? `no recorded call of ${[...new Set(parts)].join(", ")} uses it`
      : "no part of the runtime runs under this role to use it";
  for (const policy of role.policies) {
    for (const statement of policy.document.Statement) {
      const usedBy = policy.statements?.find((s) => s.sid === statement.Sid)?.usedBy;
      for (const action of asList(statement.Action)) {
        if (reasonFor(usedBy, action) !== undefined) continue;
        if ([...used].some((u) => matchesAction(action, u))) continue;
        problems.push(
          `role ${role.name} (${role.usedFor.join(", ") || "not used by the plan"}) is granted ${action} ` +
            `by ${policy.name} (Sid ${statement.Sid}), but ${who} and the grant gives no reason (usedBy)` +
            (policy.statements ? "" : `: ${policy.name} was not made through grant() (infra/common/grants.ts)`),
        );
      }
    }
  }
  return problems;
}
