/** Why the producer did not take, or could not write, a record. Each maps to one HTTP answer. */

/** The pending limit is reached: the caller should retry later (503 + Retry-After). */
export class BackpressureError extends Error {
  override name = "BackpressureError";
  constructor(
    readonly limit: "records" | "bytes",
    readonly pending: number,
    readonly max: number,
  ) {
    super(`too many records pending (${pending} ${limit} of at most ${max}): retry later`);
  }
}

/** The producer is draining for shutdown and takes nothing new (503). */
export class ProducerClosedError extends Error {
  override name = "ProducerClosedError";
  constructor() {
    super("the producer is shutting down and takes no new records: retry against another task");
  }
}

/** A record was not written within its time to live (503): it was NOT stored. */
export class RecordExpiredError extends Error {
  override name = "RecordExpiredError";
  constructor(
    readonly ttlMs: number,
    readonly lastError: string,
  ) {
    super(`the record was not written to Kinesis within ${ttlMs} ms (last error: ${lastError}); it was not stored`);
  }
}

/** Kinesis refused the record for a reason no retry can cure (503): it was NOT stored. */
export class RecordRefusedError extends Error {
  override name = "RecordRefusedError";
  constructor(readonly errorCode: string) {
    super(`Kinesis refused the record with ${errorCode}, which retrying cannot cure; it was not stored`);
  }
}
