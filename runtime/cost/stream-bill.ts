/**
 * A Kinesis stream's bill for a load, in either capacity mode: the one place that says what
 * each mode charges for, used by `npm run cost` (a month), the provisioned/on-demand
 * comparison and the live page (an hour). Kinesis pricing page: provisioned streams pay
 * shard-hours and PUT payload units (25 KB chunks of each record's data); on-demand streams
 * pay a stream-hour, GB in (each record rounded up to 1 KB) and GB out per reader.
 */
import { PriceKey, RegionPrices } from "./price-table";
import { BYTES_PER_GB, StreamLoad } from "./stream-traffic";

/** What one hour of the load consumes of a price, in the price's unit. */
export interface BillLine {
  what: string;
  perHour: number;
  price: PriceKey;
}

export function provisionedBill(load: StreamLoad, shards: number): BillLine[] {
  return [
    { what: "shard-hours", perHour: shards, price: "kinesisShardHour" },
    // The price is per million units.
    {
      what: "PUT payload units",
      perHour: (load.putPayloadUnitsPerSecond * 3600) / 1e6,
      price: "kinesisPutPayloadUnits",
    },
  ];
}

export function onDemandBill(load: StreamLoad, readers: number): BillLine[] {
  return [
    { what: "on-demand stream-hours", perHour: 1, price: "kinesisOnDemandStreamHour" },
    {
      what: "data in (records rounded up to 1 KB)",
      perHour: (load.onDemandBilledBytesPerSecond * 3600) / BYTES_PER_GB,
      price: "kinesisOnDemandGbIn",
    },
    {
      what: `data out (${readers} reader${readers === 1 ? "" : "s"})`,
      perHour: (readers * load.bytesPerSecond * 3600) / BYTES_PER_GB,
      price: "kinesisOnDemandGbOut",
    },
  ];
}

export interface PricedBill {
  usd: number;
  lines: { what: string; quantity: number; unit: string; usd: number }[];
}

/** `lines` over `hours` hours at `prices`. */
export function priceBill(lines: BillLine[], hours: number, prices: RegionPrices): PricedBill {
  const priced = lines.map((l) => {
    const quantity = l.perHour * hours;
    return { what: l.what, quantity, unit: prices[l.price].unit, usd: quantity * prices[l.price].usd };
  });
  return { usd: priced.reduce((s, l) => s + l.usd, 0), lines: priced };
}
