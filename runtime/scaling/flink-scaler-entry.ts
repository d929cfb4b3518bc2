/**
 * The Flink scaler's Lambda module (infra/scaling/flink-scaler.ts wraps `handle`): each alarm
 * notification (through SNS) and each scheduled event runs the scaler once. Runs may
 * overlap (no reserved concurrency by default): the update is conditional on the
 * application as the run described it, so one of them changes it (CONCURRENT-RUNS.md).
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { KinesisAnalyticsV2Client } from "@aws-sdk/client-kinesis-analytics-v2";
import { awsClient } from "../common/aws/aws-client";
import { asPart } from "../common/aws/call-trace";
import { stdoutSink } from "../observability/emf";
import { FLINK_SCALING_DEFAULTS } from "./flink-policy";
import { FlinkScalerOutcome, runFlinkScaler } from "./flink-scaler";
import { flinkScalerAws } from "./flink-scaler-aws";
import { FLINK_SCALER } from "./flink-scaler-contract";
import { readFlinkScalerSettings } from "./flink-scaler-settings";

/** Built on the first invocation and kept: the clients' connections serve the next ones. */
let scaler: { run: () => Promise<FlinkScalerOutcome>; application: string } | undefined;

function setUp(): NonNullable<typeof scaler> {
  const s = readFlinkScalerSettings(process.env);
  const config = {
    ...FLINK_SCALING_DEFAULTS,
    minParallelism: s.MIN_PARALLELISM,
    maxParallelism: s.MAX_PARALLELISM,
    behindMs: s.BEHIND_MS,
    outPeriods: s.OUT_PERIODS,
  };
  const port = flinkScalerAws({
    applicationName: s.APPLICATION_NAME,
    flink: awsClient(KinesisAnalyticsV2Client, { region: s.AWS_REGION }),
    cloudwatch: awsClient(CloudWatchClient, { region: s.AWS_REGION }),
    sink: stdoutSink,
  });
  return {
    run: () => runFlinkScaler(port, config, { now: Date.now(), dryRun: s.DRY_RUN }),
    application: s.APPLICATION_NAME,
  };
}

export function handle(): Promise<FlinkScalerOutcome> {
  return asPart(FLINK_SCALER.part, FLINK_SCALER.variables, async () => {
    scaler ??= setUp();
    const outcome = await scaler.run();
    console.log(JSON.stringify({ level: "info", msg: "flink scaler", application: scaler.application, ...outcome }));
    return outcome;
  });
}
