/**
 * Turns a recorded run into what a reviewer reads: a tree of resources with their inputs
 * (secrets masked), or one JSON document with every input in full.
 */
import * as pulumi from "@pulumi/pulumi";
import { PlannedResource } from "./mocks";
import { SECRET_PLACEHOLDER } from "./stack-config";

// The wire form of a secret value, as the SDK deserializes it for mocks.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Replaces secrets by a placeholder and assets by a description, recursively. */
export async function masked(value: unknown): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map(masked));
  if (value && typeof value === "object") {
    const v = value as Record<string, unknown>;
    if (v[SIG_KEY] === SECRET_SIG) return SECRET_PLACEHOLDER;
    if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) return describeAsset(v);
    const entries = Object.entries(v).filter(([k]) => k !== "__defaults");
    return Object.fromEntries(await Promise.all(entries.map(async ([k, x]) => [k, await masked(x)])));
  }
  return value;
}

/** Assets hold their source as promises: show where the code comes from, not its bytes. */
async function describeAsset(a: Record<string, unknown>): Promise<string> {
  const kind = a.constructor.name;
  if (a.path !== undefined) return `<${kind} path: ${await a.path}>`;
  if (a.uri !== undefined) return `<${kind} uri: ${await a.uri}>`;
  if (a.text !== undefined) return `<${kind} inline: ${String(await a.text).length} chars>`;
  if (a.assets !== undefined) return `<${kind} of ${Object.keys((await a.assets) as object).length} entries>`;
  return `<${kind}>`;
}

/** Resources a reviewer cares about: not the default providers Pulumi adds implicitly. */
export function reviewable(resources: PlannedResource[]): PlannedResource[] {
  return resources.filter((r) => !(r.type.startsWith("pulumi:providers:") && r.name.startsWith("default")));
}

export interface PlanDocument {
  project: string;
  stack: string;
  region: string;
  resources: {
    type: string;
    name: string;
    parent: string | null;
    parentType: string | null;
    urn: string;
    parentUrn: string | null;
    inputs: unknown;
    options?: object;
  }[];
  outputs: unknown;
}

export async function planDocument(
  meta: { project: string; stack: string; region: string },
  resources: PlannedResource[],
  outputs: unknown,
): Promise<PlanDocument> {
  return {
    ...meta,
    resources: await Promise.all(
      reviewable(resources).map(async (r) => ({
        type: r.type,
        name: r.name,
        parent: r.parent ?? null,
        parentType: r.parentType ?? null,
        urn: r.urn,
        parentUrn: r.parentUrn ?? null,
        inputs: await masked(r.inputs),
        ...(r.ignoreChanges.length || r.protect
          ? { options: { ignoreChanges: r.ignoreChanges, protect: r.protect } }
          : {}),
      })),
    ),
    outputs: await masked(outputs),
  };
}

const MAX_VALUE_WIDTH = 160;

/** A value on one line: JSON documents inside strings are shown compact, long ones cut. */
function oneLine(value: unknown): string {
  let text: string;
  if (typeof value === "string") {
    try {
      const parsed = JSON.parse(value);
      text = typeof parsed === "object" && parsed !== null ? JSON.stringify(parsed) : JSON.stringify(value);
    } catch {
      text = JSON.stringify(value);
    }
  } else {
    text = JSON.stringify(value);
  }
  return text.length > MAX_VALUE_WIDTH ? `${text.slice(0, MAX_VALUE_WIDTH - 1)}…` : text;
}

export function renderText(doc: PlanDocument): string {
  const lines = [
    `Plan for stack "${doc.stack}" of ${doc.project} in ${doc.region}: ${doc.resources.length} resources (offline, under mocks; nothing is deployed)`,
    "",
  ];
  const walk = (parent: string | null, depth: number) => {
    for (const r of doc.resources.filter((x) => x.parentUrn === parent)) {
      const pad = "  ".repeat(depth);
      lines.push(`${pad}+ ${r.type}  ${r.name}`);
      for (const [k, v] of Object.entries(r.inputs as Record<string, unknown>)) {
        lines.push(`${pad}      ${k}: ${oneLine(v)}`);
      }
      if (r.options) lines.push(`${pad}      (options) ${oneLine(r.options)}`);
      walk(r.urn, depth + 1);
    }
  };
  walk(null, 0);
  lines.push("", "Outputs:");
  for (const [k, v] of Object.entries((doc.outputs ?? {}) as Record<string, unknown>)) {
    lines.push(`  ${k}: ${oneLine(v)}`);
  }
  return lines.join("\n");
}
