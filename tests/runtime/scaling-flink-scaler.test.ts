import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  DescribeApplicationCommand,
  KinesisAnalyticsV2Client,
  UpdateApplicationCommand,
} from "@aws-sdk/client-kinesis-analytics-v2";
import { expect } from "chai";
import { FLINK_SCALING_DEFAULTS, FlinkPeriod } from "../../runtime/scaling/flink-policy";
import { FlinkApp, FlinkScalerPort, runFlinkScaler } from "../../runtime/scaling/flink-scaler";
import { FLINK_FAILURE_METRIC, flinkScalerAws } from "../../runtime/scaling/flink-scaler-aws";
import { freshModule, STAND_IN_CREDENTIALS, startAwsJsonStandIn, withEnv } from "../harness/aws-json-stand-in";

const NOW = Date.UTC(2026, 10, 21, 12, 0, 30);
const config = { ...FLINK_SCALING_DEFAULTS, minParallelism: 1, maxParallelism: 16 };
const behind = (n: number): FlinkPeriod[] =>
  Array.from({ length: n }, () => ({ millisBehindLatest: 120_000, cpuPercent: 95 }));

function fakePort(app: Partial<FlinkApp>, periods: FlinkPeriod[], fail?: Error) {
  const calls: string[] = [];
  const port: FlinkScalerPort = {
    describeApplication: async () => ({
      status: "RUNNING",
      parallelism: 2,
      parallelismPerKpu: 1,
      versionId: 7,
      ...app,
    }),
    periods: async (_end, minutes) => {
      calls.push(`periods ${minutes}`);
      return periods;
    },
    updateParallelism: async (p, v) => {
      calls.push(`update ${p} at version ${v}`);
      if (fail) throw fail;
    },
    reportFailure: async (reason) => void calls.push(`failure ${reason}`),
  };
  return { port, calls };
}

describe("Flink scaler: a run", () => {
  it("falling behind: doubles the parallelism at the application's current version", async () => {
    const { port, calls } = fakePort({}, behind(3));
    const outcome = await runFlinkScaler(port, config, { now: NOW, dryRun: false });
    expect(outcome).to.deep.include({ applied: true });
    expect(calls).to.deep.equal(["periods 6", "update 4 at version 7"]);
  });

  it("dry-run and an application not RUNNING change nothing", async () => {
    for (const [app, dryRun] of [
      [{}, true],
      [{ status: "UPDATING" }, false],
    ] as const) {
      const { port, calls } = fakePort(app, behind(3));
      expect((await runFlinkScaler(port, config, { now: NOW, dryRun })).applied).to.equal(false);
      expect(calls).to.deep.equal(["periods 6"]);
    }
  });

  it("a refused update (a concurrent change moved the version) is reported, then raised", async () => {
    const conflict = Object.assign(new Error("version 7 is not current"), { name: "ConcurrentModificationException" });
    const { port, calls } = fakePort({}, behind(3), conflict);
    let raised: Error | undefined;
    try {
      await runFlinkScaler(port, config, { now: NOW, dryRun: false });
    } catch (e) {
      raised = e as Error;
    }
    expect(raised).to.equal(conflict);
    expect(calls[2]).to.equal("failure scale-out 2 -> 4: ConcurrentModificationException: version 7 is not current");
  });
});

/** An SDK client whose `send` answers by command class and records each input. */
function stubClient<T>(answers: Map<unknown, (input: any) => unknown>) {
  const sent: { command: string; input: any }[] = [];
  const client = {
    send: async (command: { constructor: unknown; input: unknown }) => {
      const answer = answers.get(command.constructor);
      if (!answer) throw new Error(`unexpected ${(command.constructor as { name: string }).name}`);
      sent.push({ command: (command.constructor as { name: string }).name, input: command.input });
      return answer(command.input);
    },
  } as unknown as T;
  return { client, sent };
}

describe("Flink scaler: the AWS port (mocked SDK clients)", () => {
  const minute = (m: number) => new Date(Date.UTC(2026, 10, 21, 11, 54 + m));
  const flink = stubClient<KinesisAnalyticsV2Client>(
    new Map<unknown, (input: any) => unknown>([
      [
        DescribeApplicationCommand,
        () => ({
          ApplicationDetail: {
            ApplicationStatus: "RUNNING",
            ApplicationVersionId: 12,
            LastUpdateTimestamp: new Date(NOW - 3_600_000),
            ApplicationConfigurationDescription: {
              FlinkApplicationConfigurationDescription: {
                ParallelismConfigurationDescription: { Parallelism: 2, CurrentParallelism: 4, ParallelismPerKPU: 2 },
              },
            },
          },
        }),
      ],
      [UpdateApplicationCommand, () => ({})],
    ]),
  );
  const cloudwatch = stubClient<CloudWatchClient>(
    new Map<unknown, (input: any) => unknown>([
      [
        GetMetricDataCommand,
        () => ({
          MetricDataResults: [
            { Id: "behind", Timestamps: [minute(0), minute(1), minute(2)], Values: [70_000, 80_000, 90_000] },
            { Id: "cpu", Timestamps: [minute(1), minute(2)], Values: [88, 91] },
          ],
        }),
      ],
    ]),
  );
  const lines: string[] = [];
  const port = flinkScalerAws({
    applicationName: "hotspots",
    flink: flink.client,
    cloudwatch: cloudwatch.client,
    sink: (l) => lines.push(l),
  });

  it("reads status, the current parallelism (autoscaling's, when it moved it), per-KPU, version and last change", async () => {
    expect(await port.describeApplication()).to.deep.equal({
      status: "RUNNING",
      parallelism: 4,
      parallelismPerKpu: 2,
      versionId: 12,
      lastChangeAt: NOW - 3_600_000,
    });
  });

  it("asks for per-minute maxima of millisBehindLatest and CPU averages, and merges them by minute, oldest first", async () => {
    const periods = await port.periods(new Date(NOW), 6);
    expect(periods).to.deep.equal([
      { millisBehindLatest: 70_000 },
      { millisBehindLatest: 80_000, cpuPercent: 88 },
      { millisBehindLatest: 90_000, cpuPercent: 91 },
    ]);
    const input = cloudwatch.sent[0].input;
    expect(input.EndTime.getTime() % 60_000).to.equal(0);
    expect(input.EndTime.getTime() - input.StartTime.getTime()).to.equal(6 * 60_000);
    expect(
      input.MetricDataQueries.map((q: any) => [q.MetricStat.Metric.MetricName, q.MetricStat.Stat, q.MetricStat.Period]),
    ).to.deep.equal([
      ["millisBehindLatest", "Maximum", 60],
      ["containerCPUUtilization", "Average", 60],
    ]);
  });

  it("updates the parallelism at the given version and keeps the built-in autoscaling off", async () => {
    await port.updateParallelism(8, 12);
    expect(flink.sent.at(-1)).to.deep.equal({
      command: "UpdateApplicationCommand",
      input: {
        ApplicationName: "hotspots",
        CurrentApplicationVersionId: 12,
        ApplicationConfigurationUpdate: {
          FlinkApplicationConfigurationUpdate: {
            ParallelismConfigurationUpdate: {
              ConfigurationTypeUpdate: "CUSTOM",
              ParallelismUpdate: 8,
              AutoScalingEnabledUpdate: false,
            },
          },
        },
      },
    });
  });

  it("reports a failure as an EMF metric line", async () => {
    await port.reportFailure("scale-out 4 -> 8: LimitExceededException");
    const doc = JSON.parse(lines[0]);
    expect(doc[FLINK_FAILURE_METRIC]).to.equal(1);
    expect(doc.Application).to.equal("hotspots");
  });
});

describe("Flink scaler: the function's handler, with the SDK clients it builds, against stand-ins", () => {
  it("a job behind for its out-periods: describes the application, reads its minutes, doubles the parallelism", async () => {
    const nowSeconds = Math.floor(Date.now() / 60_000) * 60;
    const minutes = Array.from({ length: 6 }, (_, i) => nowSeconds - (6 - i) * 60);
    const flink = await startAwsJsonStandIn({
      DescribeApplication: () => ({
        ApplicationDetail: {
          ApplicationName: "hotspots",
          ApplicationARN: "arn:aws:kinesisanalytics:us-east-1:123456789012:application/hotspots",
          RuntimeEnvironment: "FLINK-1_20",
          ApplicationStatus: "RUNNING",
          ApplicationVersionId: 12,
          LastUpdateTimestamp: nowSeconds - 3600,
          ApplicationConfigurationDescription: {
            FlinkApplicationConfigurationDescription: {
              ParallelismConfigurationDescription: { Parallelism: 2, CurrentParallelism: 2, ParallelismPerKPU: 1 },
            },
          },
        },
      }),
      UpdateApplication: () => ({}),
    });
    const cloudwatch = await startAwsJsonStandIn({
      GetMetricData: () => ({
        MetricDataResults: [
          { Id: "behind", Timestamps: minutes, Values: minutes.map(() => 120_000) },
          { Id: "cpu", Timestamps: minutes, Values: minutes.map(() => 95) },
        ],
      }),
    });
    try {
      const entry = freshModule<typeof import("../../runtime/scaling/flink-scaler-entry")>(
        "runtime/scaling/flink-scaler-entry",
      );
      const outcome = await withEnv(
        {
          ...STAND_IN_CREDENTIALS,
          AWS_REGION: "us-east-1",
          AWS_ENDPOINT_URL_KINESIS_ANALYTICS_V2: flink.endpoint,
          AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.endpoint,
          APPLICATION_NAME: "hotspots",
          MIN_PARALLELISM: "1",
          MAX_PARALLELISM: "16",
          DRY_RUN: "off",
        },
        () => entry.handle(),
      );
      expect(outcome.decision).to.deep.include({ action: "scale-out", from: 2, to: 4 });
      expect(flink.calls.map((c) => [c.operation, c.input.ApplicationName])).to.deep.equal([
        ["DescribeApplication", "hotspots"],
        ["UpdateApplication", "hotspots"],
      ]);
      expect(flink.calls[1].input.CurrentApplicationVersionId).to.equal(12);
      expect(cloudwatch.calls.map((c) => c.operation)).to.deep.equal(["GetMetricData"]);
    } finally {
      await Promise.all([flink.close(), cloudwatch.close()]);
    }
  });
});
