/**
 * Where replayed trips go: straight to a stream (stream-sink.ts) or to the ingest API
 * (http-sink.ts). The replay loop only knows this interface.
 */
import { SkipTally } from "./skip-tally";
import { TaxiTrip } from "./trip-event";

export interface OutgoingTrip {
  event: TaxiTrip;
  partitionKey: string;
}

export interface TripSink {
  /** What the summary calls the target. */
  readonly description: string;
  /** Events accepted downstream (stored in the stream, or answered 200/202 by the API). */
  readonly stored: number;
  /** Events refused downstream, by reason ("schema", an API error code, "not-written"). */
  readonly refused: SkipTally;
  /** Takes a batch; resolves when the sink has room for more (that is the backpressure). */
  send(batch: readonly OutgoingTrip[]): Promise<void>;
  /** Writes everything taken so far (within a bound), then releases connections. */
  close(): Promise<void>;
}
