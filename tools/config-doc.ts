/**
 * The stack config reference of docs/config.md, from infra/config/config-keys.ts (the keys
 * the program reads, which Pulumi.yaml declares too): every key with its type, default and
 * description. `npm run docs` (and `npm run config:declare`) write it between its markers.
 */
import { CONFIG_KEYS, ConfigKey } from "../infra/config/config-keys";
import { DocSection } from "./doc-section";
import { markdownTable } from "./markdown-table";

/** How the reference shows a default: the value, "(unset)" for the empty string that means unset. */
export function shownDefault(value: ConfigKey<unknown>["default"]): string {
  if (Array.isArray(value)) return JSON.stringify(value);
  return value === "" || value === undefined ? "(unset)" : String(value);
}

export function configReferenceTable(): string {
  const keys: ConfigKey<unknown>[] = Object.values(CONFIG_KEYS);
  return markdownTable(
    ["key", "type", "default", "description"],
    keys.map((k) => [`\`${k.name}\``, `\`${k.type}\``, `\`${shownDefault(k.default)}\``, k.purpose]),
  );
}

export const CONFIG_SECTION: DocSection = {
  page: "docs/config.md",
  start: "<!-- config reference: npm run docs writes it from infra/config/config-keys.ts -->",
  end: "<!-- end of the config reference -->",
  body: configReferenceTable,
};
