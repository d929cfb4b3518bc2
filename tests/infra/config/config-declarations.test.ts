/**
 * The config keys live in three places a user reads: infra/config/config-keys.ts (what the
 * program enforces), Pulumi.yaml (what the Pulumi CLI enforces and shows) and the config
 * reference of docs/config.md. These tests keep the three equal.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_KEYS, ConfigKey, pulumiDeclarations } from "../../../infra/config/config-keys";
import { TEST_CLIENT_CIDR, TEST_PLAIN_HTTP } from "../../harness/pulumi";
import { validateConfig } from "../../../infra/config/config";
import { asConfigString, readProjectFile } from "../../../infra/plan/stack-config";
import { CONFIG_SECTION } from "../../../tools/config-doc";
import { sectionText } from "../../../tools/doc-section";

const ROOT = join(__dirname, "..", "..", "..");

interface Row {
  key: string;
  type: string;
  default: string;
  description: string;
}

/** The rows of the config reference in docs/config.md. */
function referenceRows(): Row[] {
  const section = sectionText(CONFIG_SECTION, readFileSync(join(ROOT, CONFIG_SECTION.page), "utf8"));
  const strip = (cell: string) => cell.trim().replace(/^`(.*)`$/, "$1");
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const [key, type, def, description] = line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map(strip);
      return { key, type, default: def, description };
    });
}

/** How the reference shows a default: the value, or "(unset)" for an empty string. */
function shownDefault(value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify(value);
  return value === "" ? "(unset)" : String(value);
}

describe("config declarations", () => {
  const project = readProjectFile(ROOT);

  it("Pulumi.yaml declares exactly the keys the program reads, with the same type, default and description", () => {
    const declared = pulumiDeclarations();
    expect(project.config).to.deep.equal(declared);
  });

  it("every default in Pulumi.yaml is itself a valid value", () => {
    const defaults = Object.fromEntries(
      Object.entries(project.config).map(([k, d]) => [k, asConfigString(d.default ?? "")]),
    );
    // The one key without a usable default: the user's own address (it has its own test).
    const result = validateConfig({ ...defaults, searchClientCidr: TEST_CLIENT_CIDR, ...TEST_PLAIN_HTTP });
    expect(result.ok ? [] : result.problems).to.deep.equal([]);
    expect(
      validateConfig({ ...defaults, ...TEST_PLAIN_HTTP }).ok,
      "searchClientCidr is required while analytics is on",
    ).to.equal(false);
    // Keys on by default, so HTTPS or an explicit yes to plain HTTP is required too.
    const plain = validateConfig({ ...defaults, searchClientCidr: TEST_CLIENT_CIDR });
    expect(plain.ok ? [] : plain.problems).to.have.lengthOf(1);
    expect(plain.ok ? "" : plain.problems[0]).to.match(/^ingestAuth apiKeys sends a tenant's API key/);
  });

  it("a switch is a Pulumi boolean: no key takes on/off or yes/no in place of true and false", () => {
    const keys: ConfigKey<unknown>[] = Object.values(CONFIG_KEYS);
    const switches = keys.filter((k) => [k.parse("true"), k.parse("false")].every((v) => typeof v === "boolean"));
    const wordSwitches = keys.filter((k) =>
      [
        ["on", "off"],
        ["yes", "no"],
      ].some((pair) => pair.every((word) => k.parse(word) !== undefined)),
    );
    expect(wordSwitches.map((k) => k.name)).to.deep.equal([]);
    expect(switches.map((k) => [k.name, k.type])).to.deep.equal(switches.map((k) => [k.name, "boolean"]));
    expect(switches.map((k) => k.name)).to.include.members(["analytics", "flowLogs", "leaseDeletionProtection"]);
  });

  it("the config reference of docs/config.md lists every key of Pulumi.yaml with its type and default", () => {
    const rows = referenceRows();
    expect(rows.map((r) => r.key)).to.deep.equal(Object.keys(project.config));
    for (const row of rows) {
      const declared = project.config[row.key];
      expect({ key: row.key, type: row.type, default: row.default }).to.deep.equal({
        key: row.key,
        type: declared.type,
        default: shownDefault(declared.default),
      });
      expect(row.description.length, `docs/config.md description of ${row.key}`).to.be.greaterThan(20);
    }
  });
});
