/**
 * Every config key the program reads: its type, default, description and what values it
 * allows. This table is the source of truth: `Pulumi.yaml` declares the same keys (a test
 * holds them equal) and the README's config reference is checked against `Pulumi.yaml`.
 */
import { STREAM_LIMITS, STREAM_MODES, StreamMode } from "../runtime/kinesis/limits";

/** A parsed value, or a phrase saying what is allowed ("an integer 1..10000"). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; allowed: string };

export interface ConfigKey<T> {
  /** The key without the project namespace, as in `pulumi config set <name>`. */
  name: string;
  /** The type declared in Pulumi.yaml (Pulumi's project config knows no object type). */
  type: "string" | "integer" | "boolean";
  /**
   * Declared in Pulumi.yaml in this form, so the Pulumi CLI applies it before the program
   * runs; the program parses it like any value a user sets.
   */
  default?: string | number;
  /**
   * Optional keys declare `default: ""` and treat the empty string as unset: the Pulumi CLI
   * refuses to run a stack that lacks a declared key without a default (pulumi/pulumi#11321
   * also rules out object types), so "" is how Pulumi.yaml says "not set".
   */
  optional?: true;
  description: string;
  parse(raw: string): Parsed<T>;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const no = <T>(allowed: string): Parsed<T> => ({ ok: false, allowed });

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

export const DEFAULT_PROVISIONED_SHARDS = 4;

export const CONFIG_KEYS = {
  streamMode: {
    name: "streamMode",
    type: "string",
    default: "PROVISIONED",
    description:
      "Capacity mode of the Kinesis stream: PROVISIONED (you choose shardCount) or ON_DEMAND (AWS scales it; no shardCount).",
    parse: oneOf(STREAM_MODES),
  } satisfies ConfigKey<StreamMode>,
  shardCount: {
    name: "shardCount",
    // A string, not an integer: an unset count must stay distinguishable from 4 so that
    // ON_DEMAND with a shard count is an error, and integer keys need a non-empty default.
    type: "string",
    default: "",
    optional: true,
    description: `Number of shards of a PROVISIONED stream, ${STREAM_LIMITS.minShardCount}..${STREAM_LIMITS.maxShardCount} (default ${DEFAULT_PROVISIONED_SHARDS}). Each shard takes 1 MiB/s or 1,000 records/s in. Must not be set with ON_DEMAND.`,
    parse: integerIn(STREAM_LIMITS.minShardCount, STREAM_LIMITS.maxShardCount),
  } satisfies ConfigKey<number>,
  retentionHours: {
    name: "retentionHours",
    type: "integer",
    default: STREAM_LIMITS.minRetentionHours,
    description: `How long the stream keeps records, in hours: ${STREAM_LIMITS.minRetentionHours}..${STREAM_LIMITS.maxRetentionHours}.`,
    parse: integerIn(STREAM_LIMITS.minRetentionHours, STREAM_LIMITS.maxRetentionHours),
  } satisfies ConfigKey<number>,
  kmsKeyArn: {
    name: "kmsKeyArn",
    type: "string",
    default: "",
    optional: true,
    description:
      "ARN of an existing KMS key that encrypts the stream. Unset: the stack creates a customer-managed key with yearly rotation.",
    parse: kmsKeyArn,
  } satisfies ConfigKey<string>,
  tags: {
    name: "tags",
    type: "string",
    default: "{}",
    description: `Tags for every resource, as a JSON object string: pulumi config set tags '{"team":"data"}'.`,
    parse: tags,
  } satisfies ConfigKey<Record<string, string>>,
} as const;

export type ConfigKeyName = keyof typeof CONFIG_KEYS;
