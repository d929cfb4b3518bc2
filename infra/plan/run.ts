/**
 * Runs a Pulumi program in this process under the plan mocks and returns what it
 * registered. Used by `npm run plan` and by every infra test.
 */
import * as pulumi from "@pulumi/pulumi";
import { grantsByPolicy, Statement } from "../common/grants";
import { OutputRule, PlanMocks } from "./mocks";

// Internal to @pulumi/pulumi but exported: resolves once every registration has finished.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  waitForRPCs(): Promise<void>;
  getMonitor(): unknown;
};

export interface RunOptions {
  project?: string;
  stack?: string;
  region?: string;
  /** Fully qualified config (`project:key`, `aws:region`) as Pulumi passes it: strings. */
  config?: Record<string, string>;
  /** Config keys whose values are secrets. */
  secretKeys?: string[];
  /** Outputs for resource types the default rules do not cover (e.g. awsx components). */
  outputRules?: Record<string, OutputRule>;
}

export interface ProgramRun<T> {
  mocks: PlanMocks;
  /** What the program returned, with every Output resolved. */
  outputs: Awaited<T>;
  /** The statements of each grant this run made, by policy name (grants.ts records them). */
  grants: ReadonlyMap<string, readonly Statement[]>;
}

/** Resolves every Output inside a plain value (objects and arrays, not resources). */
async function unwrap(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    return unwrap(await new Promise((resolve) => value.apply(resolve)));
  }
  if (value instanceof pulumi.Resource) return value;
  if (Array.isArray(value)) return Promise.all(value.map(unwrap));
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await unwrap(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

export async function runProgram<T>(program: () => T, opts: RunOptions = {}): Promise<ProgramRun<T>> {
  const project = opts.project ?? "kinesis-pipeline";
  const stack = opts.stack ?? "test";
  const region = opts.region ?? opts.config?.["aws:region"] ?? "us-east-1";
  pulumi.runtime.setAllConfig({ "aws:region": region, ...opts.config }, opts.secretKeys ?? []);
  // The process's record of grants is this run's alone.
  grantsByPolicy.clear();
  const mocks = new PlanMocks(region, opts.outputRules);
  await pulumi.runtime.setMocks(mocks, project, stack, false);
  mocks.recordOptions(settings.getMonitor());

  // Inside the stack's root resource, as the Pulumi engine runs a program: stack
  // transformations (infra/common/stack-defaults.ts) hang on it.
  let returned: T | undefined;
  await pulumi.runtime.runInPulumiStack(async () => {
    returned = await program();
    return undefined;
  });
  const outputs = (await unwrap(returned)) as Awaited<T>;
  await settings.waitForRPCs();
  return { mocks, outputs, grants: new Map(grantsByPolicy) };
}
