/**
 * A TLC trip row (2009 or 2015 layout) as the taxi-trip event of schemas/taxi-trip.json:
 * camelCase fields, times in RFC 3339 with New York's offset, payment types by name. The
 * single place that knows how a row becomes an event; the schema test uses it too.
 */
import { Layout, LAYOUTS } from "./layouts";
import { formatNewYorkTime, parseNewYorkTime } from "./new-york-time";

/** One CSV row, by column name. */
export type TlcRow = Readonly<Record<string, string>>;

/** The event, exactly the shape of schemas/taxi-trip.json. */
export interface TaxiTrip {
  vendor: string;
  pickupTime: string;
  dropoffTime: string;
  passengerCount: number;
  tripDistance: number;
  pickupLongitude: number;
  pickupLatitude: number;
  dropoffLongitude: number;
  dropoffLatitude: number;
  fareAmount: number;
  tipAmount: number;
  totalAmount: number;
  paymentType: PaymentType;
}

export const PAYMENT_TYPES = ["credit", "cash", "no_charge", "dispute", "unknown", "voided"] as const;
export type PaymentType = (typeof PAYMENT_TYPES)[number];

/** A row read into values: times as epoch ms so that a looped replay can shift them. */
export interface TripFields extends Omit<TaxiTrip, "pickupTime" | "dropoffTime"> {
  pickupMs: number;
  dropoffMs: number;
}

/** A field that holds no usable value; the message names the column, the value and what is allowed. */
export class TripParseError extends Error {
  override name = "TripParseError";
}

// 2009 files write payment types as words, in any case ("CASH", "Credit", "No Charge").
const PAYMENT_2009: Record<string, PaymentType> = {
  cash: "cash",
  credit: "credit",
  "no charge": "no_charge",
  dispute: "dispute",
};
// 2015 files use the TLC codes 1..6 (data dictionary), in the order of PAYMENT_TYPES.
const VENDOR_2015: Record<string, string> = { "1": "CMT", "2": "VTS" };
const MAX_VENDOR_LENGTH = 32;

function number(row: TlcRow, column: string): number {
  const text = (row[column] ?? "").trim();
  const value = Number(text);
  if (text === "" || !Number.isFinite(value)) {
    throw new TripParseError(`${column} is ${JSON.stringify(row[column] ?? null)}, not a number`);
  }
  return value;
}

function time(row: TlcRow, column: string): number {
  const value = parseNewYorkTime((row[column] ?? "").trim());
  if (value === undefined) {
    throw new TripParseError(
      `${column} is ${JSON.stringify(row[column] ?? null)}, not a TLC time (allowed: YYYY-MM-DD hh:mm:ss)`,
    );
  }
  return value;
}

function vendor(row: TlcRow, layout: Layout): string {
  const raw = (row[layout.vendor] ?? "").trim();
  const name = layout.name === "2015" ? VENDOR_2015[raw] : raw;
  if (name === undefined || name === "" || name.length > MAX_VENDOR_LENGTH) {
    const allowed = layout.name === "2015" ? "1 or 2" : `1 to ${MAX_VENDOR_LENGTH} characters`;
    throw new TripParseError(`${layout.vendor} is ${JSON.stringify(row[layout.vendor] ?? null)} (allowed: ${allowed})`);
  }
  return name;
}

function paymentType(row: TlcRow, layout: Layout): PaymentType {
  const raw = (row[layout.paymentType] ?? "").trim();
  const name = layout.name === "2015" ? PAYMENT_TYPES[Number(raw) - 1] : PAYMENT_2009[raw.toLowerCase()];
  if (name === undefined) {
    const allowed = layout.name === "2015" ? "1 to 6" : Object.keys(PAYMENT_2009).join(", ");
    throw new TripParseError(
      `${layout.paymentType} is ${JSON.stringify(row[layout.paymentType] ?? null)} (allowed: ${allowed})`,
    );
  }
  return name;
}

function passengerCount(row: TlcRow, layout: Layout): number {
  const value = number(row, layout.passengerCount);
  if (!Number.isInteger(value) || value < 0 || value > 9) {
    throw new TripParseError(`${layout.passengerCount} is ${value} (allowed: an integer 0..9)`);
  }
  return value;
}

/**
 * Reads a row; throws TripParseError naming the first field it finds with no usable value
 * (the times and places first, as readTripEnds reads them, then the rest).
 * Column names are matched trimmed: TLC files pad some, and CRLF files leave a "\r" on the
 * last one when split by hand.
 */
export function readTrip(raw: TlcRow, layout: Layout): TripFields {
  const row = trimmedNames(raw);
  const ends = endsOf(row, layout);
  return {
    vendor: vendor(row, layout),
    pickupMs: ends.pickupMs,
    dropoffMs: ends.dropoffMs,
    passengerCount: passengerCount(row, layout),
    tripDistance: number(row, layout.tripDistance),
    pickupLongitude: ends.pickupLongitude,
    pickupLatitude: ends.pickupLatitude,
    dropoffLongitude: ends.dropoffLongitude,
    dropoffLatitude: ends.dropoffLatitude,
    fareAmount: number(row, layout.fareAmount),
    tipAmount: number(row, layout.tipAmount),
    totalAmount: number(row, layout.totalAmount),
    paymentType: paymentType(row, layout),
  };
}

export type TripEnds = Pick<
  TripFields,
  "pickupMs" | "dropoffMs" | "pickupLongitude" | "pickupLatitude" | "dropoffLongitude" | "dropoffLatitude"
>;

/**
 * Where and when a trip starts and ends, the fields the hot-spot job reads: a row with
 * another field unusable (a fare, a payment type) still has a pickup worth counting.
 */
export function readTripEnds(raw: TlcRow, layout: Layout): TripEnds {
  return endsOf(trimmedNames(raw), layout);
}

function endsOf(row: TlcRow, layout: Layout): TripEnds {
  return {
    pickupMs: time(row, layout.pickupTime),
    dropoffMs: time(row, layout.dropoffTime),
    pickupLongitude: number(row, layout.pickupLongitude),
    pickupLatitude: number(row, layout.pickupLatitude),
    dropoffLongitude: number(row, layout.dropoffLongitude),
    dropoffLatitude: number(row, layout.dropoffLatitude),
  };
}

function trimmedNames(row: TlcRow): TlcRow {
  const names = Object.keys(row);
  if (names.every((name) => name.trim() === name)) return row;
  return Object.fromEntries(names.map((name) => [name.trim(), row[name]]));
}

/** The event; `shiftMs` moves both times (a looped replay keeps event time increasing). */
export function tripEvent(trip: TripFields, shiftMs = 0): TaxiTrip {
  const { pickupMs, dropoffMs, ...rest } = trip;
  return {
    vendor: rest.vendor,
    pickupTime: formatNewYorkTime(pickupMs + shiftMs),
    dropoffTime: formatNewYorkTime(dropoffMs + shiftMs),
    passengerCount: rest.passengerCount,
    tripDistance: rest.tripDistance,
    pickupLongitude: rest.pickupLongitude,
    pickupLatitude: rest.pickupLatitude,
    dropoffLongitude: rest.dropoffLongitude,
    dropoffLatitude: rest.dropoffLatitude,
    fareAmount: rest.fareAmount,
    tipAmount: rest.tipAmount,
    totalAmount: rest.totalAmount,
    paymentType: rest.paymentType,
  };
}

/** A 2009-layout row as its event; throws TripParseError when a field is unusable. */
export function event2009(row: TlcRow): TaxiTrip {
  return tripEvent(readTrip(row, LAYOUTS["2009"]));
}

/** A 2015-layout row as its event; throws TripParseError when a field is unusable. */
export function event2015(row: TlcRow): TaxiTrip {
  return tripEvent(readTrip(row, LAYOUTS["2015"]));
}
