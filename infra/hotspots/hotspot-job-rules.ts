/**
 * The rules between the hot-spot job's settings and the rest of the stack, in the words of
 * the stack config; validateConfig lists them with every other problem.
 */
import { kpus } from "../../runtime/scaling/flink-policy";
import { FLINK_LIMITS } from "./flink-limits";

export interface HotspotJobSettings {
  analytics?: boolean;
  /** The schema ingest enforces, when set. */
  ingestSchema?: string;
  parallelism?: number;
  parallelismPerKpu?: number;
}

export function hotspotJobProblems(s: HotspotJobSettings): string[] {
  const problems: string[] = [];
  // The Flink job reads trips as plain JSON: records in the Glue wire format (ingestSchema
  // set) would all fail to parse, and the map would stay empty without a word.
  if (s.analytics === true && s.ingestSchema !== undefined) {
    problems.push(
      `ingestSchema must be unset while analytics is true (the hot-spot job reads plain JSON trips, not the schema registry's wire format), got ${s.ingestSchema}: ` +
        "pulumi config rm ingestSchema, or pulumi config set analytics false",
    );
  }
  const { parallelism, parallelismPerKpu } = s;
  if (
    parallelism !== undefined &&
    parallelismPerKpu !== undefined &&
    kpus(parallelism, parallelismPerKpu) > FLINK_LIMITS.maxKpus
  ) {
    problems.push(
      `flinkParallelism must fit in ${FLINK_LIMITS.maxKpus} KPUs at flinkParallelismPerKpu ${parallelismPerKpu} (at most ${FLINK_LIMITS.maxKpus * parallelismPerKpu}), got ${parallelism}`,
    );
  }
  return problems;
}
