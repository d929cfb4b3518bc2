/**
 * `npm run config:declare`: writes the `config:` section of Pulumi.yaml from
 * infra/config/config-keys.ts, the one source of the keys (tests/infra/config/config-declarations.test.ts
 * fails when the two differ). Everything above `config:` in Pulumi.yaml is kept. The script
 * then runs `npm run docs`, which writes the config reference of docs/config.md.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { pulumiDeclarations } from "../config/config-keys";

const file = path.resolve(__dirname, "..", "..", "Pulumi.yaml");
const text = readFileSync(file, "utf8");
const head = text.slice(0, text.indexOf("\nconfig:") + 1);
const config = pulumiDeclarations();
writeFileSync(file, head + stringify({ config }, { lineWidth: 0 }));
console.log(`wrote ${Object.keys(config).length} keys to ${file}`);
