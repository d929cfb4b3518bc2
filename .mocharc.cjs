/**
 * Mocha's settings for every test layer. `npm run test:<layer>` runs one layer (npm names the
 * script in npm_lifecycle_event); `npm test` runs them all, then the IAM check, which needs
 * the AWS calls every layer recorded (tests/harness/call-trace-hook.ts starts a fresh trace
 * per mocha process, so the check runs only in the whole run).
 */
const LAYERS = {
  // Pure decisions and single modules, by table; the IAM checker's own tables.
  unit: ["tests/unit/**/*.test.ts", "tests/iam/**/*.test.ts"],
  // The Pulumi program under mocks.
  infra: ["tests/infra/**/*.test.ts"],
  // The compiled runtime against emulators and stand-ins on 127.0.0.1.
  integration: ["tests/integration/**/*.test.ts"],
  // The live page in a headless browser.
  browser: ["tests/browser/**/*.test.ts"],
};
const IAM_CHECK = "tests/iam/roles.check.ts";

const script = process.env.npm_lifecycle_event ?? "";
const layer = script.startsWith("test:") ? script.slice("test:".length) : undefined;
if (layer !== undefined && !(layer in LAYERS)) {
  throw new Error(`no test layer "${layer}": the layers are ${Object.keys(LAYERS).join(", ")}`);
}

module.exports = {
  require: ["ts-node/register/transpile-only", "tests/harness/call-trace-hook.ts"],
  extension: ["ts"],
  spec: layer === undefined ? [...Object.values(LAYERS).flat(), IAM_CHECK] : LAYERS[layer],
  timeout: 30000,
  reporter: "spec",
  "forbid-only": true,
};
