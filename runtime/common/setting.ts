/**
 * A setting of the pipeline, whether a stack config key (infra/config) or a service's
 * environment variable (env.ts): how its text is parsed, what is allowed, what it is for,
 * and the one sentence a bad value gets, the same in `pulumi preview` and in a service log.
 */

/** Reads a setting's text: the value, or undefined when the text is not allowed. */
export interface Parser<T> {
  /** What is allowed, as it completes "X must be ...": "an integer from 1 to 500". */
  allowed: string;
  parse(text: string): T | undefined;
  /**
   * What is allowed, said for one refused text when a narrower phrase helps more than
   * `allowed` (a DNS name with a trailing dot is told about the dot).
   */
  allowedFor?(text: string): string;
}

/** A parser with what the setting is for: one description, for --help and for the docs. */
export interface Setting<T> extends Parser<T> {
  purpose: string;
}

/** Shows a value the way a user typed it: bare when it is a plain word or number. */
export function shown(text: string): string {
  if (/^[\w.:/@-]+$/.test(text)) return text;
  return text.includes('"') && !text.includes("'") ? `'${text}'` : JSON.stringify(text);
}

/** The sentence for a refused value: "shardCount must be an integer from 1 to 10000, got 0". */
export function refusal(name: string, parser: Parser<unknown>, text: string): string {
  return `${name} must be ${parser.allowedFor?.(text) ?? parser.allowed}, got ${shown(text)}`;
}

/** The sentence for a required setting that is not set. */
export function missing(name: string, parser: Parser<unknown>): string {
  return `${name} must be set to ${parser.allowed}`;
}

/**
 * The sentence for a bound between two settings, when `value` is on the wrong side of
 * `bound`: "ingestMaxTasks must be at least ingestMinTasks (5), got 3".
 */
export function outOfBound(
  name: string,
  side: "at least" | "at most",
  boundName: string,
  bound: number,
  value: number,
): string {
  return `${name} must be ${side} ${boundName} (${bound}), got ${value}`;
}
