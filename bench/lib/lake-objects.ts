/**
 * What the lake's objects look like to Athena, from what the writer stored: how many objects
 * a segment makes, their sizes, and rows per row group (Athena splits its reads by row group).
 */

/** One stored Parquet object, as the benchmark's child describes it. */
export interface LakeObject {
  key: string;
  tenant: string;
  rows: number;
  bytes: number;
  /** The segment it belongs to (shard and first record). */
  segment: string;
  /** Rows in each of its row groups. */
  rowGroups: number[];
}

export interface ObjectSizes {
  segments: number;
  objects: number;
  objectsPerSegment: number;
  totalBytes: number;
  meanBytes: number;
  minBytes: number;
  maxBytes: number;
  meanRows: number;
  rowGroupsPerObject: number;
  meanRowsPerRowGroup: number;
}

export function objectSizes(objects: readonly LakeObject[]): ObjectSizes {
  if (objects.length === 0) throw new Error("no objects were written: nothing to size");
  const segments = new Set(objects.map((o) => o.segment)).size;
  const totalBytes = objects.reduce((n, o) => n + o.bytes, 0);
  const rowGroups = objects.flatMap((o) => o.rowGroups);
  const rows = objects.reduce((n, o) => n + o.rows, 0);
  return {
    segments,
    objects: objects.length,
    objectsPerSegment: objects.length / segments,
    totalBytes,
    meanBytes: totalBytes / objects.length,
    minBytes: Math.min(...objects.map((o) => o.bytes)),
    maxBytes: Math.max(...objects.map((o) => o.bytes)),
    meanRows: rows / objects.length,
    rowGroupsPerObject: rowGroups.length / objects.length,
    meanRowsPerRowGroup: rowGroups.reduce((n, r) => n + r, 0) / rowGroups.length,
  };
}
