/**
 * The runtime's parts as the IAM check knows them: their contracts (runtime/contracts.ts).
 * Those that run on AWS under a role of their own are found in the plan by the entry point
 * their task, function or application runs; those marked localOnly only ever reach the
 * local emulators. What decides which calls a part makes comes from its contract's calls.
 */
import { AnyContract, PartName } from "../../runtime/common/contract";
import { ALL_CONTRACTS, CONTRACTS } from "../../runtime/contracts";

/**
 * A setting that decides which calls a part makes of a service: a recorded call of that
 * service counts for a planned part only when both have the same value (unset: `default`,
 * the part's own). Other settings only name resources (bridge.ts).
 */
export interface Mode {
  default: string;
  /** The services (SDK service ids) whose calls it decides. */
  decides: readonly string[];
}

/** The SDK's service id of an IAM action's service prefix: how the trace names the service. */
const SERVICE_OF_PREFIX: Readonly<Record<string, string>> = {
  kinesis: "Kinesis",
  dynamodb: "DynamoDB",
  glue: "Glue",
  cloudwatch: "CloudWatch",
  kinesisanalytics: "Kinesis Analytics V2",
  secretsmanager: "Secrets Manager",
  es: "es",
  kms: "KMS",
  s3: "S3",
};

export function serviceOf(action: string): string {
  const prefix = action.split(":")[0];
  const service = SERVICE_OF_PREFIX[prefix];
  if (!service) throw new Error(`no SDK service id for the IAM prefix ${prefix}: add it to tests/iam/parts.ts`);
  return service;
}

/**
 * A part's modes: each variable that one of its calls' conditions compares with a value
 * (RETRIEVAL_MODE: polling or fanout), deciding the services of those calls.
 */
export function modesOf(contract: AnyContract): Record<string, Mode> {
  const modes: Record<string, Mode> = {};
  for (const call of contract.calls) {
    for (const [name, expected] of Object.entries(call.when ?? {})) {
      if (expected === true) continue;
      const decides = new Set(modes[name]?.decides ?? []);
      decides.add(serviceOf(call.action));
      modes[name] = { default: contract.variables[name]?.default ?? "", decides: [...decides] };
    }
  }
  return modes;
}

/** The parts deployed on AWS, each under a role of its own. */
export const DEPLOYED_PARTS: readonly AnyContract[] = ALL_CONTRACTS.filter((c) => c.localOnly === undefined);

/** Whether a part of that name is deployed (not local only). */
export function isDeployed(part: PartName | null): part is PartName {
  return part !== null && CONTRACTS[part] !== undefined && CONTRACTS[part].localOnly === undefined;
}

/**
 * Why no recorded call is expected of a deployed part, if none is: it calls no AWS API, or
 * every call it makes is made by code the tests cannot run (madeBy: the Flink connector).
 */
export function whyNothingRecorded(contract: AnyContract): string | undefined {
  if (contract.calls.length === 0) return `${contract.part} calls no AWS API`;
  if (contract.calls.every((call) => call.madeBy !== undefined)) {
    return `every call of ${contract.part} is made by code that runs on AWS only (madeBy)`;
  }
  return undefined;
}

/** Stack configs (unqualified keys) whose roles, together, are every role the program makes. */
export const CHECKED_STACKS: { name: string; config: Record<string, string> }[] = [
  {
    name: "the dev defaults (fan-out workers, the lake on its own fan-out consumer, both scalers, analytics with the Flink job and its scaler, flow logs)",
    config: {},
  },
  {
    name: "Lambda processing, an ingest schema with auto-registration",
    config: {
      processingMode: "lambda",
      ingestSchema: "weather-report",
      schemaAutoRegistration: "true",
      analytics: "false",
    },
  },
  {
    // An ingest schema needs analytics off (the hot-spot job reads plain JSON), so no Flink scaler here.
    name: "polling workers, an ingest schema without auto-registration, the shard scaler with reserved concurrency",
    config: {
      processingRetrieval: "polling",
      ingestSchema: "weather-report",
      analytics: "false",
      scalerReservedConcurrency: "true",
    },
  },
  {
    name: "analytics with the Flink scaler, both scalers with reserved concurrency",
    config: { scalerReservedConcurrency: "true" },
  },
  {
    // The lake's polling grants (GetRecords, GetShardIterator on the stream); analytics adds nothing here.
    name: "the lake workers polling",
    config: { lakeRetrieval: "polling", analytics: "false" },
  },
];
