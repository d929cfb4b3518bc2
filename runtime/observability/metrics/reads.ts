/**
 * A catalogue metric in the shape each reader takes: an alarm on one metric (Pulumi's
 * MetricAlarm), a metric inside an alarm's metric math, a MetricStat (GetMetricData and
 * PutMetricAlarm), a dashboard line, and a Metrics Insights query. The namespace, name,
 * dimension names and statistic come from the catalogue; the caller gives the dimension
 * values and, where it has a reason, another period.
 */
import { DimensionValues, MetricDefinition, Statistic } from "./metric";

/** The dimensions' values in the metric's order, refusing a missing or extra one (CloudWatch matches the exact set). */
export function dimensionEntries<V>(metric: MetricDefinition, values: Readonly<Record<string, V>>): [string, V][] {
  const given = Object.keys(values);
  const missing = metric.dimensions.filter((d) => !given.includes(d));
  const extra = given.filter((d) => !metric.dimensions.includes(d));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `${metric.namespace} ${metric.name} is published with the dimensions ${metric.dimensions.join(", ")}; got ${given.join(", ") || "none"}`,
    );
  }
  return metric.dimensions.map((d) => [d, values[d]]);
}

/** What `aws.cloudwatch.MetricAlarm` takes for an alarm on one metric. */
export function alarmMetric<M extends MetricDefinition, T extends DimensionValues<M, unknown>>(
  metric: M,
  dimensions: T,
  period = metric.period,
) {
  return {
    namespace: metric.namespace,
    metricName: metric.name,
    dimensions: Object.fromEntries(dimensionEntries<T[keyof T]>(metric, dimensions as Record<string, T[keyof T]>)),
    statistic: metric.statistic,
    period,
  };
}

/** The `metric` of one query in an alarm's `metricQueries` (Pulumi's MetricAlarmMetricQueryMetric). */
export function alarmQueryMetric<M extends MetricDefinition, T extends DimensionValues<M, unknown>>(
  metric: M,
  dimensions: T,
  period = metric.period,
) {
  // The same metric as alarmMetric's; a query names its statistic `stat`.
  const { statistic, ...rest } = alarmMetric(metric, dimensions, period);
  return { ...rest, stat: statistic };
}

/** CloudWatch's MetricStat, as GetMetricData and PutMetricAlarm take it. */
export interface MetricStat {
  Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
  Period: number;
  Stat: string;
}

export function metricStat<M extends MetricDefinition>(
  metric: M,
  dimensions: DimensionValues<M>,
  period = metric.period,
): MetricStat {
  return {
    Metric: {
      Namespace: metric.namespace,
      MetricName: metric.name,
      Dimensions: dimensionEntries<string>(metric, dimensions).map(([Name, Value]) => ({ Name, Value })),
    },
    Period: period,
    Stat: metric.statistic,
  };
}

/** How a dashboard widget draws a line: an id for its metric math, a label, a statistic, hidden. */
export interface LineRendering {
  id?: string;
  label?: string;
  stat?: string;
  visible?: boolean;
}

/**
 * One line of a dashboard widget: namespace, name, then each dimension's name and value;
 * the rendering last, when there is one. The widget's period applies (a dashboard body sets
 * it per widget): https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
export function dashboardLine<M extends MetricDefinition>(
  metric: M,
  dimensions: DimensionValues<M>,
  rendering?: LineRendering,
): (string | LineRendering)[] {
  return [
    metric.namespace,
    metric.name,
    ...dimensionEntries<string>(metric, dimensions).flat(),
    ...(rendering ? [rendering] : []),
  ];
}

/** Metrics Insights' aggregate for each statistic it has (SampleCount is COUNT). */
const INSIGHTS_FUNCTION: Record<Statistic, string> = {
  Sum: "SUM",
  Average: "AVG",
  Maximum: "MAX",
  Minimum: "MIN",
  SampleCount: "COUNT",
};

/**
 * A name a Metrics Insights query must double-quote: one with a character other than a
 * letter, digit or underscore, such as "AWS/Kinesis":
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html
 */
function insightsName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : JSON.stringify(name);
}

/**
 * A Metrics Insights query over every series of the metric that matches `where` (some of its
 * dimensions, by value), aggregated with the metric's statistic, one series per value of
 * `groupBy` when given.
 */
export function insightsQuery<M extends MetricDefinition>(
  metric: M,
  where: Partial<DimensionValues<M>>,
  groupBy?: M["dimensions"][number],
): string {
  const conditions = Object.entries(where as Record<string, string>).map(([d, value]) => {
    if (!metric.dimensions.includes(d)) {
      throw new Error(`${metric.name} has no dimension ${d} (its dimensions: ${metric.dimensions.join(", ")})`);
    }
    // None of our values can hold a quote (stream, service and shard names): refuse one rather than guess its escape.
    if (value.includes("'"))
      throw new Error(`a Metrics Insights value must not contain ', got ${JSON.stringify(value)}`);
    return `${insightsName(d)} = '${value}'`;
  });
  return [
    `SELECT ${INSIGHTS_FUNCTION[metric.statistic]}(${insightsName(metric.name)}) FROM ${insightsName(metric.namespace)}`,
    ...(conditions.length > 0 ? [`WHERE ${conditions.join(" AND ")}`] : []),
    ...(groupBy !== undefined ? [`GROUP BY ${insightsName(groupBy)}`] : []),
  ].join(" ");
}
