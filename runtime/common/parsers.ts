/**
 * The parsers settings are built from, for stack config keys and environment variables
 * alike: each reads a text and says what it allows (setting.ts). Parsers only the stack
 * config needs are built on these in infra/config/config-parsers.ts.
 */
import { Parser } from "./setting";

export function integer(min: number, max: number): Parser<number> {
  return {
    allowed: `an integer from ${min} to ${max}`,
    parse: (text) => {
      const value = /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
      return value >= min && value <= max ? value : undefined;
    },
  };
}

/** One of a fixed set of integers (e.g. the retention periods CloudWatch Logs accepts). */
export function oneOfIntegers(values: readonly number[]): Parser<number> {
  return {
    allowed: `one of ${values.join(", ")}`,
    parse: (text) => (/^[0-9]+$/.test(text) && values.includes(Number(text)) ? Number(text) : undefined),
  };
}

export function oneOf<T extends string>(...values: readonly T[]): Parser<T> {
  return {
    allowed: `one of ${values.join(", ")}`,
    parse: (text) => ((values as readonly string[]).includes(text) ? (text as T) : undefined),
  };
}

/** Text that matches a pattern (a name, an engine version), described by `allowed`. */
export function matching(pattern: RegExp, allowed: string): Parser<string> {
  return { allowed, parse: (text) => (pattern.test(text) ? text : undefined) };
}

/** An endpoint URL; a trailing slash is dropped so paths can be appended. */
export const httpUrl: Parser<string> = {
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

const SAID_ON = ["on", "yes", "1"];
const SAID_OFF = ["off", "no", "0"];

/**
 * A switch, as Pulumi's boolean config type holds it: true or false. A value that means
 * one of them in other words ("on", from the keys' former on/off values) is told which.
 */
export const switchValue: Parser<boolean> = {
  allowed: "true or false",
  parse: (text) => (text === "true" ? true : text === "false" ? false : undefined),
  allowedFor: (text) =>
    SAID_ON.includes(text)
      ? `true or false (for ${text}, write true)`
      : SAID_OFF.includes(text)
        ? `true or false (for ${text}, write false)`
        : "true or false",
};

/** Whether `text` is one IPv4 CIDR block, a.b.c.d/n. */
export function isIpv4Cidr(text: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

/** One IPv4 CIDR block of /`widestPrefix` or narrower. */
export function ipv4Cidr(widestPrefix: number, allowed: string): Parser<string> {
  return {
    allowed,
    parse: (text) => (isIpv4Cidr(text) && Number(text.split("/")[1]) >= widestPrefix ? text : undefined),
  };
}

/**
 * The ARN of one kind of regional resource: `resource` matches what follows the account,
 * e.g. /key\/[0-9a-f-]{36}/ for a KMS key (ARN format:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). Any partition.
 */
export function arn(service: string, resource: RegExp, allowed: string): Parser<string> {
  const pattern = new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:(?:${resource.source})$`);
  return matching(pattern, allowed);
}

/** A JSON text, parsed; undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
