import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  DescribeApplicationCommand,
  KinesisAnalyticsV2Client,
  UpdateApplicationCommand,
} from "@aws-sdk/client-kinesis-analytics-v2";
import { expect } from "chai";
import { FLINK_SCALING_DEFAULTS, FlinkPeriod } from "../../../runtime/scaling/flink-policy";
import { FlinkApp, FlinkScalerPort, runFlinkScaler } from "../../../runtime/scaling/flink-scaler";
import { flinkScalerAws } from "../../../runtime/scaling/flink-scaler-aws";
import { FLINK_SCALER_METRICS } from "../../../runtime/observability/metrics/pipeline";
import { freshModule, STAND_IN_CREDENTIALS, startAwsJsonStandIn, withEnv } from "../../harness/aws-json-stand-in";

const NOW = Date.UTC(2026, 10, 21, 12, 0, 30);
const config = { ...FLINK_SCALING_DEFAULTS, minParallelism: 1, maxParallelism: 16 };
const behind = (n: number): FlinkPeriod[] =>
  Array.from({ length: n }, () => ({ millisBehindLatest: 120_000, cpuPercent: 95 }));

function fakePort(
  app: Partial<FlinkApp>,
  periods: FlinkPeriod[],
  answer: Error | "superseded" | "updated" = "updated",
) {
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
    updateParallelism: async (p, seen) => {
      calls.push(`update ${p} at version ${seen.versionId}`);
      if (answer instanceof Error) throw answer;
      return answer === "updated";
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

  it("the application changed after the run described it: superseded, neither a change nor a failure", async () => {
    const { port, calls } = fakePort({}, behind(3), "superseded");
    const outcome = await runFlinkScaler(port, config, { now: NOW, dryRun: false });
    expect(outcome).to.deep.include({
      applied: false,
      dryRun: false,
      superseded: "the application changed after this run described it (version 7)",
    });
    expect(calls).to.deep.equal(["periods 6", "update 4 at version 7"]);
  });

  it("a refused update is reported, then raised", async () => {
    const refused = Object.assign(new Error("KPU limit"), { name: "LimitExceededException" });
    const { port, calls } = fakePort({}, behind(3), refused);
    let raised: Error | undefined;
    try {
      await runFlinkScaler(port, config, { now: NOW, dryRun: false });
    } catch (e) {
      raised = e as Error;
    }
    expect(raised).to.equal(refused);
    expect(calls[2]).to.equal("failure scale-out 2 -> 4: LimitExceededException: KPU limit");
  });
});

/**
 * Managed Flink's application as its API reference describes it, behind a
 * KinesisAnalyticsV2Client's `send`: DescribeApplication gives the version and (when
 * `tokens`) the conditional token; UpdateApplication whose condition is not current fails
 * with ConcurrentModificationException, and an accepted one moves both on and is counted.
 * DescribeApplication calls can be held (with what they read) until `release()`, to line
 * runs up or stall one.
 */
function managedFlink(options: { tokens: boolean }) {
  const state = { version: 7, token: "token-7", parallelism: 2, status: "RUNNING", updates: 0 };
  const held: (() => void)[] = [];
  let hold = 0;
  const client = {
    send: async (command: unknown) => {
      if (command instanceof DescribeApplicationCommand) {
        const seen = {
          ApplicationStatus: state.status,
          ApplicationVersionId: state.version,
          ...(options.tokens ? { ConditionalToken: state.token } : {}),
          LastUpdateTimestamp: new Date(NOW - 3_600_000),
          ApplicationConfigurationDescription: {
            FlinkApplicationConfigurationDescription: {
              ParallelismConfigurationDescription: { Parallelism: state.parallelism, ParallelismPerKPU: 1 },
            },
          },
        };
        if (hold > 0) {
          hold--;
          await new Promise<void>((resolve) => held.push(resolve));
        }
        return { ApplicationDetail: seen };
      }
      if (command instanceof UpdateApplicationCommand) {
        const input = command.input;
        const current = options.tokens
          ? input.ConditionalToken === state.token && input.CurrentApplicationVersionId === undefined
          : input.CurrentApplicationVersionId === state.version;
        if (!current) {
          throw Object.assign(new Error("the application was modified concurrently"), {
            name: "ConcurrentModificationException",
          });
        }
        state.updates++;
        state.version++;
        state.token = `token-${state.version}`;
        state.parallelism =
          input.ApplicationConfigurationUpdate?.FlinkApplicationConfigurationUpdate?.ParallelismConfigurationUpdate
            ?.ParallelismUpdate ?? state.parallelism;
        return {};
      }
      throw new Error(`unexpected ${(command as object).constructor.name}`);
    },
  } as unknown as KinesisAnalyticsV2Client;
  return {
    client,
    state,
    /** The next `n` DescribeApplication calls wait until released. */
    holdDescribes: (n: number) => void (hold = n),
    release: () => held.splice(0).forEach((resolve) => resolve()),
    heldCount: () => held.length,
  };
}

/** Until `n` DescribeApplication calls are held, with a bound on the wait. */
async function heldUntil(flink: ReturnType<typeof managedFlink>, n: number) {
  for (let turn = 0; flink.heldCount() < n; turn++) {
    if (turn > 1000) throw new Error(`${n} runs never described the application`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("Flink scaler: two runs at once (the conditional update of CONCURRENT-RUNS.md)", () => {
  // Behind by 2 minutes for the last 3 minutes: every run decides to double.
  const behindFor3Minutes = {
    send: async () => ({
      MetricDataResults: [
        {
          Id: "behind",
          Timestamps: [3, 2, 1].map((m) => new Date(NOW - m * 60_000)),
          Values: [120_000, 120_000, 120_000],
        },
      ],
    }),
  } as unknown as CloudWatchClient;

  for (const tokens of [true, false]) {
    const by = tokens ? "the conditional token" : "the version id";
    it(`two runs that described the same application make one update; the other is superseded (by ${by})`, async () => {
      const flink = managedFlink({ tokens });
      const lines: string[] = [];
      const port = flinkScalerAws({
        applicationName: "hotspots",
        flink: flink.client,
        cloudwatch: behindFor3Minutes,
        sink: (l) => lines.push(l),
      });
      // Both runs read the application before either updates it, as an alarm's notification
      // and the schedule arriving together would.
      flink.holdDescribes(2);
      const runs = [0, 1].map(() => runFlinkScaler(port, config, { now: NOW, dryRun: false }));
      await heldUntil(flink, 2);
      flink.release();
      const outcomes = await Promise.all(runs);
      expect(flink.state).to.deep.include({ updates: 1, parallelism: 4 });
      expect(outcomes.map((o) => o.applied).sort()).to.deep.equal([false, true]);
      expect(outcomes.find((o) => !o.applied)?.superseded).to.match(/changed after this run described it/);
      // A lost race is no failure: nothing for the failure alarm.
      expect(lines).to.deep.equal([]);
    });
  }

  it("a run that stalls after describing the application, while another scales it, changes nothing when it wakes", async () => {
    const flink = managedFlink({ tokens: true });
    const port = flinkScalerAws({
      applicationName: "hotspots",
      flink: flink.client,
      cloudwatch: behindFor3Minutes,
      sink: () => undefined,
    });
    flink.holdDescribes(1);
    const stalled = runFlinkScaler(port, config, { now: NOW, dryRun: false });
    await heldUntil(flink, 1);
    expect((await runFlinkScaler(port, config, { now: NOW, dryRun: false })).applied).to.equal(true);
    flink.release();
    const late = await stalled;
    expect(late).to.deep.include({ applied: false });
    expect(late.superseded).to.match(/changed after this run described it \(version 7\)/);
    expect(flink.state).to.deep.include({ updates: 1, parallelism: 4 });
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
            ConditionalToken: "token-12",
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

  it("reads status, the current parallelism (autoscaling's, when it moved it), per-KPU, version, token and last change", async () => {
    expect(await port.describeApplication()).to.deep.equal({
      status: "RUNNING",
      parallelism: 4,
      parallelismPerKpu: 2,
      versionId: 12,
      conditionalToken: "token-12",
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

  const update = (condition: Record<string, unknown>) => ({
    command: "UpdateApplicationCommand",
    input: {
      ApplicationName: "hotspots",
      ...condition,
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

  it("updates the parallelism on the described token (the version id without one), and keeps the built-in autoscaling off", async () => {
    expect(await port.updateParallelism(8, { versionId: 12, conditionalToken: "token-12" })).to.equal(true);
    expect(flink.sent.at(-1)).to.deep.equal(update({ ConditionalToken: "token-12" }));
    expect(await port.updateParallelism(8, { versionId: 12 })).to.equal(true);
    expect(flink.sent.at(-1)).to.deep.equal(update({ CurrentApplicationVersionId: 12 }));
  });

  it("an update refused because the application moved on is superseded (false); any other refusal is raised", async () => {
    const refusing = (name: string) =>
      flinkScalerAws({
        applicationName: "hotspots",
        flink: {
          send: async () => {
            throw Object.assign(new Error(name), { name });
          },
        } as unknown as KinesisAnalyticsV2Client,
        cloudwatch: cloudwatch.client,
        sink: () => undefined,
      });
    for (const name of ["ConcurrentModificationException", "ResourceInUseException"]) {
      expect(await refusing(name).updateParallelism(8, { versionId: 12 }), name).to.equal(false);
    }
    let raised: Error | undefined;
    try {
      await refusing("InvalidArgumentException").updateParallelism(8, { versionId: 12 });
    } catch (e) {
      raised = e as Error;
    }
    expect(raised?.name).to.equal("InvalidArgumentException");
  });

  it("reports a failure as an EMF metric line", async () => {
    await port.reportFailure("scale-out 4 -> 8: LimitExceededException");
    const doc = JSON.parse(lines[0]);
    expect(doc[FLINK_SCALER_METRICS.FlinkScalingFailures.name]).to.equal(1);
    expect(doc.Application).to.equal("hotspots");
  });
});

describe("Flink scaler: the function's handler, with the SDK clients it builds, against stand-ins", () => {
  it("a job behind for its out-periods: describes the application, reads its minutes, doubles the parallelism on its conditional token", async () => {
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
          // As Managed Flink describes an application: the token the next update must carry.
          ConditionalToken: "token-12",
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
      const entry = freshModule<typeof import("../../../runtime/scaling/flink-scaler-entry")>(
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
          DRY_RUN: "false",
        },
        () => entry.handle(),
      );
      expect(outcome.decision).to.deep.include({ action: "scale-out", from: 2, to: 4 });
      expect(flink.calls.map((c) => [c.operation, c.input.ApplicationName])).to.deep.equal([
        ["DescribeApplication", "hotspots"],
        ["UpdateApplication", "hotspots"],
      ]);
      expect(flink.calls[1].input).to.deep.include({ ConditionalToken: "token-12" });
      expect(flink.calls[1].input).not.to.have.property("CurrentApplicationVersionId");
      expect(cloudwatch.calls.map((c) => c.operation)).to.deep.equal(["GetMetricData"]);
    } finally {
      await Promise.all([flink.close(), cloudwatch.close()]);
    }
  });
});
