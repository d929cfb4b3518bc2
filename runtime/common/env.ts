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

export interface EnvVar<T> {
  /** Used when the variable is unset or empty; no default means required. */
  default?: string;
  /** What is allowed, as a phrase: "an integer from 1 to 500". */
  allowed: string;
  /** What the setting does, for --help. */
  purpose: string;
  /** The value, or undefined when `text` is not allowed. */
  parse(text: string): T | undefined;
}

export type EnvSpec = Record<string, EnvVar<unknown>>;
/** Parsed values; a variable whose default is "" is undefined when unset. */
export type EnvValues<S extends EnvSpec> = {
  [K in keyof S]: S[K] extends EnvVar<infer T> ? (S[K] extends { default: "" } ? T | undefined : T) : never;
};

export function integer(min: number, max: number): Pick<EnvVar<number>, "allowed" | "parse"> {
  return {
    allowed: `an integer from ${min} to ${max}`,
    parse: (text) => {
      const value = /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
      return value >= min && value <= max ? value : undefined;
    },
  };
}

export function oneOf<T extends string>(...values: T[]): Pick<EnvVar<T>, "allowed" | "parse"> {
  return {
    allowed: `one of ${values.join(", ")}`,
    parse: (text) => ((values as string[]).includes(text) ? (text as T) : undefined),
  };
}

export function matching(pattern: RegExp, allowed: string): Pick<EnvVar<string>, "allowed" | "parse"> {
  return { allowed, parse: (text) => (pattern.test(text) ? text : undefined) };
}

/** A switch: every boolean variable of the pipeline is written `true` or `false`. */
export const boolean: Pick<EnvVar<boolean>, "allowed" | "parse"> = {
  allowed: "true or false",
  parse: (text) => (text === "true" ? true : text === "false" ? false : undefined),
};

export const httpUrl: Pick<EnvVar<string>, "allowed" | "parse"> = {
  allowed: "an http:// or https:// URL",
  parse: (text) => {
    try {
      const url = new URL(text);
      return url.protocol === "http:" || url.protocol === "https:" ? text.replace(/\/$/, "") : undefined;
    } catch {
      return undefined;
    }
  },
};

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
      problems.push(`${name} is required (allowed: ${variable.allowed})`);
      continue;
    }
    if (text === "") {
      // An optional variable whose default is empty: unset.
      values[name] = undefined;
      continue;
    }
    const value = variable.parse(text);
    if (value === undefined)
      problems.push(`${name}=${JSON.stringify(text)} is not valid (allowed: ${variable.allowed})`);
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
