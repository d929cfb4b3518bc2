import { expect } from "chai";
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeLimitsCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { processingLagQuery } from "../../../runtime/observability/metrics/pipeline";
import { shardScalerAws, streamScalingPort } from "../../../runtime/scaling/shard-scaler-aws";
import { SHARD_SCALING_DEFAULTS, ShardMetrics, usageFactor } from "../../../runtime/scaling/shard-policy";
import { runShardScaler, ShardScalerPort } from "../../../runtime/scaling/shard-scaler";
import { MemoryShardHistory } from "../../../runtime/scaling/shard-history";
import { usageAlarms, usageExpression, usageMetricQueries } from "../../../runtime/scaling/usage-alarms";

const MIB = 1024 * 1024;
const NOW = Date.UTC(2026, 10, 21, 12);
const HOUR = 3600_000;
const config = { ...SHARD_SCALING_DEFAULTS, minShards: 1, maxShards: 16 };

/** Evaluates the alarm expression the way CloudWatch would, for one data point. */
function evaluate(expression: string, bytes: number | undefined, records: number | undefined): number {
  const fill = (v: number | undefined) => v ?? 0;
  const js = expression
    .replace("MAX([", "Math.max(")
    .replace("])", ")")
    .replace("FILL(bytes, 0)", String(fill(bytes)))
    .replace("FILL(records, 0)", String(fill(records)));
  return Function(`return ${js}`)() as number;
}

describe("shard scaler: alarm math", () => {
  const cases: [string, ShardMetrics, number][] = [
    ["bytes at 80% of 4 shards", { incomingBytes: 0.8 * MIB * 300 * 4 }, 4],
    ["records at 30% of 4 shards", { incomingRecords: 0.3 * 1000 * 300 * 4 }, 4],
    ["both, on 12 shards", { incomingBytes: 0.2 * MIB * 300 * 12, incomingRecords: 0.6 * 1000 * 300 * 12 }, 12],
    ["no data (an idle stream)", {}, 2],
  ];
  for (const [name, metrics, shards] of cases) {
    it(`the expression equals the policy's usage factor: ${name}`, () => {
      expect(evaluate(usageExpression(shards, 5), metrics.incomingBytes, metrics.incomingRecords)).to.be.closeTo(
        usageFactor(metrics, shards, 5),
        1e-12,
      );
    });
  }

  it("reads IncomingBytes and IncomingRecords sums of the stream per period, and returns only the usage", () => {
    const queries = usageMetricQueries({ streamName: "trips", shards: 4, periodMinutes: 5 });
    expect(
      queries.map((q) => [
        q.Id,
        q.ReturnData,
        q.MetricStat?.Metric.MetricName,
        q.MetricStat?.Stat,
        q.MetricStat?.Period,
      ]),
    ).to.deep.equal([
      ["bytes", false, "IncomingBytes", "Sum", 300],
      ["records", false, "IncomingRecords", "Sum", 300],
      ["usage", true, undefined, undefined, undefined],
    ]);
    expect(queries[0].MetricStat?.Metric.Dimensions).to.deep.equal([{ Name: "StreamName", Value: "trips" }]);
    expect(queries[2].Expression).to.equal(usageExpression(4, 5));
  });

  it("alarms: up after one period at or above 75%, down after 3 below 25%, an idle stream counting as below", () => {
    const { up, down } = usageAlarms(
      { streamName: "trips", shards: 4, periodMinutes: 5 },
      { scaleUpAt: 0.75, scaleDownBelow: 0.25, downPeriods: 3 },
    );
    expect(up).to.deep.include({
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      Threshold: 0.75,
      EvaluationPeriods: 1,
      TreatMissingData: "notBreaching",
    });
    expect(down).to.deep.include({
      ComparisonOperator: "LessThanThreshold",
      Threshold: 0.25,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: "breaching",
    });
  });
});

function fakePort(
  overrides: Partial<{
    status: string;
    shards: number;
    metrics: ShardMetrics;
    history: number[];
    failUpdate: Error;
    /** Another run claims between this run's read and its claim. */
    claimedMeanwhile: boolean;
    /** Shards the account may still open (DescribeLimits); unset: unknown. */
    accountShardsFree: number;
  }> = {},
) {
  const calls: string[] = [];
  const history = new MemoryShardHistory({ updates: overrides.history ?? [], version: 3 });
  const port: ShardScalerPort = {
    describeStream: async () => ({
      mode: "PROVISIONED",
      status: overrides.status ?? "ACTIVE",
      openShards: overrides.shards ?? 4,
    }),
    periodMetrics: async () => overrides.metrics ?? {},
    accountShardsFree: async () => overrides.accountShardsFree,
    history: () => history.read(),
    claimUpdate: async (seen, updates) => {
      if (overrides.claimedMeanwhile) history.state = { updates: [NOW - 60_000], version: history.state.version + 1 };
      const won = await history.claim(seen, updates);
      calls.push(`claim at version ${seen.version}: ${won ? "won" : "lost"}`);
      return won;
    },
    updateShardCount: async (target) => {
      calls.push(`update ${target}`);
      if (overrides.failUpdate) throw overrides.failUpdate;
    },
    rewriteAlarms: async (shards) => void calls.push(`alarms ${shards}`),
    reportFailure: async (reason) => void calls.push(`failure ${reason}`),
  };
  return { port, calls, history };
}
const busy = { incomingBytes: 0.9 * MIB * 300 * 4 };

describe("shard scaler: a run", () => {
  it("scales up: claims the call in the history, calls UpdateShardCount, then rewrites both alarms for the new count", async () => {
    const { port, calls, history } = fakePort({ metrics: busy, history: [NOW - 30 * HOUR, NOW - 2 * HOUR] });
    const outcome = await runShardScaler(port, config, { now: NOW, dryRun: false });
    expect(outcome).to.deep.include({ applied: true, dryRun: false });
    expect(calls).to.deep.equal(["claim at version 3: won", "update 8", "alarms 8"]);
    // The call older than 24 h leaves the history; the claim moved the version on.
    expect(history.state).to.deep.equal({ updates: [NOW - 2 * HOUR, NOW], version: 4 });
  });

  it("the account's free shards bound a scale-up: 4 shards with 2 free in the account go to 6, not 8", async () => {
    const { port, calls } = fakePort({ metrics: busy, accountShardsFree: 2 });
    const outcome = await runShardScaler(port, config, { now: NOW, dryRun: false });
    expect(outcome.decision).to.deep.include({ action: "scale-up", from: 4, to: 6 });
    expect(calls).to.deep.equal(["claim at version 3: won", "update 6", "alarms 6"]);
  });

  it("no free shard in the account: no call, and why", async () => {
    const { port, calls } = fakePort({ metrics: busy, accountShardsFree: 0 });
    const outcome = await runShardScaler(port, config, { now: NOW, dryRun: false });
    expect(outcome.decision).to.deep.include({ action: "none", code: "account-limit" });
    expect(calls).to.deep.equal([]);
  });

  it("dry-run decides and changes nothing, not even the history", async () => {
    const { port, calls, history } = fakePort({ metrics: busy });
    const outcome = await runShardScaler(port, config, { now: NOW, dryRun: true });
    expect(outcome.decision).to.deep.include({ action: "scale-up", to: 8 });
    expect(outcome).to.deep.include({ applied: false, dryRun: true });
    expect(calls).to.deep.equal([]);
    expect(history.state).to.deep.equal({ updates: [], version: 3 });
  });

  it("nothing to do: no call at all", async () => {
    const { port, calls } = fakePort({ metrics: { incomingBytes: 0.5 * MIB * 300 * 4 } });
    expect((await runShardScaler(port, config, { now: NOW, dryRun: false })).decision.action).to.equal("none");
    expect(calls).to.deep.equal([]);
  });

  it("a stream still UPDATING is left alone", async () => {
    const { port, calls } = fakePort({ metrics: busy, status: "UPDATING" });
    const outcome = await runShardScaler(port, config, { now: NOW, dryRun: false });
    expect(outcome.decision.reason).to.match(/UPDATING/);
    expect(outcome.decision).to.deep.include({ action: "none", code: "not-active" });
    expect(calls).to.deep.equal([]);
  });

  it("another run claimed after this one read the history: superseded, no call, no failure", async () => {
    const { port, calls } = fakePort({ metrics: busy, claimedMeanwhile: true });
    const outcome = await runShardScaler(port, config, { now: NOW, dryRun: false });
    expect(outcome).to.deep.include({ applied: false, dryRun: false });
    expect(outcome.superseded).to.match(/another run claimed a change after this one read the history \(version 3\)/);
    expect(outcome.decision).to.deep.include({ action: "scale-up", to: 8 });
    expect(calls).to.deep.equal(["claim at version 3: lost"]);
  });

  it("two runs that read the same history: one claims and changes the stream, the other is superseded", async () => {
    const { port, calls } = fakePort({ metrics: busy });
    const outcomes = await Promise.all([
      runShardScaler(port, config, { now: NOW, dryRun: false }),
      runShardScaler(port, config, { now: NOW, dryRun: false }),
    ]);
    expect(outcomes.map((o) => o.applied).sort()).to.deep.equal([false, true]);
    expect(calls.filter((c) => c.startsWith("update"))).to.deep.equal(["update 8"]);
  });

  it("a refused UpdateShardCount is reported as a failure and raised; its claim stays (the call may have been made), no alarms", async () => {
    const refused = Object.assign(new Error("Rate exceeded for stream trips"), { name: "LimitExceededException" });
    const { port, calls, history } = fakePort({ metrics: busy, failUpdate: refused });
    let raised: Error | undefined;
    try {
      await runShardScaler(port, config, { now: NOW, dryRun: false });
    } catch (e) {
      raised = e as Error;
    }
    expect(raised).to.equal(refused);
    expect(calls).to.deep.equal([
      "claim at version 3: won",
      "update 8",
      "failure scale-up 4 -> 8: LimitExceededException: Rate exceeded for stream trips",
    ]);
    expect(history.state).to.deep.equal({ updates: [NOW], version: 4 });
  });
});

describe("shard scaler on AWS: the period's metrics", () => {
  /** CloudWatch answering GetMetricData with one value per query id, recording the queries. */
  function cloudwatch(values: Record<string, number | undefined>) {
    const queries: GetMetricDataCommand["input"][] = [];
    const client = {
      send: async (command: unknown) => {
        if (!(command instanceof GetMetricDataCommand)) throw new Error("only GetMetricData");
        queries.push(command.input);
        return {
          MetricDataResults: Object.entries(values).map(([Id, v]) => ({ Id, Values: v === undefined ? [] : [v] })),
        };
      },
    } as unknown as CloudWatchClient;
    return { client, queries };
  }
  const read = (values: Record<string, number | undefined>) => {
    const cw = cloudwatch(values);
    const port = shardScalerAws({
      streamName: "trips",
      kinesis: {} as KinesisClient,
      history: new MemoryShardHistory(),
      cloudwatch: cw.client,
      alarms: { up: "up", down: "down", topicArn: "arn", scaleUpAt: 0.75, scaleDownBelow: 0.25, downPeriods: 3 },
      periodMinutes: 5,
      sink: () => undefined,
    });
    return { metrics: port.periodMetrics(new Date(NOW), 5), queries: cw.queries };
  };

  const lags: [string, Record<string, number | undefined>, number | undefined][] = [
    ["polling readers only (GetRecords' iterator age)", { age: 90_000 }, 90_000],
    [
      "fan-out workers only, who call no GetRecords (their MillisBehindLatest)",
      { age: undefined, workers: 120_000 },
      120_000,
    ],
    ["both: the furthest behind", { age: 30_000, workers: 120_000 }, 120_000],
    ["neither (an idle stream)", {}, undefined],
  ];
  for (const [what, values, expected] of lags) {
    it(`consumers' lag, ${what}`, async () => {
      expect((await read(values).metrics).iteratorAgeMaxMs).to.equal(expected);
    });
  }

  it("reads the workers' lag with the query the consumer-lag alarm uses, over the policy's period", async () => {
    const { metrics, queries } = read({});
    await metrics;
    expect(queries[0].MetricDataQueries?.find((q) => q.Id === "workers")).to.deep.equal({
      Id: "workers",
      Expression: processingLagQuery("trips", false),
      Period: 300,
    });
    expect(queries[0].MetricDataQueries?.find((q) => q.Id === "age")?.MetricStat?.Metric?.MetricName).to.equal(
      "GetRecords.IteratorAgeMilliseconds",
    );
  });
});

describe("shard scaler on AWS: the account's free shards", () => {
  const kinesisAnswering = (answer: Record<string, number>) =>
    ({
      send: async (command: unknown) => {
        if (!(command instanceof DescribeLimitsCommand)) throw new Error("only DescribeLimits");
        return answer;
      },
    }) as unknown as KinesisClient;

  it("is the shard quota minus the open shards, from DescribeLimits", async () => {
    const port = streamScalingPort(kinesisAnswering({ ShardLimit: 500, OpenShardCount: 497 }), "trips");
    expect(await port.accountShardsFree()).to.equal(3);
  });

  it("is 0 past the quota, and unknown when the answer lacks either figure", async () => {
    expect(
      await streamScalingPort(kinesisAnswering({ ShardLimit: 10, OpenShardCount: 12 }), "t").accountShardsFree(),
    ).to.equal(0);
    expect(await streamScalingPort(kinesisAnswering({ ShardLimit: 10 }), "t").accountShardsFree()).to.equal(undefined);
  });
});
