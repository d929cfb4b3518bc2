/**
 * The setup function's verdicts in words: what `pulumi up` prints when a schema file cannot
 * become the latest version of its schema, and what to do about it. Pure: the facts come in
 * from runtime/schemas/setup.ts. One line each (the deploy shows the function's error message
 * inside a JSON payload, where line breaks would show as \n).
 */
import { Compatibility } from "./compatibility-mode";
import { RegistryVersion } from "./registry-port";

/** At most this many lines of a difference or of reasons: the rest is counted, not shown. */
export const VERDICT_LINES_MAX = 20;

/** `aws glue delete-schema-versions` for some versions: the fix a message can hand over. */
export function deleteCommand(registryName: string, schema: string, versions: string): string {
  return `aws glue delete-schema-versions --schema-id RegistryName=${registryName},SchemaName=${schema} --versions ${versions}`;
}

export function invalidVerdict(schema: string, file: string, glueError: string): string {
  return `schema "${schema}": Glue finds ${file} invalid as a JSON Schema: ${glueError.trim()}. Nothing was registered: fix the file and deploy again.`;
}

export interface Refusal {
  registryName: string;
  schema: string;
  file: string;
  compatibility: Compatibility;
  /** The number Glue gave the refused version. */
  refusedVersion: number;
  /** The AVAILABLE versions the mode compares with (the latest, or all for the _ALL modes). */
  comparedWith: number[];
  /** The project's compatibility check's reasons (as `npm run schema:check` prints them); none when it finds none. */
  reasons: string[];
  /** The difference from the latest available version, as lines, or why it could not be read. */
  diff: { from: number; lines: string[] } | { error: string } | undefined;
  deletion: { deleted: true } | { deleted: false; error: string };
}

export function refusalVerdict(r: Refusal): string {
  const against =
    r.comparedWith.length === 0
      ? "its earlier versions"
      : `version${r.comparedWith.length > 1 ? "s" : ""} ${r.comparedWith.join(", ")}`;
  const why =
    r.reasons.length > 0
      ? `Why, as \`npm run schema:check\` says: ${bounded(r.reasons).join("; ")}.`
      : "The project's check finds no reason (it knows fewer JSON Schema keywords than Glue), so Glue's verdict stands.";
  const diff =
    r.diff === undefined
      ? ""
      : "error" in r.diff
        ? ` The difference could not be read: ${r.diff.error}.`
        : ` Difference from version ${r.diff.from} (Glue's JSON Patch): ${r.diff.lines.length > 0 ? bounded(r.diff.lines).join("; ") : "none"}.`;
  const cleanup = r.deletion.deleted
    ? `Version ${r.refusedVersion} was deleted again, so the registry is as it was: fix the file (or the schemaCompatibility mode) and deploy again.`
    : `Version ${r.refusedVersion} could not be deleted (${r.deletion.error}): until it is, it is the schema's latest version and readers of the latest version get it; delete it with \`${deleteCommand(r.registryName, r.schema, String(r.refusedVersion))}\`, fix the file and deploy again.`;
  return `schema "${r.schema}": Glue refused ${r.file} as version ${r.refusedVersion}: it is not ${r.compatibility} compatible with ${against}. ${why}${diff} ${cleanup}`;
}

/**
 * What is wrong with the latest version once the setup is done, or undefined when it is
 * AVAILABLE and holds the file. `fileVersion` is the version that holds the file, when known.
 */
export function latestVerdict(
  registryName: string,
  schema: string,
  file: string,
  latest: RegistryVersion,
  holdsFile: boolean,
  fileVersion?: number,
): string | undefined {
  if (latest.status !== "AVAILABLE") {
    const hint =
      latest.status === "FAILURE"
        ? ` Glue refused it at an earlier registration; delete it with \`${deleteCommand(registryName, schema, String(latest.versionNumber))}\` and deploy again.`
        : "";
    return `schema "${schema}": the latest version ${latest.versionNumber} is ${latest.status}, not AVAILABLE: producers and consumers that read the latest version would get it.${hint}`;
  }
  if (holdsFile) return undefined;
  const after =
    fileVersion === undefined
      ? ""
      : fileVersion + 1 === latest.versionNumber
        ? `${latest.versionNumber}`
        : `${fileVersion + 1}-${latest.versionNumber}`;
  const older =
    fileVersion !== undefined && fileVersion < latest.versionNumber
      ? ` ${file} is version ${fileVersion}, and Glue registers a definition once, so it cannot become the latest again: change the file (a new version), or delete the versions after it with \`${deleteCommand(registryName, schema, after)}\`.`
      : "";
  return `schema "${schema}": the latest version ${latest.versionNumber} is not ${file}.${older}`;
}

export function pendingVerdict(schema: string, version: number, waitedMs: number): string {
  return `schema "${schema}": version ${version} is still PENDING after ${Math.round(waitedMs / 1000)} s (Glue has not finished its compatibility check); deploy again to check it once more.`;
}

/**
 * Glue's difference as lines: each JSON Patch operation as "op path value"; a text that is
 * not a JSON Patch array comes back line by line, so nothing Glue says is lost.
 */
export function describeDiff(diff: string): string[] {
  let operations: unknown;
  try {
    operations = JSON.parse(diff);
  } catch {
    operations = undefined;
  }
  if (!Array.isArray(operations) || !operations.every(isOperation)) {
    return diff
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "");
  }
  return operations.map((o) =>
    [o.op, o.from !== undefined ? `${o.from} ->` : undefined, o.path === "" ? "(root)" : o.path]
      .concat("value" in o ? [JSON.stringify(o.value)] : [])
      .filter((part) => part !== undefined)
      .join(" "),
  );
}

interface PatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function isOperation(o: unknown): o is PatchOperation {
  return (
    typeof o === "object" &&
    o !== null &&
    typeof (o as PatchOperation).op === "string" &&
    typeof (o as PatchOperation).path === "string"
  );
}

function bounded(lines: string[]): string[] {
  return lines.length <= VERDICT_LINES_MAX
    ? lines
    : [...lines.slice(0, VERDICT_LINES_MAX), `and ${lines.length - VERDICT_LINES_MAX} more`];
}
