/**
 * CloudWatch Embedded Metric Format through awslabs' aws-embedded-metrics, written as one
 * JSON line per document to a sink we choose (stdout on Fargate, where the awslogs driver
 * ships it and CloudWatch Logs extracts the metrics; a list in tests) instead of the
 * library's environment probing, which would look for a CloudWatch agent.
 */
import { MetricsLogger, Unit } from "aws-embedded-metrics";
import { MetricsContext } from "aws-embedded-metrics/lib/logger/MetricsContext";
import { LogSerializer } from "aws-embedded-metrics/lib/serializers/LogSerializer";
import { METRICS_NAMESPACE } from "./namespace";

export { Unit };

export type LineSink = (line: string) => void;

export const stdoutSink: LineSink = (line) => process.stdout.write(`${line}\n`);

/** A metrics logger that writes EMF documents to `sink` with these dimensions. */
export function emfLogger(sink: LineSink, dimensions: Record<string, string>): MetricsLogger {
  const serializer = new LogSerializer();
  const environment = {
    probe: async () => true,
    getName: () => "Local",
    getType: () => "Local",
    getLogGroupName: () => "",
    configureContext: () => undefined,
    getSink: () => ({
      name: "LineSink",
      accept: async (context: MetricsContext) => serializer.serialize(context).forEach(sink),
    }),
  };
  const logger = new MetricsLogger(async () => environment, MetricsContext.empty());
  logger.setNamespace(METRICS_NAMESPACE);
  logger.setDimensions(dimensions);
  return logger;
}

/** One count (a failure, a gauge reading) as its own EMF document, with properties to explain it. */
export async function emfCount(
  sink: LineSink,
  dimensions: Record<string, string>,
  metric: string,
  value: number,
  properties: Record<string, unknown> = {},
): Promise<void> {
  const logger = emfLogger(sink, dimensions);
  logger.putMetric(metric, value, Unit.Count);
  for (const [key, v] of Object.entries(properties)) logger.setProperty(key, v);
  await logger.flush();
}
