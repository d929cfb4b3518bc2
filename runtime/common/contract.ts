/**
 * A deployable part's contract: the one place where the runtime and the infra meet for that
 * part. It says how the part starts (its entry point), the environment it reads (names,
 * parsing, defaults, help: the settings kit's tables), the resources it acts on and the AWS
 * actions it calls on each, and the metrics it emits (the metric catalogue's definitions,
 * runtime/observability/metrics/). The part's code reads its settings
 * with these variables; the stack builds the part's environment from them
 * (`contractEnvironment`, whose argument type admits exactly the variables the part reads)
 * and grants its role the calls declared here (`actionsOn`); the local stack builds its
 * children's environment with the same function; tests/iam proves every recorded call is
 * declared and every declared call is granted.
 *
 * A contract module holds data and pure functions only: infra imports it (and nothing else
 * of the runtime but a short list of pure modules: tests/infra/common/runtime-imports.test.ts).
 */
import { MetricDefinition } from "../observability/metrics/metric";
import { EnvSpec, EnvVar } from "./env";
import { missing, refusal } from "./setting";

/** Every part of the pipeline with a contract, as the call trace and the IAM check name it. */
export type PartName =
  | "ingest"
  | "processing"
  | "processingLambda"
  | "replay"
  | "shardScalerLambda"
  | "flinkScalerLambda"
  | "searchSetupLambda"
  | "searchIndexerLambda"
  | "schemaSetupLambda"
  | "hotspotJob"
  | "hotspotProcessor"
  | "lake"
  | "lakeCompactorLambda"
  | "local";

/** How a part starts. Paths are relative to the repository (or image) root, after `npm run build`. */
export type Entry =
  /** A process, `node <script>`: the container's command, and what npm start and the tests run. */
  | {
      kind: "command";
      script: string;
      /** The container health check's script, run the same way. */ healthCheck?: string;
    }
  /** A Lambda function: the module whose `handle` the function's callback calls. */
  | { kind: "lambda"; module: string }
  /** A record processor a processing worker loads (its PROCESSOR_MODULE). */
  | { kind: "processor"; module: string }
  /**
   * A Managed Flink application: its runtime, and the property groups it is started with
   * (the run options Managed Flink reads, and the group holding the part's variables).
   */
  | {
      kind: "flink";
      runtime: string;
      runOptionsGroup: string;
      runOptions: Readonly<Record<string, string>>;
      propertiesGroup: string;
    };

/** A setting naming what a call acts on: a variable, or a field of the event the stack invokes it with. */
export type SettingName<V> = (keyof V & string) | `event.${string}`;

/** A resource the part acts on, and the settings that name it (whose values its calls carry). */
export interface Resource<V> {
  named: readonly SettingName<V>[];
  /** A table's partition key, where the stack creates the table the part reads. */
  key?: string;
}

/**
 * When a call is made: every listed variable has the value (as text, its default when unset),
 * or, for `true`, is set at all. Unlisted: always.
 */
export type Condition<V> = { readonly [K in keyof V]?: string | true };

export interface DeclaredCall<V, R extends string> {
  /** The IAM action, as AWS's Service Authorization Reference names it: "kinesis:PutRecords". */
  action: string;
  /** The resource it acts on, by the contract's name for it; "*": it names none. */
  on: R | "*";
  when?: Condition<V>;
  /**
   * Who makes the call when it is not code the tests run (the Flink connector on Managed
   * Flink), with the source that shows it: such calls are never recorded, and this is the
   * reason beside their grant.
   */
  madeBy?: string;
  /**
   * Sent without the role's signature (HTTP basic authentication as the search domain's
   * master user): IAM sees an anonymous caller, so the role grants nothing for it and the
   * resource's own policy must admit it.
   */
  unsigned?: true;
}

/**
 * Metrics the part emits, as the metric catalogue defines them (runtime/observability/metrics/):
 * definitions published with the same dimensions, and what each dimension's value is (a
 * literal, or the variable that holds it).
 */
export interface MetricSet<D extends string = string> {
  metrics: readonly MetricDefinition<D>[];
  dimensions: Readonly<Record<D, string>>;
}

/**
 * The metrics of a catalogue family (all of them, or those listed) a part emits, with what
 * each of their dimensions holds; the dimensions' names are the definitions' (type-checked).
 */
export function emits<D extends string>(
  metrics: Readonly<Record<string, MetricDefinition<D>>> | readonly MetricDefinition<D>[],
  dimensions: Readonly<Record<D, string>>,
): MetricSet<D> {
  const list: readonly MetricDefinition<D>[] = Array.isArray(metrics) ? metrics : Object.values(metrics);
  const names = Object.keys(dimensions).sort().join(",");
  for (const metric of list) {
    if ([...metric.dimensions].sort().join(",") !== names) {
      throw new Error(`${metric.name} is published with ${metric.dimensions.join(", ")}, not ${names}`);
    }
  }
  return { metrics: list, dimensions };
}

export interface Contract<V extends EnvSpec = EnvSpec, R extends string = string> {
  part: PartName;
  /** What the part is, in a line. */
  purpose: string;
  /** How it starts: the one list of the pipeline's entry points is the contracts' (runtime/contracts.ts). */
  entry: Entry;
  /** The environment the part reads (for the Flink job: its application properties). */
  variables: V;
  /** What its calls act on, each by the settings that name it. */
  resources: { readonly [K in R]: Resource<V> };
  /** Every AWS call its code makes (or, with madeBy, code it ships makes), in any environment. */
  calls: readonly DeclaredCall<V, NoInfer<R>>[];
  /** What it emits (for the Flink job: what Managed Flink publishes of it). */
  metrics: readonly MetricSet[];
  /** Set for a part that only ever runs on a laptop against the emulators: why it is never deployed. */
  localOnly?: string;
}

/**
 * Any part's contract, for functions that take one (its variables' and resources' names
 * make Contract<V, R> invariant in them, so it is not assignable to Contract<EnvSpec>).
 */
export type AnyContract = Contract<any, any>;

/** A contract whose types are inferred from its literal: the variables' and resources' names are checked. */
export function defineContract<V extends EnvSpec, R extends string>(contract: Contract<V, R>): Contract<V, R> {
  return contract;
}

/** A variable the platform sets (Lambda's AWS_REGION): the part reads it, the stack must not set it. */
export type PlatformVariable<T> = EnvVar<T> & { setBy: string };

/**
 * `variable`, set by `platform` ("Lambda"). Lambda reserves AWS_REGION (among others) and
 * refuses a function configuration that sets it:
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
export function setByPlatform<T>(variable: EnvVar<T>, platform: string): PlatformVariable<T> {
  return { ...variable, setBy: platform };
}

/** Whether the platform sets `variable` (setByPlatform), so no stack may. */
export function isPlatformSet(variable: EnvVar<unknown>): boolean {
  return "setBy" in variable;
}

type VariablesOf<C extends AnyContract> = C["variables"];
type PlatformOf<V> = { [K in keyof V]: V[K] extends { setBy: string } ? K : never }[keyof V];
type Defaulted<V> = { [K in keyof V]: V[K] extends { default: string } ? K : never }[keyof V];

/**
 * The values a part's environment takes: every variable it reads without a default is
 * required, the others optional, the platform's excluded. `T` is what a value may be besides
 * plain text, numbers and booleans (a Pulumi output, in infra).
 */
export type EnvironmentValues<C extends AnyContract, T = never> = {
  [K in Exclude<keyof VariablesOf<C>, Defaulted<VariablesOf<C>> | PlatformOf<VariablesOf<C>>>]:
    T | string | number | boolean;
} & {
  [K in Exclude<Defaulted<VariablesOf<C>>, PlatformOf<VariablesOf<C>>>]?: T | string | number | boolean | undefined;
};

/** Names `values` has that the contract does not read: each must be `never`, so tsc refuses them. */
export type NoOtherNames<C extends AnyContract, E> = { [K in Exclude<keyof E, keyof EnvironmentValues<C>>]: never };

/** A part's environment built from its contract: the only way infra and the local stack build one. */
export interface ContractEnvironment<C extends AnyContract, T = never> {
  contract: C;
  /** Name to value: text, or a `T` (a Pulumi output) whose text is known at deploy time. */
  variables: Record<string, T | string>;
}

/**
 * The environment a part is given, from its contract: unset (undefined) values are left out,
 * numbers and booleans written as text ("true"/"false"). A plain value the part would refuse
 * (its variable's parse fails) throws here, naming it, so a stack never hands a part a value
 * it cannot start with; values known only later (`T`) are checked by the infra tests.
 */
export function contractEnvironment<C extends AnyContract, E extends EnvironmentValues<C, T>, T = never>(
  contract: C,
  values: E & NoOtherNames<C, E>,
): ContractEnvironment<C, T> {
  const variables: Record<string, T | string> = {};
  const given = Object.entries(values as Record<string, unknown>).filter(([, value]) => value !== undefined);
  const problems = environmentNameProblems(
    contract,
    given.map(([name]) => name),
  );
  for (const [name, value] of given) {
    const variable: EnvVar<unknown> | undefined = contract.variables[name];
    if (!variable || isPlatformSet(variable)) continue;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      const text = String(value);
      if (text !== "" && variable.parse(text) === undefined) {
        problems.push(refusal(name, variable, text));
      }
      variables[name] = text;
    } else {
      variables[name] = value as T;
    }
  }
  if (problems.length > 0) throw new Error(`the environment of ${contract.part}: ${problems.join("; ")}`);
  return { contract, variables };
}

/**
 * What is wrong with `names` as the variables a part is given: a name it does not read or
 * that its platform sets, and each variable it requires (no default) that is missing.
 */
export function environmentNameProblems(contract: AnyContract, names: readonly string[]): string[] {
  const problems: string[] = [];
  for (const name of names) {
    const variable: EnvVar<unknown> | undefined = contract.variables[name];
    if (!variable) problems.push(`${name} is not a variable ${contract.part} reads`);
    else if (isPlatformSet(variable))
      problems.push(`${name} is set by ${(variable as PlatformVariable<unknown>).setBy}`);
  }
  for (const [name, variable] of Object.entries<EnvVar<unknown>>(contract.variables)) {
    if (variable.default === undefined && !isPlatformSet(variable) && !names.includes(name)) {
      problems.push(missing(name, variable));
    }
  }
  return problems;
}

/** A variable's text in `env` for a condition: its value, else its default; undefined when unset. */
function textOf(
  contract: AnyContract,
  env: Readonly<Record<string, unknown>>,
  name: string,
): string | undefined | object {
  const value = env[name];
  if (value === undefined || value === "") return (contract.variables[name] as EnvVar<unknown>)?.default || undefined;
  return typeof value === "object" && value !== null ? value : String(value);
}

/** Whether `call` is made by a part run with `env` (a part's environment, as text or as infra's values). */
export function callApplies(
  contract: AnyContract,
  call: DeclaredCall<EnvSpec, string>,
  env: Readonly<Record<string, unknown>>,
): boolean {
  return Object.entries(call.when ?? {}).every(([name, expected]) => {
    const value = textOf(contract, env, name);
    if (expected === true) return value !== undefined;
    if (typeof value === "object") {
      throw new Error(`${contract.part}: ${name} decides which calls it makes, so it must be known at plan time`);
    }
    return value === expected;
  });
}

/** The calls a part run with `env` makes. */
export function callsOf(
  contract: AnyContract,
  env: Readonly<Record<string, unknown>>,
): DeclaredCall<EnvSpec, string>[] {
  return contract.calls.filter((call) => callApplies(contract, call, env));
}

/** The actions of the calls a part run with `env` makes that `which` picks, each once, in the contract's order. */
export function actionsWhere(
  contract: AnyContract,
  env: Readonly<Record<string, unknown>>,
  which: (call: DeclaredCall<EnvSpec, string>) => boolean,
): string[] {
  return [
    ...new Set(
      callsOf(contract, env)
        .filter(which)
        .map((call) => call.action),
    ),
  ];
}

/**
 * The actions a part run with `env` calls with its role's signature on one of its resources
 * ("*": on none): what the stack grants its role there.
 */
export function actionsOn<R extends string>(
  contract: Contract<any, R>,
  on: R | "*",
  env: Readonly<Record<string, unknown>>,
): string[] {
  return actionsWhere(contract, env, (call) => call.on === on && !call.unsigned);
}

/** The actions it calls unsigned on a resource: what the resource's own policy must admit for anyone. */
export function unsignedActionsOn<R extends string>(
  contract: Contract<any, R>,
  on: R,
  env: Readonly<Record<string, unknown>>,
): string[] {
  return actionsWhere(contract, env, (call) => call.on === on && call.unsigned === true);
}

/** The actions of one AWS service ("glue") it calls with its role's signature, on whatever resource. */
export function serviceActions(
  contract: AnyContract,
  env: Readonly<Record<string, unknown>>,
  service: string,
): string[] {
  return actionsWhere(contract, env, (call) => call.action.startsWith(`${service}:`) && !call.unsigned);
}

/** The calls on `on` that someone else makes (madeBy), as grants take their reasons: action to who. */
export function reasonsOn<R extends string>(contract: Contract<any, R>, on: R | "*"): Record<string, string> {
  return Object.fromEntries(
    contract.calls.filter((call) => call.on === on && call.madeBy).map((call) => [call.action, call.madeBy!]),
  );
}
