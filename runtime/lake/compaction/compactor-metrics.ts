/** One EMF document per run (LAKE_COMPACTOR_METRICS): how far behind the hours are, and what the run merged. */
import { LineSink, metricsDocument } from "../../observability/emf";
import { LAKE_COMPACTOR_METRICS } from "../../observability/metrics/pipeline";
import { RunOutcome } from "./compactor";

const M = LAKE_COMPACTOR_METRICS;

export async function emitRunMetrics(sink: LineSink, streamName: string, run: RunOutcome): Promise<void> {
  const doc = metricsDocument(sink, { StreamName: streamName })
    .put(M.LakeCompactedParts, run.partsWritten)
    .put(M.LakeCompactedRows, run.rows)
    .put(M.LakeCompactedBytes, run.bytes)
    .put(M.LakeSegmentObjectsRetired, run.objectsRetired)
    .property("end", run.end);
  // Without a state nothing is read from parts yet: no lag to report.
  if (run.hoursNotCompacted !== undefined) doc.put(M.LakeHoursNotCompacted, run.hoursNotCompacted);
  await doc.flush();
}
