import { missing, refusal, Setting } from "./setting";
import { UsageError } from "./usage-error";

/**
 * Settings from environment variables, for every service this project runs: a table of
 * variables (default, what is allowed, what it is for) read in one pass that reports every
 * bad variable at once, and the same table printed by `--help`.
 */

/** A setting the user fixes by changing how the service is run; services exit 2 on it. */
export class SettingsError extends UsageError {
  override name = "SettingsError";
}

/** An environment variable: a setting (setting.ts) with the text used when it is unset. */
export interface EnvVar<T> extends Setting<T> {
  /** Used when the variable is unset or empty; no default means required. */
  default?: string;
}

export type EnvSpec = Record<string, EnvVar<unknown>>;
/** Parsed values; a variable whose default is "" is undefined when unset. */
export type EnvValues<S extends EnvSpec> = {
  [K in keyof S]: S[K] extends EnvVar<infer T> ? (S[K] extends { default: "" } ? T | undefined : T) : never;
};

// The parsers every service's table is built from, where the tables import them from.
export { httpUrl, integer, matching, oneOf, switchValue } from "./parsers";

/**
 * Reads every variable of `spec` from `env`. Throws one SettingsError naming each bad or
 * missing variable, its value and what is allowed. An empty value counts as unset.
 */
export function readEnv<S extends EnvSpec>(
  spec: S,
  env: Readonly<Record<string, string | undefined>>,
  /** Checks across variables (a minimum above its maximum): a line per problem, reported with the rest. */
  across: (values: EnvValues<S>) => string[] = () => [],
): EnvValues<S> {
  const { values, problems } = checkEnv(spec, env);
  problems.push(...across(values));
  if (problems.length > 0) {
    throw new SettingsError(problems.length === 1 ? problems[0] : `invalid environment:\n  ${problems.join("\n  ")}`);
  }
  return values;
}

/** readEnv without the throw: the values, and a line per bad or missing variable. */
function checkEnv<S extends EnvSpec>(
  spec: S,
  env: Readonly<Record<string, string | undefined>>,
): { values: EnvValues<S>; problems: string[] } {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(spec)) {
    const raw = env[name];
    const text = raw === undefined || raw === "" ? variable.default : raw;
    if (text === undefined) {
      problems.push(missing(name, variable));
      continue;
    }
    if (text === "") {
      // An optional variable whose default is empty: unset.
      values[name] = undefined;
      continue;
    }
    const value = variable.parse(text);
    if (value === undefined) problems.push(refusal(name, variable, text));
    values[name] = value;
  }
  return { values: values as EnvValues<S>, problems };
}

/** The variables of `spec` as --help lines. */
export function envHelp(spec: EnvSpec): string[] {
  const width = Math.max(...Object.keys(spec).map((n) => n.length));
  return Object.entries(spec).map(
    ([name, v]) =>
      `  ${name.padEnd(width)}  ${v.purpose} (${v.default === undefined ? "required" : `default ${v.default || '""'}`}; ${v.allowed})`,
  );
}
