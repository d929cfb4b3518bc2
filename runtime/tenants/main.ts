/**
 * `npm run tenants -- <command> [arguments] <target>`: the operator's tool for the tenants
 * table (docs/tenants.md). Run `npm run tenants -- --help` for the commands and targets.
 */
import { parseArgs } from "node:util";
import { createDynamoDbClient } from "../common/aws/dynamodb-client";
import { readStackFile, resolveStateDir } from "../common/stack-file";
import { UsageError } from "../common/usage-error";
import { MAX_TENANT_ID_LENGTH } from "../stream/tenant-key";
import { CliTarget, cliTarget } from "./cli-target";
import { LimitChange, TenantAdmin, TenantCliError, TenantView } from "./tenant-admin";
import { MissingTableError, TenantTable } from "./tenant-table";

const HELP = `Usage: npm run tenants -- <command> [arguments] <target>

Commands:
  create <tenant> [--records-per-second N] [--bytes-per-second N]
                            a tenant and its first API key (shown once)
  list [--json]             tenants, their status, limits and key ids (never keys)
  rotate <tenant>           a second API key (shown once); the first stays valid until revoked
  revoke <key id>           the key stops working within the ingest cache's TTL
  disable <tenant>          every request with its keys gets 403 (within the TTL)
  enable <tenant>
  set-limits <tenant> [--records-per-second N|default] [--bytes-per-second N|default]
                            limits per ingest task; default: the stack's

Targets (one):
  --local                   the local stack (npm start)
  --table <name> --region <region>
                            a deployed stack's table, with your AWS credentials
  --stack-outputs <file|->  a deployed stack's outputs: pulumi stack output --json | npm run tenants -- list --stack-outputs -

Tenant ids: 1 to ${MAX_TENANT_ID_LENGTH} of a-z 0-9 and inner hyphens.
`;

function limitValue(flag: string, text: string | undefined, allowDefault: boolean): number | null | undefined {
  if (text === undefined) return undefined;
  if (allowDefault && text === "default") return null;
  if (!/^[1-9]\d{0,11}$/.test(text)) {
    throw new TenantCliError(
      `--${flag} must be a positive whole number${allowDefault ? " or default" : ""}, got ${JSON.stringify(text)}`,
    );
  }
  return Number(text);
}

function limitsOf(values: Record<string, unknown>, allowDefault: boolean): LimitChange {
  const out: LimitChange = {};
  const r = limitValue("records-per-second", values["records-per-second"] as string | undefined, allowDefault);
  const b = limitValue("bytes-per-second", values["bytes-per-second"] as string | undefined, allowDefault);
  if (r !== undefined) out.recordsPerSecond = r;
  if (b !== undefined) out.bytesPerSecond = b;
  return out;
}

function showList(tenants: TenantView[]): string {
  if (tenants.length === 0) return "no tenants yet: `create <tenant>` makes one";
  return tenants
    .map((t) => {
      const limits = [
        t.limits.recordsPerSecond !== undefined ? `${t.limits.recordsPerSecond} records/s` : undefined,
        t.limits.bytesPerSecond !== undefined ? `${t.limits.bytesPerSecond} bytes/s` : undefined,
      ].filter(Boolean);
      const keys = t.keys.map((k) => `    ${k.keyId}  ${k.status.padEnd(7)}  created ${k.createdAt}`);
      return [
        `${t.tenant}  ${t.status}  ${limits.length ? limits.join(", ") : "default limits"}  created ${t.createdAt}`,
        ...keys,
      ].join("\n");
    })
    .join("\n");
}

function curlLine(target: CliTarget, key: string): string {
  const url = target.ingestUrl ?? "<ingestUrl>";
  return `curl -sS -X POST ${url.replace(/\/$/, "")}/ -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" -d '{"data": {"hello": "stream"}}'`;
}

export async function runTenantsCli(argv: string[], out: (line: string) => void): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        local: { type: "boolean" },
        table: { type: "string" },
        region: { type: "string" },
        "stack-outputs": { type: "string" },
        "records-per-second": { type: "string" },
        "bytes-per-second": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new TenantCliError(`${(e as Error).message}\n\n${HELP}`);
  }
  const { values, positionals } = parsed;
  const [command, argument, ...rest] = positionals;
  if (values.help || command === undefined) {
    out(HELP);
    return;
  }
  const needsArgument = ["create", "rotate", "revoke", "disable", "enable", "set-limits"];
  if (![...needsArgument, "list"].includes(command)) {
    throw new TenantCliError(`no command ${JSON.stringify(command)}\n\n${HELP}`);
  }
  if (needsArgument.includes(command) && argument === undefined) {
    throw new TenantCliError(`${command} needs ${command === "revoke" ? "a key id" : "a tenant id"}`);
  }
  if (rest.length > 0 || (command === "list" && argument !== undefined)) {
    throw new TenantCliError(`unexpected argument ${JSON.stringify(rest[0] ?? argument)}`);
  }
  const stateDir = resolveStateDir(process.env.LOCAL_STATE_DIR);
  const stack = values.local ? await readStackFile(stateDir) : undefined;
  const target = cliTarget(values, undefined, () => stack, stateDir);
  const client = createDynamoDbClient({ region: target.region, endpoint: target.endpoint });
  const admin = new TenantAdmin(new TenantTable(client, target.table, target.region), target.keyKind);
  try {
    switch (command) {
      case "create": {
        const { recordsPerSecond, bytesPerSecond } = limitsOf(values, false);
        const { key, keyId } = await admin.create(argument, {
          ...(recordsPerSecond ? { recordsPerSecond } : {}),
          ...(bytesPerSecond ? { bytesPerSecond } : {}),
        });
        out(`created tenant ${argument} with key ${keyId}`);
        out(`API key (shown only now; store it in your secret manager): ${key}`);
        out(`send with: ${curlLine(target, key)}`);
        return;
      }
      case "list": {
        const tenants = await admin.list();
        out(values.json ? JSON.stringify(tenants, null, 2) : showList(tenants));
        return;
      }
      case "rotate": {
        const { key, keyId, keep } = await admin.rotate(argument);
        out(`new key ${keyId} for tenant ${argument}; ${keep.join(", ") || "no other key"} stays valid until revoked`);
        out(`API key (shown only now; store it in your secret manager): ${key}`);
        if (keep.length > 0) out(`once every sender uses it: npm run tenants -- revoke ${keep[0]} <target>`);
        return;
      }
      case "revoke": {
        const { tenant, wasActive } = await admin.revoke(argument);
        out(
          wasActive
            ? `revoked ${argument} of tenant ${tenant}: ingest refuses it within its cache's TTL (AUTH_CACHE_TTL_MS, 30 s by default)`
            : `${argument} of tenant ${tenant} was already revoked`,
        );
        return;
      }
      case "disable":
      case "enable": {
        await admin.setStatus(argument, command === "disable" ? "disabled" : "enabled");
        out(
          `tenant ${argument} ${command}d: ingest sees it within its cache's TTL (AUTH_CACHE_TTL_MS, 30 s by default)`,
        );
        return;
      }
      case "set-limits": {
        await admin.setLimits(argument, limitsOf(values, true));
        out(`limits of tenant ${argument} set: ingest applies them within its cache's TTL`);
        return;
      }
    }
  } catch (e) {
    if (e instanceof MissingTableError) throw new TenantCliError(e.message);
    throw e;
  } finally {
    client.destroy();
  }
}

if (require.main === module) {
  runTenantsCli(process.argv.slice(2), (line) => console.log(line)).catch((e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`tenants: ${e.message}`);
      process.exit(2);
    }
    console.error(`tenants: ${(e as Error)?.message ?? e}`);
    process.exit(1);
  });
}
