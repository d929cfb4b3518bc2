/**
 * The other side of emf.ts: an EMF line read back into its dimensions and metric values,
 * as CloudWatch Logs would extract them. The local page reads the services' stdout with it.
 */

export interface EmfDocument {
  /** Epoch ms the document was written at (`_aws.Timestamp`). */
  at: number;
  dimensions: Record<string, string>;
  metrics: Record<string, number>;
}

interface EmfShape {
  _aws?: { Timestamp?: number; CloudWatchMetrics?: { Dimensions?: string[][]; Metrics?: { Name?: string }[] }[] };
  [key: string]: unknown;
}

/** The document on `line`, or undefined when the line is not EMF (a log line, a partial write). */
export function readEmf(line: string): EmfDocument | undefined {
  if (!line.startsWith("{") || !line.includes('"_aws"')) return undefined;
  let doc: EmfShape;
  try {
    doc = JSON.parse(line) as EmfShape;
  } catch {
    return undefined;
  }
  const directives = doc._aws?.CloudWatchMetrics;
  if (!Array.isArray(directives)) return undefined;
  const dimensions: Record<string, string> = {};
  const metrics: Record<string, number> = {};
  for (const directive of directives) {
    for (const name of (directive.Dimensions ?? []).flat()) {
      if (typeof doc[name] === "string") dimensions[name] = doc[name] as string;
    }
    for (const { Name } of directive.Metrics ?? []) {
      const value = Name === undefined ? undefined : doc[Name];
      if (Name !== undefined && typeof value === "number") metrics[Name] = value;
    }
  }
  return { at: typeof doc._aws?.Timestamp === "number" ? doc._aws.Timestamp : Date.now(), dimensions, metrics };
}
