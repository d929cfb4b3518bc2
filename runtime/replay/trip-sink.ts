/**
 * Where replayed trips go: the ingest API (http-sink.ts), locally as on AWS; a test hands
 * the replay loop a sink of its own. The replay loop only knows this interface.
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
  /** Events accepted downstream (answered 200/202 by the API). */
  readonly stored: number;
  /** Events refused downstream, by reason (an API error code such as "schema_violation", "not-written"). */
  readonly refused: SkipTally;
  /** Takes a batch; resolves when the sink has room for more (that is the backpressure). */
  send(batch: readonly OutgoingTrip[]): Promise<void>;
  /** Writes everything taken so far (within a bound), then releases connections. */
  close(): Promise<void>;
}
