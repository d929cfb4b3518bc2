import { expect } from "chai";
import { endpointBreakEven } from "../../../runtime/cost/endpoint-break-even";
import { PRICE_TABLE } from "../../../runtime/cost/price-table";

describe("an interface endpoint against NAT", () => {
  it("costs its AZ-hours and pays off where NAT's per-GB saving covers them, by hand", () => {
    // 2 zones x 730 h x $0.01 = $14.60 a month; each GB saves $0.045 - $0.01 = $0.035.
    const b = endpointBreakEven(2);
    expect(b.fixedUsdPerMonth).to.be.closeTo(14.6, 1e-9);
    expect(b.savedUsdPerGb).to.be.closeTo(0.035, 1e-12);
    expect(b.breakEvenGbPerMonth).to.be.closeTo(14.6 / 0.035, 1e-6);
    expect(Math.round(b.breakEvenGbPerMonth)).to.equal(417);
  });

  it("reads the region's prices: a dearer NAT pays the endpoint off sooner", () => {
    const prices = PRICE_TABLE["us-east-1"].prices;
    const dearNat = { ...prices, natGatewayGb: { ...prices.natGatewayGb, usd: 0.09 } };
    expect(endpointBreakEven(2, dearNat).breakEvenGbPerMonth).to.be.closeTo(14.6 / 0.08, 1e-6);
    expect(endpointBreakEven(3).fixedUsdPerMonth).to.be.closeTo(21.9, 1e-9);
  });
});
