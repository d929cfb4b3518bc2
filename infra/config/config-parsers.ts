/**
 * Parsers for config values: each returns the value or a phrase saying what is allowed,
 * which the config error quotes ("shardCount must be an integer 1..10000, got 0").
 */

/** A parsed value, or a phrase saying what is allowed ("an integer 1..10000"). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; allowed: string };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const no = <T>(allowed: string): Parsed<T> => ({ ok: false, allowed });

export function integerIn(min: number, max: number) {
  return (raw: string): Parsed<number> => {
    const value = Number(raw.trim());
    return /^-?\d+$/.test(raw.trim()) && value >= min && value <= max ? ok(value) : no(`an integer ${min}..${max}`);
  };
}

export function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string): Parsed<T> =>
    (values as readonly string[]).includes(raw) ? ok(raw as T) : no(`one of ${values.join(", ")}`);
}

/** A customer-managed KMS key ARN; aliases are refused because IAM grants need the key ARN. */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f-]{36})$/;

export function kmsKeyArn(raw: string): Parsed<string> {
  return KMS_KEY_ARN.test(raw)
    ? ok(raw)
    : no(
        "a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/<key id> (not an alias: grants need the key ARN)",
      );
}

/** AWS tagging rules: https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html */
export const TAG_LIMITS = { maxTags: 50, maxKeyLength: 128, maxValueLength: 256 } as const;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function tags(raw: string): Parsed<Record<string, string>> {
  const allowed =
    `a JSON object of string values, e.g. '{"team":"data"}': at most ${TAG_LIMITS.maxTags} tags, ` +
    `keys 1..${TAG_LIMITS.maxKeyLength} and values 0..${TAG_LIMITS.maxValueLength} characters ` +
    `of letters, digits, spaces and _ . : / = + - @, keys not starting with "aws:"`;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return no(allowed);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return no(allowed);
  const entries = Object.entries(value as Record<string, unknown>);
  const valid =
    entries.length <= TAG_LIMITS.maxTags &&
    entries.every(
      ([k, v]) =>
        typeof v === "string" &&
        k.length >= 1 &&
        k.length <= TAG_LIMITS.maxKeyLength &&
        v.length <= TAG_LIMITS.maxValueLength &&
        TAG_TEXT.test(k) &&
        TAG_TEXT.test(v) &&
        !k.toLowerCase().startsWith("aws:"),
    );
  return valid ? ok(value as Record<string, string>) : no(allowed);
}

/** Inbound rules per security group (default quota): https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html */
export const MAX_INGRESS_RULES = 60;

function isIpv4Cidr(text: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

/**
 * One IPv4 CIDR block of /`widestPrefix` or narrower: it admits browsers to a login page, and
 * a block wider than one organisation's network (0.0.0.0/1 is half the internet) would
 * admit anyone.
 */
export function clientCidr(widestPrefix: number) {
  const allowed =
    `one IPv4 CIDR block from /${widestPrefix} to /32 (wider blocks span many networks), ` +
    "e.g. 203.0.113.7/32 (your address: curl https://checkip.amazonaws.com)";
  return (raw: string): Parsed<string> =>
    isIpv4Cidr(raw) && Number(raw.split("/")[1]) >= widestPrefix ? ok(raw) : no(allowed);
}

/**
 * Where a JAR comes from at deploy time: an https:// URL (a mirror of Maven Central) or a
 * path on the deploying machine. Only the form is checked here; the program checks that a
 * path exists when it packages the file.
 */
export function jarSource(raw: string): Parsed<string> {
  const allowed = "an https:// URL or a file path, ending in .jar";
  if (!raw.endsWith(".jar") || /\s/.test(raw)) return no(allowed);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    try {
      return new URL(raw).protocol === "https:" ? ok(raw) : no(allowed);
    } catch {
      return no(allowed);
    }
  }
  return ok(raw);
}

/** Text that matches a pattern, e.g. an engine version. */
export function matching(pattern: RegExp, allowed: string) {
  return (raw: string): Parsed<string> => (pattern.test(raw) ? ok(raw) : no(allowed));
}

/** A JSON array of IPv4 CIDR blocks, as `pulumi config set --path 'key[0]' 10.0.0.0/8` stores it. */
export function cidrList(raw: string): Parsed<string[]> {
  const allowed = `a list of 1..${MAX_INGRESS_RULES} IPv4 CIDR blocks, e.g. ["203.0.113.0/24"]`;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return no(allowed);
  }
  return Array.isArray(value) &&
    value.length >= 1 &&
    value.length <= MAX_INGRESS_RULES &&
    value.every((c) => typeof c === "string" && isIpv4Cidr(c))
    ? ok(value as string[])
    : no(allowed);
}

const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;

export function acmCertificateArn(raw: string): Parsed<string> {
  return ACM_ARN.test(raw)
    ? ok(raw)
    : no("an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/<id>");
}

/** One of a fixed set of integers (e.g. the retention periods CloudWatch Logs accepts). */
export function integerFrom(values: readonly number[]) {
  return (raw: string): Parsed<number> => {
    const value = Number(raw.trim());
    return /^\d+$/.test(raw.trim()) && values.includes(value) ? ok(value) : no(`one of ${values.join(", ")}`);
  };
}
