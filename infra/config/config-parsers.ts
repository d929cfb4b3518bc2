/**
 * Parsers only the stack config needs, built on the pipeline's one kit
 * (runtime/common/parsers.ts, setting.ts): each reads a value as Pulumi hands it over (a
 * string; lists and objects as JSON) and says what it allows.
 */
import { isTenantId, TENANT_ID_ALLOWED } from "../../runtime/stream/tenant-key";
import { arn, ipv4Cidr, isIpv4Cidr, matching, parseJson } from "../../runtime/common/parsers";
import { Parser } from "../../runtime/common/setting";

/** A customer-managed KMS key ARN; aliases are refused because IAM grants need the key ARN. */
export const kmsKeyArn = arn(
  "kms",
  /key\/(mrk-[0-9a-f]{32}|[0-9a-f-]{36})/,
  "a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/<key id> (not an alias: grants need the key ARN)",
);

export const acmCertificateArn = arn(
  "acm",
  /certificate\/[0-9a-f-]{36}/,
  "an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/<id>",
);

/** AWS tagging rules: https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html */
export const TAG_LIMITS = { maxTags: 50, maxKeyLength: 128, maxValueLength: 256 } as const;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export const tags: Parser<Record<string, string>> = {
  allowed:
    `a JSON object of string values, e.g. '{"team":"data"}': at most ${TAG_LIMITS.maxTags} tags, ` +
    `keys 1..${TAG_LIMITS.maxKeyLength} and values 0..${TAG_LIMITS.maxValueLength} characters ` +
    `of letters, digits, spaces and _ . : / = + - @, keys not starting with "aws:"`,
  parse: (text) => {
    const value = parseJson(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
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
    return valid ? (value as Record<string, string>) : undefined;
  },
};

/** Inbound rules per security group (default quota): https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html */
export const MAX_INGRESS_RULES = 60;

/**
 * One IPv4 CIDR block of /`widestPrefix` or narrower: it admits browsers to a login page, and
 * a block wider than one organisation's network (0.0.0.0/1 is half the internet) would
 * admit anyone.
 */
export function clientCidr(widestPrefix: number): Parser<string> {
  return ipv4Cidr(
    widestPrefix,
    `one IPv4 CIDR block from /${widestPrefix} to /32 (wider blocks span many networks), ` +
      "e.g. 203.0.113.7/32 (your address: curl https://checkip.amazonaws.com)",
  );
}

/** A JSON array of IPv4 CIDR blocks, as `pulumi config set --path 'key[0]' 10.0.0.0/8` stores it. */
export const cidrList: Parser<string[]> = {
  allowed: `a list of 1..${MAX_INGRESS_RULES} IPv4 CIDR blocks, e.g. ["203.0.113.0/24"]`,
  parse: (text) => {
    const value = parseJson(text);
    return Array.isArray(value) &&
      value.length >= 1 &&
      value.length <= MAX_INGRESS_RULES &&
      value.every((c) => typeof c === "string" && isIpv4Cidr(c))
      ? (value as string[])
      : undefined;
  },
};

/**
 * Where a JAR comes from at deploy time: an https:// URL (a mirror of Maven Central) or a
 * path on the deploying machine. Only the form is checked here; the program checks that a
 * path exists when it packages the file.
 */
export const jarSource: Parser<string> = {
  allowed: "an https:// URL or a file path, ending in .jar",
  parse: (text) => {
    if (!text.endsWith(".jar") || /\s/.test(text)) return undefined;
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return text;
    try {
      return new URL(text).protocol === "https:" ? text : undefined;
    } catch {
      return undefined;
    }
  },
};

/** An e-mail address SNS can subscribe. */
export const emailAddress = matching(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "an e-mail address such as ops@example.com");

/** A JSON array of tenant ids, at most `max`, each once (runtime/stream/tenant-key.ts). */
export function tenantIdList(max: number): Parser<string[]> {
  return {
    allowed: `a JSON array of at most ${max} distinct tenant ids (${TENANT_ID_ALLOWED}), e.g. '["acme"]'`,
    parse(text: string) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return undefined;
      }
      if (!Array.isArray(value) || value.length > max) return undefined;
      if (!value.every((v) => typeof v === "string" && isTenantId(v))) return undefined;
      return new Set(value).size === value.length ? (value as string[]) : undefined;
    },
  };
}
