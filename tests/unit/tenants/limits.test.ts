import { expect } from "chai";
import { AuthFailureThrottle } from "../../../runtime/ingest/auth-failures";
import { clientAddress } from "../../../runtime/ingest/client-address";
import { TenantRateLimits } from "../../../runtime/ingest/tenant-rate-limits";

describe("per-tenant rate limits (token buckets, per task)", () => {
  const at = { now: 0 };
  const limits = () => new TenantRateLimits({ recordsPerSecond: 100, bytesPerSecond: 10_000 }, () => at.now);

  it("admits a second's worth, then refuses with the wait until the bucket is positive again", () => {
    at.now = 0;
    const l = limits();
    expect(l.take("acme", {}, 100, 100)).to.deep.equal({ admitted: true });
    expect(l.take("acme", {}, 1, 1)).to.deep.equal({ admitted: false, retryAfterMs: 1, limit: "records" });
    at.now = 500;
    expect(l.take("acme", {}, 60, 60)).to.deep.equal({ admitted: true });
    // 50 - 60 = -10 records: 100 ms to wait.
    expect(l.take("acme", {}, 1, 1)).to.deep.equal({ admitted: false, retryAfterMs: 100, limit: "records" });
  });

  it("admits a request larger than a second's worth whole, and makes the tenant wait it off", () => {
    at.now = 0;
    const l = limits();
    expect(l.take("acme", {}, 500, 500).admitted).to.equal(true);
    expect(l.take("acme", {}, 1, 1)).to.deep.equal({ admitted: false, retryAfterMs: 4000, limit: "records" });
    at.now = 4001;
    expect(l.take("acme", {}, 1, 1).admitted).to.equal(true);
  });

  it("limits bytes as well, and says which limit was reached", () => {
    at.now = 0;
    const l = limits();
    expect(l.take("acme", {}, 1, 30_000).admitted).to.equal(true);
    expect(l.take("acme", {}, 1, 1)).to.deep.equal({ admitted: false, retryAfterMs: 2000, limit: "bytes" });
  });

  it("keeps each tenant's buckets its own, and a tenant's own limits override the defaults", () => {
    at.now = 0;
    const l = limits();
    for (let i = 0; i < 100; i++) l.take("flood", {}, 1, 1);
    expect(l.take("flood", {}, 1, 1).admitted).to.equal(false);
    expect(l.take("calm", {}, 1, 1).admitted).to.equal(true);
    expect(l.take("big", { recordsPerSecond: 1000 }, 1000, 1000).admitted).to.equal(true);
    expect(l.limitsOf({ bytesPerSecond: 5 })).to.deep.equal({ recordsPerSecond: 100, bytesPerSecond: 5 });
  });

  it("never admits more than the rate over time plus one request (a steady flood of single records)", () => {
    at.now = 0;
    const l = limits();
    let admitted = 0;
    for (let ms = 0; ms < 10_000; ms++) {
      at.now = ms;
      for (let j = 0; j < 5; j++) if (l.take("acme", {}, 1, 1).admitted) admitted++;
    }
    expect(admitted).to.be.within(1000, 1101);
  });
});

describe("throttling failed authentications per client address", () => {
  it("lets an address fail `burst` times, then refuses it until a failure is regained", () => {
    const at = { now: 0 };
    const t = new AuthFailureThrottle({ burst: 3, perSecond: 2, maxAddresses: 100, now: () => at.now });
    for (let i = 0; i < 3; i++) {
      expect(t.retryAfterMs("1.2.3.4")).to.equal(0);
      t.failed("1.2.3.4");
    }
    expect(t.retryAfterMs("1.2.3.4")).to.equal(500);
    expect(t.retryAfterMs("5.6.7.8")).to.equal(0);
    at.now = 500;
    expect(t.retryAfterMs("1.2.3.4")).to.equal(0);
  });

  it("remembers at most maxAddresses (a flood of addresses cannot grow memory)", () => {
    const t = new AuthFailureThrottle({ burst: 1, perSecond: 1, maxAddresses: 10, now: () => 0 });
    for (let i = 0; i < 1000; i++) t.failed(`10.0.${i >> 8}.${i & 255}`);
    expect(t.retryAfterMs("10.0.3.231")).to.be.greaterThan(0);
    expect(t.retryAfterMs("10.0.0.0")).to.equal(0); // forgotten
  });
});

describe("the client address", () => {
  const cases: [Parameters<typeof clientAddress>, string][] = [
    [["socket", "10.0.0.7", "1.1.1.1"], "10.0.0.7"],
    [["load-balancer", "10.0.0.7", "203.0.113.9"], "203.0.113.9"],
    // What a client sends comes first; the load balancer appends the address it saw last.
    [["load-balancer", "10.0.0.7", "1.1.1.1, 2.2.2.2, 203.0.113.9"], "203.0.113.9"],
    [["load-balancer", "10.0.0.7", ["1.1.1.1", "203.0.113.9"]], "203.0.113.9"],
    [["load-balancer", "10.0.0.7", undefined], "10.0.0.7"],
    [["load-balancer", "10.0.0.7", "1.1.1.1, "], "10.0.0.7"],
    [["socket", undefined, undefined], "unknown"],
  ];
  for (const [args, address] of cases) {
    it(`${JSON.stringify(args)} -> ${address}`, () => expect(clientAddress(...args)).to.equal(address));
  }
});
