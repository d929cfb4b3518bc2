import { expect } from "chai";
import { PRICE_PAGES, PRICE_TABLE, priceSheet, UnpricedRegionError } from "../../../runtime/cost/price-table";

describe("price table", () => {
  it("has the dev stack's region, dated, every price positive with its page", () => {
    const sheet = priceSheet("us-east-1");
    expect(sheet.checked).to.match(/^\d{4}-\d{2}-\d{2}$/);
    for (const [key, p] of Object.entries(sheet.prices)) {
      expect(p.usd, key).to.be.greaterThan(0);
      expect(PRICE_PAGES[p.page], key).to.match(/^https:\/\/aws\.amazon\.com\//);
      expect(p.unit, key).to.not.equal("");
    }
  });

  it("every region has the same keys", () => {
    const keys = Object.keys(PRICE_TABLE["us-east-1"].prices).sort();
    for (const sheet of Object.values(PRICE_TABLE)) expect(Object.keys(sheet.prices).sort()).to.deep.equal(keys);
  });

  it("a region without prices is an error naming the regions there are", () => {
    expect(() => priceSheet("ap-south-2")).to.throw(
      UnpricedRegionError,
      /no prices for region "ap-south-2": .* has us-east-1/,
    );
  });
});
