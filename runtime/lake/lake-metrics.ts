/**
 * The lake writer's metrics: counters of what its workers stored and of the conditional
 * writes S3 refused (the key was taken: a re-read, stored once), and the age of the oldest
 * record read but not yet stored, written as one EMF document per interval (LAKE_METRICS).
 * Counting is a few additions per object or segment: nothing per row on the hot path.
 */
import { LineSink, metricsDocument } from "../observability/emf";
import { IntervalReport } from "../observability/interval-report";
import { LAKE_METRICS, PIPELINE_SERVICES, SERVICE_DIMENSION } from "../observability/metrics/pipeline";
import { LakeStore, PutOutcome } from "./lake-store";
import { SegmentWritten } from "./lake-writer";
import { DEAD_LETTERS_PREFIX, SEGMENTS_PREFIX } from "./object-keys";

const M = LAKE_METRICS;

/** What one conditional write was, by its key: a segment's claim, or an object of the lake (a table's or dead letters). */
export function writeKind(key: string): "claim" | "object" {
  return key.startsWith(SEGMENTS_PREFIX) ? "claim" : "object";
}

/** The oldest of the shards' oldest unstored records, as an age at `now` (0: every record read is stored). */
export function oldestUnstoredAge(arrivals: Iterable<number>, now: number): number {
  let oldest = now;
  for (const at of arrivals) oldest = Math.min(oldest, at);
  return Math.max(0, now - oldest);
}

export class LakeMetrics extends IntervalReport {
  private counts = LakeMetrics.zero();
  /** Per held shard: when its oldest record read and not yet stored reached the stream (ms since the epoch). */
  private readonly unstoredSince = new Map<string, number>();

  constructor(
    private readonly sink: LineSink,
    private readonly streamName: string,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  private static zero() {
    return {
      claimed: 0,
      claimsLost: 0,
      segments: 0,
      cutForMemory: 0,
      objects: 0,
      alreadyStored: 0,
      rows: 0,
      deadLetters: 0,
      bytes: 0,
    };
  }

  /** The bucket as the writer uses it, each conditional write counted by its outcome. */
  counting(store: LakeStore): LakeStore {
    return {
      putIfAbsent: async (key, body, contentType) => {
        const outcome: PutOutcome = await store.putIfAbsent(key, body, contentType);
        const written = outcome === "written";
        const c = this.counts;
        if (writeKind(key) === "claim") {
          if (written) c.claimed++;
          else c.claimsLost++;
        } else if (written) {
          c.objects++;
          c.bytes += body.length;
        } else {
          c.alreadyStored++;
        }
        return outcome;
      },
      // A shard's progress: not an object of the lake's tables, not counted.
      put: (key, body, contentType) => store.put(key, body, contentType),
      get: (key) => store.get(key),
    };
  }

  /** A segment stored and checkpointed: its rows and dead letters (those of the objects this worker wrote). */
  segmentStored(segment: SegmentWritten): void {
    this.counts.segments++;
    if (segment.cause === "memory") this.counts.cutForMemory++;
    for (const object of segment.written) {
      if (object.key.startsWith(DEAD_LETTERS_PREFIX)) this.counts.deadLetters += object.rows;
      else this.counts.rows += object.rows;
    }
  }

  /** A shard's oldest record read and not yet stored: when it reached the stream; undefined when none is. */
  unstored(shardId: string, arrival: Date | undefined): void {
    if (arrival) this.unstoredSince.set(shardId, arrival.getTime());
    else this.unstoredSince.delete(shardId);
  }

  async report(): Promise<void> {
    const c = this.counts;
    this.counts = LakeMetrics.zero();
    await metricsDocument(this.sink, { [SERVICE_DIMENSION]: PIPELINE_SERVICES.lake, StreamName: this.streamName })
      .put(M.LakeSegmentsClaimed, c.claimed)
      .put(M.LakeClaimsLost, c.claimsLost)
      .put(M.LakeSegmentsStored, c.segments)
      .put(M.LakeSegmentsCutForMemory, c.cutForMemory)
      .put(M.LakeObjectsStored, c.objects)
      .put(M.LakeObjectsAlreadyStored, c.alreadyStored)
      .put(M.LakeRowsStored, c.rows)
      .put(M.LakeDeadLetters, c.deadLetters)
      .put(M.LakeBytesStored, c.bytes)
      .put(M.LakeOldestUnstoredAge, oldestUnstoredAge(this.unstoredSince.values(), this.now()))
      .flush();
  }
}
