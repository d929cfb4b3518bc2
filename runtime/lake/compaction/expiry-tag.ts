/**
 * The tag the compactor puts on each segment object of an hour once the compaction state has
 * moved past the hour (so no query that starts later reads it), and that the lake bucket's
 * lifecycle rule expires under tables/ a day later (infra/lake/lake-storage.ts): longer than
 * any query that read the state before the move runs.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
 */
export const COMPACTED_SEGMENT_TAG = { key: "lake-compacted", value: "true" } as const;
