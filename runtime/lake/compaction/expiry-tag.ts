/**
 * The tag the compactor puts on each segment object of an hour the grace after the compaction
 * state moved past the hour (retire.ts: longer than any query that read the state before the
 * move runs), and that the lake bucket's lifecycle rule expires under tables/ once the object
 * is a day old (infra/lake/lake-storage.ts).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
 */
export const COMPACTED_SEGMENT_TAG = { key: "lake-compacted", value: "true" } as const;
