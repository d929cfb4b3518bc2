/**
 * What the metric catalogue says of each metric, once: where CloudWatch keeps it (namespace,
 * name, the dimensions it is published with), how it is read (the statistic, and the period
 * an alarm or a read takes unless it has a reason of its own), its unit where we write it,
 * and where it is defined. Pure data: the runtime and the infra both import it.
 */

/** CloudWatch statistics: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html */
export type Statistic = "Sum" | "Average" | "Maximum" | "Minimum" | "SampleCount";

/** The units our EMF documents carry (values of aws-embedded-metrics' Unit). */
export type MetricUnit = "Count" | "Milliseconds" | "Bytes" | "None";

export interface MetricDefinition<D extends string = string> {
  readonly namespace: string;
  readonly name: string;
  /** The dimensions it is published with, all of them (CloudWatch matches the exact set), in the order reads list them. */
  readonly dimensions: readonly D[];
  readonly statistic: Statistic;
  /** Seconds per data point. */
  readonly period: number;
  /** Set on the metrics we write ourselves (EMF). */
  readonly unit?: MetricUnit;
  /** The AWS document that defines it, or the code of ours that writes it. */
  readonly reference: string;
}

/** A metric of ours, written as EMF: its unit is part of what the document says. */
export interface EmfMetric<D extends string = string> extends MetricDefinition<D> {
  readonly unit: MetricUnit;
}

/** The value of each of a metric's dimensions: exactly its dimensions, type-checked. */
export type DimensionValues<M extends MetricDefinition, V = string> = Readonly<Record<M["dimensions"][number], V>>;

type Entry = Statistic | { statistic: Statistic; period?: number; unit?: MetricUnit };

/** What the metrics of one family share. */
export interface FamilyTraits<D extends string> {
  namespace: string;
  dimensions: readonly D[];
  period: number;
  reference: string;
  unit?: MetricUnit;
}

/**
 * The key a metric has in its family: its name, each dot dropped and the letter after it made
 * a capital (GetRecords.IteratorAgeMilliseconds is GetRecordsIteratorAgeMilliseconds), so code
 * refers to every metric by a checked property, never by a string of its name.
 */
export type MetricKey<N extends string> = N extends `${infer A}.${infer B}` ? `${A}${Capitalize<MetricKey<B>>}` : N;

export function metricKey(name: string): string {
  return name.replace(/\.(.)/g, (_, c: string) => c.toUpperCase());
}

export type Family<D extends string, E, M extends MetricDefinition<D> = MetricDefinition<D>> = {
  readonly [N in keyof E & string as MetricKey<N>]: M & { readonly name: N };
};

/**
 * Metrics published together (one namespace, the same dimensions), each by name with its
 * statistic, or its statistic with a period or unit of its own; keyed by metricKey.
 */
export function metricFamily<const D extends string, const E extends Record<string, Entry>>(
  traits: FamilyTraits<D>,
  entries: E,
): Family<D, E> {
  return Object.fromEntries(
    Object.entries(entries).map(([name, entry]) => {
      const own = typeof entry === "string" ? { statistic: entry } : entry;
      const metric = Object.freeze({ ...traits, dimensions: Object.freeze([...traits.dimensions]), name, ...own });
      return [metricKey(name), metric];
    }),
  ) as Family<D, E>;
}

/** A family of our own metrics, written as EMF: each carries a unit (the family's, or its own). */
export function emfFamily<const D extends string, const E extends Record<string, Entry>>(
  traits: FamilyTraits<D> & { unit: MetricUnit },
  entries: E,
): Family<D, E, EmfMetric<D>> {
  return metricFamily(traits, entries) as Family<D, E, EmfMetric<D>>;
}

/** One metric on its own. */
export function metric<const N extends string, const D extends string>(
  definition: MetricDefinition<D> & { name: N },
): MetricDefinition<D> & { readonly name: N } {
  return Object.freeze({ ...definition, dimensions: Object.freeze([...definition.dimensions]) });
}
