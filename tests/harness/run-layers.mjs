/**
 * `npm test`'s runner: the infra layer (the Pulumi program under mocks: CPU only, and no AWS
 * call of the runtime to trace) in one mocha process, beside every other layer and then the
 * IAM check in another (.mocharc.cjs "traced"), so the two cores of a machine share the run.
 * The traced process prints as it goes; the infra layer's report follows once it ends. Exits
 * non-zero when either process fails.
 */
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const mocha = path.join(root, "node_modules", ".bin", "mocha");

function run(layer, output) {
  const child = spawn(mocha, [], {
    cwd: root,
    env: { ...process.env, npm_lifecycle_event: `test:${layer}` },
    stdio: ["ignore", output, output],
  });
  const chunks = [];
  if (output === "pipe") {
    child.stdout.on("data", (c) => chunks.push(c));
    child.stderr.on("data", (c) => chunks.push(c));
  }
  return new Promise((resolve) => {
    child.on("exit", (code, signal) =>
      resolve({ layer, code: code ?? (signal ? 1 : 0), output: Buffer.concat(chunks) }),
    );
  });
}

const stop = (signal) => process.exit(signal === "SIGINT" ? 130 : 143);
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

const infra = run("infra", "pipe").then((r) => {
  process.stdout.write(`\n----- the infra layer (ran beside the others) -----\n${r.output}`);
  return r;
});
const traced = run("traced", "inherit");
const results = await Promise.all([infra, traced]);
const failed = results.filter((r) => r.code !== 0);
for (const r of failed) process.stderr.write(`npm test: the ${r.layer} tests failed (exit ${r.code})\n`);
process.exit(failed.length > 0 ? 1 : 0);
