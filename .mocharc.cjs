/**
 * Mocha's settings for every test layer. `npm run test:<layer>` runs one layer (npm names the
 * script in npm_lifecycle_event). `npm test` (tests/harness/run-layers.mjs) runs the infra
 * layer in one process and, beside it, "traced": every other layer, then the IAM check,
 * which needs the AWS calls those layers recorded (tests/harness/call-trace-hook.ts starts a
 * fresh trace per mocha process, so the check runs only there). The infra layer makes no AWS
 * call of the runtime, so it runs without the hook, which would wipe the other's trace.
 * Plain `mocha` runs everything in one process.
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
/** Every layer but infra, then the IAM check: the process that records AWS calls. */
const TRACED = [...LAYERS.unit, ...LAYERS.integration, ...LAYERS.browser, IAM_CHECK];

const script = process.env.npm_lifecycle_event ?? "";
const layer = script.startsWith("test:") ? script.slice("test:".length) : undefined;
if (layer !== undefined && layer !== "traced" && !(layer in LAYERS)) {
  throw new Error(`no test layer "${layer}": the layers are ${Object.keys(LAYERS).join(", ")}, and traced`);
}
const spec =
  layer === undefined ? [...Object.values(LAYERS).flat(), IAM_CHECK] : layer === "traced" ? TRACED : LAYERS[layer];

module.exports = {
  require: ["ts-node/register/transpile-only", ...(layer === "infra" ? [] : ["tests/harness/call-trace-hook.ts"])],
  extension: ["ts"],
  spec,
  timeout: 30000,
  reporter: "spec",
  "forbid-only": true,
};
