/**
 * CloudWatch Embedded Metric Format through awslabs' aws-embedded-metrics, written as one
 * JSON line per document to a sink we choose (stdout on Fargate, where the awslogs driver
 * ships it and CloudWatch Logs extracts the metrics; a list in tests) instead of the
 * library's environment probing, which would look for a CloudWatch agent.
 */
import { MetricsLogger, Unit } from "aws-embedded-metrics";
import { MetricsContext } from "aws-embedded-metrics/lib/logger/MetricsContext";
import { LogSerializer } from "aws-embedded-metrics/lib/serializers/LogSerializer";
import { EmfMetric, MetricUnit } from "./metrics/metric";
import { METRICS_NAMESPACE } from "./metrics/pipeline";
import { dimensionEntries } from "./metrics/reads";

export { Unit };

export type LineSink = (line: string) => void;

export const stdoutSink: LineSink = (line) => process.stdout.write(`${line}\n`);

const UNITS: Record<MetricUnit, Unit> = {
  Count: Unit.Count,
  Milliseconds: Unit.Milliseconds,
  Bytes: Unit.Bytes,
  None: Unit.None,
};

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

/** One EMF document of catalogue metrics, with the values of their dimensions. */
export interface MetricsDocument {
  put(metric: EmfMetric, value: number): MetricsDocument;
  /** A property beside the metrics, to explain them (not a dimension). */
  property(key: string, value: unknown): MetricsDocument;
  flush(): Promise<void>;
}

/**
 * A document whose metrics must each be defined in the catalogue with exactly these
 * dimensions (CloudWatch files a metric under its exact dimension set: another set is
 * another metric, which no alarm or widget reads). Written with the catalogue's unit.
 */
export function metricsDocument(sink: LineSink, dimensions: Record<string, string>): MetricsDocument {
  const logger = emfLogger(sink, dimensions);
  const doc: MetricsDocument = {
    put(metric, value) {
      if (metric.namespace !== METRICS_NAMESPACE) {
        throw new Error(`${metric.name} is a metric of ${metric.namespace}: EMF writes ${METRICS_NAMESPACE}'s`);
      }
      dimensionEntries(metric, dimensions);
      logger.putMetric(metric.name, value, UNITS[metric.unit]);
      return doc;
    },
    property(key, value) {
      logger.setProperty(key, value);
      return doc;
    },
    flush: () => logger.flush(),
  };
  return doc;
}

/** One value (a failure, a gauge reading) as its own EMF document, with properties to explain it. */
export async function emfCount(
  sink: LineSink,
  dimensions: Record<string, string>,
  metric: EmfMetric,
  value: number,
  properties: Record<string, unknown> = {},
): Promise<void> {
  const doc = metricsDocument(sink, dimensions).put(metric, value);
  for (const [key, v] of Object.entries(properties)) doc.property(key, v);
  await doc.flush();
}
