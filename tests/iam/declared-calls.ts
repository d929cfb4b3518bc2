/**
 * Every AWS call a part made in the tests is one its contract declares: the same action, on
 * the resource its contract names (the settings the call's names came from), in an
 * environment where the contract says the part makes it, signed or not as declared. A call
 * the contract does not declare is a call the stack would not grant (it grants the
 * contract's calls), so it fails here, naming the part, the call and what to declare.
 */
import { PartSetting, TracedCall } from "../../runtime/common/aws/call-trace";
import { AnyContract, callApplies } from "../../runtime/common/contract";
import { CONTRACTS } from "../../runtime/contracts";
import { iamRequests, MappingError, PlannedNames } from "./iam-requests";
import { isDeployed } from "./parts";

const asList = (value: PartSetting): readonly string[] => (typeof value === "string" ? [value] : value);

/** The settings whose recorded values the call's names carry: which of the part's resources it acts on. */
export function settingsNamed(call: TracedCall): string[] {
  const values = Object.values(call.names).flatMap((v) => (typeof v === "string" ? [v] : v));
  return Object.keys(call.env).filter((setting) => asList(call.env[setting]).some((v) => values.includes(v)));
}

/** The contract's resources that `settings` name ("*" when they name none). */
export function resourcesNamed(contract: AnyContract, settings: readonly string[]): string[] {
  if (settings.length === 0) return ["*"];
  return Object.entries(contract.resources)
    .filter(([, resource]) => (resource as { named: readonly string[] }).named.some((s) => settings.includes(s)))
    .map(([name]) => name);
}

/** The call's own IAM actions (not what a service does on its behalf), whatever the plan's names. */
function actionsOfCall(call: TracedCall): { action: string; unsigned: boolean }[] {
  const planned: PlannedNames = {
    region: "us-east-1",
    account: "000000000000",
    names: call.names,
    path: call.path,
    auth: call.auth,
    streamKey: () => ({ keyArn: "key", keyPolicy: { Version: "2012-10-17", Statement: [] } }),
    domainArn: () => "arn:aws:es:us-east-1:000000000000:domain/search",
    domainPolicy: () => ({ Version: "2012-10-17", Statement: [] }),
  };
  return iamRequests(call.service, call.operation, planned)
    .filter((r) => !r.behalf)
    .map((r) => ({ action: r.action, unsigned: r.anonymous === true }));
}

/** A sentence for each recorded call of a deployed part that its contract does not declare. */
export function undeclaredCalls(calls: readonly TracedCall[]): string[] {
  const problems = new Set<string>();
  for (const call of calls) {
    if (!isDeployed(call.part)) continue;
    const contract = CONTRACTS[call.part];
    const resources = resourcesNamed(contract, settingsNamed(call));
    let actions;
    try {
      actions = actionsOfCall(call);
    } catch (error) {
      if (!(error instanceof MappingError)) throw error;
      problems.add(`${call.part}: ${call.service} ${call.operation}: ${error.message}`);
      continue;
    }
    for (const { action, unsigned } of actions) {
      const declared = contract.calls.some(
        (c) =>
          c.action === action &&
          resources.includes(c.on) &&
          (c.unsigned === true) === unsigned &&
          callApplies(contract, c, call.env),
      );
      if (declared) continue;
      const where = resources.length > 0 ? `on ${resources.join(" or ")}` : "on none of its resources";
      problems.add(
        `${call.part} called ${call.service} ${call.operation} (${action}${unsigned ? ", unsigned" : ""}) ${where}` +
          `${Object.keys(call.env).length > 0 ? ` with ${Object.keys(call.env).join(", ")} set` : ""}, ` +
          `which its contract does not declare in that environment: add the call to its contract`,
      );
    }
  }
  return [...problems];
}
