import { expect } from "chai";
import pino from "pino";
import { readTenantUsageLine, TenantUsage } from "../../../runtime/ingest/tenant-usage";
import { PAGE_TOP_TENANTS, PipelineView } from "../../../runtime/local/page/pipeline-view";

const SETUP = { streamName: "s", minShards: 2, maxShards: 8, capacityScale: 10, metricsIntervalMs: 2000 };

describe("the live page's tenants panel", () => {
  it("reads back the usage lines ingest writes, and nothing else", async () => {
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (l: string) => void lines.push(l.trimEnd()) });
    const usage = new TenantUsage(() => undefined, log, "s", []);
    usage.accepted("acme", 10, 500);
    usage.rejected("acme", "rate_limited", 3);
    await usage.report();
    expect(lines).to.have.lengthOf(1);
    expect(readTenantUsageLine(lines[0])).to.deep.include({
      tenant: "acme",
      records: 10,
      bytes: 500,
      rejects: { rate_limited: 3 },
    });
    for (const other of ['{"msg":"ingest listening"}', "not json", '{"msg":"tenant usage","tenant":7}', ""]) {
      expect(readTenantUsageLine(other), other).to.equal(undefined);
    }
  });

  it("shows the busiest tenants by records/s with their refusals, the rest summed, and a silent tenant at zero", () => {
    const view = new PipelineView(SETUP);
    const line = (at: number, tenant: string, records: number, rejects: Record<string, number> = {}) =>
      view.tenantUsage({ at, tenant, records, bytes: records * 100, rejects });
    line(1000, "flood", 2000, { rate_limited: 400 });
    line(1000, "taxi-replay", 60);
    for (let i = 0; i < 7; i++) line(1000, `small-${i}`, 2 * (i + 1));
    line(1000, "demo", 0, { invalid_field: 2 });
    line(3000, "flood", 1000, { rate_limited: 100 });
    const { top, rest } = view.snapshot(3500).tenants;
    expect(top).to.have.lengthOf(PAGE_TOP_TENANTS);
    expect(top.map((t) => [t.tenant, t.recordsPerSecond, t.rejectsPerSecond, t.rejects])).to.deep.equal([
      ["flood", 500, 50, 500],
      ["taxi-replay", 30, 0, 0],
      ["small-6", 7, 0, 0],
      ["small-5", 6, 0, 0],
      ["small-4", 5, 0, 0],
    ]);
    expect(rest).to.deep.equal({
      tenant: "others",
      tenants: 5,
      recordsPerSecond: 4 + 3 + 2 + 1,
      rejectsPerSecond: 1,
      rejects: 2,
    });
    // More than two intervals (4 s) after its last report: the tenant sends nothing now.
    const later = view.snapshot(7001).tenants.top.find((t) => t.tenant === "flood")!;
    expect([later.recordsPerSecond, later.rejects]).to.deep.equal([0, 500]);
  });
});
