/**
 * Infra tests read what the plan gives a part the way the part reads it: the runtime's own
 * reader (readEnv) over the part's contract, with what the platform sets added as the
 * platform would. A value the part would refuse fails the read, naming it.
 */
import { AnyContract, isPlatformSet } from "../../../runtime/common/contract";
import { EnvValues, EnvVar, readEnv } from "../../../runtime/common/env";
import { PlannedResource } from "../../../infra/plan/mocks";
import { Recorded } from "../../harness/pulumi";

/** What Lambda sets in every function's environment (of what the parts read). */
const PLATFORM_VALUES: Record<string, string> = { AWS_REGION: "us-east-1" };

export function settingsOf<C extends AnyContract>(
  contract: C,
  env: Readonly<Record<string, string>>,
): EnvValues<C["variables"]> {
  const platform = Object.fromEntries(
    Object.entries<EnvVar<unknown>>(contract.variables)
      .filter(([name, variable]) => isPlatformSet(variable) && PLATFORM_VALUES[name] !== undefined)
      .map(([name]) => [name, PLATFORM_VALUES[name]]),
  );
  return readEnv(contract.variables, { ...platform, ...env }) as EnvValues<C["variables"]>;
}

/** The environment of the container of a task definition (by family), as ECS hands it over. */
export function taskEnvironment(recorded: Recorded, family: string): Record<string, string> {
  const td = recorded.one("aws:ecs/taskDefinition:TaskDefinition", family);
  const [container] = JSON.parse(td.inputs.containerDefinitions as string);
  return Object.fromEntries(container.environment.map((e: { name: string; value: string }) => [e.name, e.value]));
}

/** The environment variables of a function, as Lambda hands them over. */
export function functionEnvironment(fn: PlannedResource): Record<string, string> {
  return (fn.inputs.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {};
}
