/**
 * A Lambda whose code is the compiled runtime: "Lambdas are runtime functions that the
 * infra wraps". A small callback requires the module from dist/runtime, which sits next to
 * it in the archive; the archive holds that and the packages the module loads, nothing
 * else (every other production dependency is left out). The function gets its own role,
 * trusted by Lambda only, and its own log group, which the role may write; the owner
 * grants the rest.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import path from "node:path";
import { REPO_ROOT } from "../../runtime/common/repo-root";
import { entrypointFile } from "../../runtime/common/contract-entry";
import { assertRuntimeBuilt } from "./built-runtime";
import { writableLogGroup } from "./fargate-task";
import { packagesExcept } from "./lambda-packages";
import { PartEnvironment } from "./part-environment";
import { serviceRole } from "./service-role";

/** Lambda writes a function's output to its log group with the function's role. */
const FUNCTION_LOGS_USED_BY =
  "Lambda, writing the function's logs with its role: " +
  "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-permissions.html";

export interface RuntimeFunctionArgs {
  /**
   * The part the function runs and its environment (partEnvironment): the function calls
   * `handle` of the contract's Lambda module.
   */
  environment: PartEnvironment;
  /** Production dependencies the module loads: only these go into the archive. */
  packages: readonly string[];
  memorySize: number;
  timeout: number;
  /**
   * At most this many runs at once; unset: no reservation. Lambda refuses a reservation that
   * leaves fewer than 100 executions unreserved in the account (InvalidParameterValueException
   * at deploy), so an account with a concurrency quota of 100 or less can reserve nothing:
   * https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html
   */
  reservedConcurrency?: number;
}

export interface RuntimeFunction {
  function: aws.lambda.CallbackFunction<unknown, unknown>;
  role: aws.iam.Role;
  logGroup: aws.cloudwatch.LogGroup;
}

export function runtimeFunction(name: string, args: RuntimeFunctionArgs, owner: pulumi.Resource): RuntimeFunction {
  const contract = args.environment.contract;
  if (contract.entry.kind !== "lambda") throw new Error(`${contract.part} is no Lambda (${contract.entry.kind})`);
  const entry = entrypointFile(contract);
  const variables = args.environment.variables;
  // The function ships dist/runtime as it is on disk: a missing or stale build fails here.
  assertRuntimeBuilt();
  const parent = { parent: owner };
  const role = serviceRole(name, "lambda.amazonaws.com", owner);
  const logGroup = writableLogGroup(name, role, { sid: "Logs", usedBy: FUNCTION_LOGS_USED_BY }, owner);
  // Captured by value into the serialized callback: "./dist/runtime/...", from the archive root.
  const modulePath = `./${entry.replace(/\.js$/, "")}`;
  const fn = new aws.lambda.CallbackFunction(
    name,
    {
      role,
      runtime: "nodejs22.x",
      memorySize: args.memorySize,
      timeout: args.timeout,
      ...(args.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: args.reservedConcurrency } : {}),
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      ...(Object.keys(variables).length > 0 ? { environment: { variables } } : {}),
      callback: async (event: unknown) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const runtime = require(modulePath);
        return runtime.handle(event);
      },
      codePathOptions: {
        // Included at the same relative path, so the require above finds it from the archive root.
        extraIncludePaths: [path.relative(process.cwd(), path.join(REPO_ROOT, "dist", "runtime"))],
        extraExcludePackages: packagesExcept(args.packages),
      },
    },
    parent,
  );
  return { function: fn, role, logGroup };
}
