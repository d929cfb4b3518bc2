/**
 * When an interface VPC endpoint pays for itself against NAT: it costs its AZ-hours whatever
 * crosses it, and saves NAT's per-GB charge less its own on each GB it carries. The config
 * reference (streamVpcEndpoint) and docs/network.md quote these figures.
 */
import { HOURS_PER_MONTH, PRICE_TABLE, RegionPrices } from "./price-table";

export interface EndpointBreakEven {
  /** The endpoint's hours in every zone, a month. */
  fixedUsdPerMonth: number;
  /** What each GB saves going through it rather than NAT. */
  savedUsdPerGb: number;
  /** The traffic a month above which it is cheaper than NAT. */
  breakEvenGbPerMonth: number;
}

export function endpointBreakEven(
  zones: number,
  prices: RegionPrices = PRICE_TABLE["us-east-1"].prices,
): EndpointBreakEven {
  const fixedUsdPerMonth = zones * HOURS_PER_MONTH * prices.vpcEndpointAzHour.usd;
  const savedUsdPerGb = prices.natGatewayGb.usd - prices.vpcEndpointGb.usd;
  return { fixedUsdPerMonth, savedUsdPerGb, breakEvenGbPerMonth: fixedUsdPerMonth / savedUsdPerGb };
}
