/**
 * The other AWS services' metrics the dashboard and alarms read: the Fargate services'
 * CPU and running tasks, the processing function's iterator age (Lambda mode), and the
 * OpenSearch domain's health. Each per minute, as its service publishes it.
 */
import { metric, metricFamily } from "./metric";

/**
 * How far processing is behind in Lambda mode: the event source mapping reads the stream,
 * and Lambda publishes how old the last record of each batch was when the function got it
 * (milliseconds; the maximum is the shard furthest behind).
 */
export const LAMBDA_ITERATOR_AGE_METRIC = metric({
  namespace: "AWS/Lambda",
  name: "IteratorAge",
  dimensions: ["FunctionName"],
  statistic: "Maximum",
  period: 60,
  reference: "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html",
});

/** A Fargate service's CPU, averaged over its tasks: what its target tracking watches. */
export const SERVICE_CPU_METRIC = metric({
  namespace: "AWS/ECS",
  name: "CPUUtilization",
  dimensions: ["ClusterName", "ServiceName"],
  statistic: "Average",
  period: 60,
  reference: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html",
});

/** A service's running tasks, from Container Insights (the cluster enables it). */
export const RUNNING_TASKS_METRIC = metric({
  namespace: "ECS/ContainerInsights",
  name: "RunningTaskCount",
  dimensions: ["ClusterName", "ServiceName"],
  statistic: "Average",
  period: 60,
  reference: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html",
});

/** The domain's health: 1 while the cluster has that colour, so the maximum. ClientId is the account. */
export const SEARCH_CLUSTER_STATUS_METRICS = metricFamily(
  {
    namespace: "AWS/ES",
    dimensions: ["DomainName", "ClientId"],
    period: 60,
    reference:
      "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/managedomains-cloudwatchmetrics.html",
  },
  { "ClusterStatus.green": "Maximum", "ClusterStatus.yellow": "Maximum", "ClusterStatus.red": "Maximum" },
);
