/**
 * The two TLC yellow-cab column layouts the replay reads: 2009 (vendor names, payment types
 * as words) and 2015 (numeric vendor and payment codes). A file's header says which one it
 * is; the rest of the replay works on the fields named here.
 */

export type LayoutName = "2009" | "2015";

/** The columns a trip event is built from, per layout. */
export interface Layout {
  name: LayoutName;
  vendor: string;
  pickupTime: string;
  dropoffTime: string;
  passengerCount: string;
  tripDistance: string;
  pickupLongitude: string;
  pickupLatitude: string;
  dropoffLongitude: string;
  dropoffLatitude: string;
  fareAmount: string;
  tipAmount: string;
  totalAmount: string;
  paymentType: string;
}

export const LAYOUTS: Record<LayoutName, Layout> = {
  "2009": {
    name: "2009",
    vendor: "vendor_name",
    pickupTime: "Trip_Pickup_DateTime",
    dropoffTime: "Trip_Dropoff_DateTime",
    passengerCount: "Passenger_Count",
    tripDistance: "Trip_Distance",
    pickupLongitude: "Start_Lon",
    pickupLatitude: "Start_Lat",
    dropoffLongitude: "End_Lon",
    dropoffLatitude: "End_Lat",
    fareAmount: "Fare_Amt",
    tipAmount: "Tip_Amt",
    totalAmount: "Total_Amt",
    paymentType: "Payment_Type",
  },
  "2015": {
    name: "2015",
    vendor: "VendorID",
    pickupTime: "tpep_pickup_datetime",
    dropoffTime: "tpep_dropoff_datetime",
    passengerCount: "passenger_count",
    tripDistance: "trip_distance",
    pickupLongitude: "pickup_longitude",
    pickupLatitude: "pickup_latitude",
    dropoffLongitude: "dropoff_longitude",
    dropoffLatitude: "dropoff_latitude",
    fareAmount: "fare_amount",
    tipAmount: "tip_amount",
    totalAmount: "total_amount",
    paymentType: "payment_type",
  },
};

function columnsOf(layout: Layout): string[] {
  return Object.entries(layout)
    .filter(([key]) => key !== "name")
    .map(([, column]) => column);
}

/** The layout whose columns the header holds (TLC files pad some names with spaces), or undefined. */
export function detectLayout(header: readonly string[]): Layout | undefined {
  const names = new Set(header.map((name) => name.trim()));
  return Object.values(LAYOUTS).find((layout) => columnsOf(layout).every((column) => names.has(column)));
}

/** For error messages: the layout a header comes closest to, and the columns it lacks. */
export function closestLayout(header: readonly string[]): { layout: Layout; missing: string[]; of: number } {
  const names = new Set(header.map((name) => name.trim()));
  const gaps = Object.values(LAYOUTS).map((layout) => ({
    layout,
    missing: columnsOf(layout).filter((column) => !names.has(column)),
    of: columnsOf(layout).length,
  }));
  return gaps.reduce((best, gap) => (gap.missing.length < best.missing.length ? gap : best));
}

/** For error messages: what a header must hold. */
export function layoutsAllowed(): string {
  return Object.values(LAYOUTS)
    .map((layout) => `the ${layout.name} layout (${layout.vendor}, ${layout.pickupTime}, ...)`)
    .join(" or ");
}
