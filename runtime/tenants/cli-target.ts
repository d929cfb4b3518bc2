/**
 * Which tenants table the CLI works on:
 * - a deployed stack: `--table <name> --region <region>`, or its outputs
 *   (`pulumi stack output --json | npm run tenants -- ... --stack-outputs -`, or a file),
 *   whose `tenantsTable` and `region` name it; the writes use the operator's AWS credentials
 *   (the default chain: AWS_PROFILE, environment, SSO), never the ingest tasks' role;
 * - the local stack: `--local`, from its .local/stack.json.
 */
import { readFileSync } from "node:fs";
import { LocalStackFile, stackFilePath } from "../common/stack-file";
import { ApiKeyKind } from "./api-key";
import { TenantCliError } from "./tenant-admin";

export interface CliTarget {
  table: string;
  region: string;
  /** Set for the local stack's DynamoDB emulator. */
  endpoint?: string;
  keyKind: ApiKeyKind;
  /** Where its tenants send, for the curl line create prints. */
  ingestUrl?: string;
}

export interface TargetFlags {
  local?: boolean;
  table?: string;
  region?: string;
  "stack-outputs"?: string;
}

/** The stack file's entry naming the local tenants table. */
export const LOCAL_TENANTS_TABLE_ENTRY = "tenantsTable";

const HOW =
  "name the table with --table <name> --region <region>, pass the stack's outputs with --stack-outputs <file> (or - to read `pulumi stack output --json` from stdin), or use --local for the local stack";

export function cliTarget(
  flags: TargetFlags,
  readOutputs: (source: string) => string = (source) => readFileSync(source === "-" ? 0 : source, "utf8"),
  localStack: () => LocalStackFile | undefined = () => undefined,
  stateDir = ".local",
): CliTarget {
  const given = [flags.local, flags.table !== undefined, flags["stack-outputs"] !== undefined].filter(Boolean).length;
  if (given === 0) throw new TenantCliError(`which tenants table? ${HOW}`);
  if (given > 1) throw new TenantCliError(`give one of --local, --table or --stack-outputs, not several`);
  if (flags.local) {
    const stack = localStack();
    if (stack === undefined) {
      throw new TenantCliError(
        `--local: no local stack is running (no ${stackFilePath(stateDir)}); start one with \`npm start\``,
      );
    }
    const table = stack[LOCAL_TENANTS_TABLE_ENTRY];
    if (typeof table !== "string")
      throw new TenantCliError(`--local: ${stackFilePath(stateDir)} names no tenants table`);
    return {
      table,
      region: stack.region,
      endpoint: stack.dynamodbEndpoint,
      keyKind: "test",
      ingestUrl: typeof stack.ingestUrl === "string" ? stack.ingestUrl : undefined,
    };
  }
  if (flags.table !== undefined) {
    if (!flags.region) throw new TenantCliError("--table needs --region (the stack's region, e.g. us-east-1)");
    return { table: flags.table, region: flags.region, keyKind: "live" };
  }
  const source = flags["stack-outputs"]!;
  let outputs: Record<string, unknown>;
  try {
    outputs = JSON.parse(readOutputs(source)) as Record<string, unknown>;
  } catch (e) {
    throw new TenantCliError(
      `--stack-outputs ${source}: not the JSON of \`pulumi stack output --json\` (${(e as Error).message})`,
    );
  }
  const { tenantsTable, region, ingestUrl } = outputs ?? {};
  if (typeof tenantsTable !== "string" || typeof region !== "string") {
    throw new TenantCliError(
      `--stack-outputs ${source}: the outputs name no tenantsTable and region (a stack with ingestAuth none has no tenants table)`,
    );
  }
  return {
    table: tenantsTable,
    region: flags.region ?? region,
    keyKind: "live",
    ingestUrl: typeof ingestUrl === "string" ? ingestUrl : undefined,
  };
}
