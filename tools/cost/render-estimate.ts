/**
 * An estimate as a reader sees it, in the shape Infracost users know: per part, each
 * resource with its lines (monthly quantity, unit, monthly cost), the overall total, then
 * the three biggest items, what was not priced, the traffic and habits assumed, the effect
 * of aggregation, the stream's capacity modes side by side, and the lake writer against
 * Firehose.
 */
import { PRICE_PAGES } from "../../runtime/cost/price-table";
import { StreamLoad } from "../../runtime/cost/stream-traffic";
import { loadInShards } from "../../runtime/stream/shard-sizing";
import { Estimate } from "./estimate";
import { USAGE_FLAGS } from "./usage";

const usd = (x: number) => `$${x.toFixed(2)}`;
const qty = (x: number) =>
  x === 0 ? "0" : x >= 100 ? Math.round(x).toLocaleString("en-US") : x >= 1 ? x.toFixed(1) : x.toPrecision(2);
const pad = (text: string, width: number) => (text.length >= width ? text : text + " ".repeat(width - text.length));
const lpad = (text: string, width: number) => (text.length >= width ? text : " ".repeat(width - text.length) + text);

/** The fewest shards that carry `load`, and how full the busier of their two write limits is. */
function filled(load: StreamLoad, shards: number): string {
  const usage = loadInShards(load.kinesisRecordsPerSecond, load.bytesPerSecond);
  return `at least ${shards} shard(s), ${Math.round((100 * usage) / shards)}% used`;
}

export function renderEstimate(e: Estimate): string {
  const out: string[] = [];
  out.push(
    `Project: ${e.project}/${e.stack} (${e.region}; prices checked ${e.pricesChecked}; ${e.hoursPerMonth} hours a month; offline plan, nothing deployed)`,
    "",
    ` ${pad("Name", 64)} ${lpad("Monthly Qty", 12)}  ${pad("Unit", 36)} ${lpad("Monthly Cost", 12)}`,
  );
  for (const { part, monthlyUsd } of e.parts) {
    out.push("", ` ${part}`);
    const resources = [...new Set(e.items.filter((i) => i.part === part).map((i) => `${i.type}\u0000${i.name}`))];
    resources.forEach((key, ri) => {
      const [type, name] = key.split("\u0000");
      const lastResource = ri === resources.length - 1;
      out.push(` ${lastResource ? "└─" : "├─"} ${type}  ${name}`);
      const lines = e.items.filter((i) => i.part === part && i.type === type && i.name === name);
      lines.forEach((l, li) => {
        const branch = `${lastResource ? "   " : "│  "}${li === lines.length - 1 ? "└─" : "├─"} ${l.what}`;
        out.push(` ${pad(branch, 64)} ${lpad(qty(l.quantity), 12)}  ${pad(l.unit, 36)} ${lpad(usd(l.monthlyUsd), 12)}`);
      });
    });
    out.push(` ${pad(`  ${part} total`, 64)} ${" ".repeat(12)}  ${" ".repeat(36)} ${lpad(usd(monthlyUsd), 12)}`);
  }
  out.push("", ` ${pad("OVERALL TOTAL", 116)} ${lpad(usd(e.totalUsd), 12)}`, "");
  out.push(
    `The three biggest items: ${e.biggest.map((b, i) => `${i + 1}. ${b.part} ${b.name} ${b.what} ${usd(b.monthlyUsd)} (${((100 * b.monthlyUsd) / e.totalUsd).toFixed(0)}%)`).join("; ")}.`,
  );
  const resources = (list: { type: string; name: string }[]) => new Set(list.map((r) => `${r.type} ${r.name}`)).size;
  out.push(
    "",
    `${resources(e.items) + resources(e.free) + new Set(e.notPriced.map((r) => `${r.type} ${r.name}`)).size} resources: ${resources(e.items)} priced, ${resources(e.free)} free or priced with another, ${e.notPriced.length} not priced.`,
  );
  for (const n of e.notPriced) out.push(`  NOT PRICED: ${n.part} ${n.type} ${n.name}: ${n.why}`);

  const a = e.stream.aggregation;
  out.push(
    "",
    "Traffic assumed (npm run cost flags):",
    ...USAGE_FLAGS.map((f) => `  --${f.flag} ${e.usage[f.key]}  (${f.meaning})`),
    "Habits assumed (tools/cost/usage.ts):",
    ...[...new Set(e.items.map((i) => i.assumption).filter((x): x is string => !!x))].map((x) => `  ${x}`),
    "",
    `Aggregation (ingest packs records per shard, at most 51,200 B, sent within 100 ms), for ${e.usage.recordsPerSecond.toLocaleString("en-US")} records/s of ${e.usage.recordBytes} B:`,
    `  without: ${qty(a.without.kinesisRecordsPerSecond)} Kinesis records/s, ${qty(a.without.putPayloadUnitsPerSecond)} PUT payload units/s, ${filled(a.without, a.shardsWithout)}`,
    `  with:    ${qty(a.with.kinesisRecordsPerSecond)} Kinesis records/s (${qty(a.recordsPerAggregate)} records of ${qty(a.aggregateBytes)} B each), ${qty(a.with.putPayloadUnitsPerSecond)} PUT payload units/s, ${filled(a.with, a.shardsWith)}`,
  );
  const m = e.stream.modes;
  const breakEven =
    m.breakEvenRecordsPerSecond.length === 0
      ? `no break-even up to ${m.searchUpTo.toLocaleString("en-US")} records/s: ${m.cheaperAtZero} is cheaper at every steady rate`
      : `break-even at ${m.breakEvenRecordsPerSecond.map((r) => r.toLocaleString("en-US")).join(", ")} records/s (${m.cheaperAtZero} is cheaper below${m.breakEvenRecordsPerSecond.length > 1 ? " the first" : ""})`;
  out.push(
    "",
    `The stream, provisioned (${e.stream.mode === "PROVISIONED" ? e.stream.sizedBy : "as the scaler would size it"}) against on-demand, for this traffic:`,
    `  provisioned: ${usd(m.provisioned.monthlyUsd)} a month (${m.provisioned.shards} shard(s); ${m.provisioned.lines.map((l) => `${l.what} ${usd(l.usd)}`).join(", ")})`,
    `  on-demand:   ${usd(m.onDemand.monthlyUsd)} a month (${m.onDemand.lines.map((l) => `${l.what} ${usd(l.usd)}`).join(", ")})`,
    `  ${breakEven}. Fan-out and retention cost alike in both modes and are left out.`,
    ...renderLakeAgainstFirehose(e),
    "",
    `Prices: runtime/cost/price-table.ts (${e.region}, checked ${e.pricesChecked}) from ${[...new Set(e.items.map((i) => PRICE_PAGES[i.price.page]))].length} AWS pricing pages; on-demand list prices, free tiers not subtracted.`,
  );
  return out.join("\n");
}

function renderLakeAgainstFirehose(e: Estimate): string[] {
  const l = e.lake;
  if (!l) return [];
  const bill = (b: { usd: number; lines: { what: string; usd: number }[] }) =>
    `${usd(b.usd)} a month (${b.lines.map((x) => `${x.what} ${usd(x.usd)}`).join(", ")})`;
  return [
    "",
    `The lake writer against Firehose (${PRICE_PAGES.firehose}), delivering the same records as Parquet by tenant and hour; storage and Athena cost alike and are left out:`,
    `  lake writer:            ${bill({ usd: l.writer.usd, lines: l.writer.lines })}`,
    `  Firehose, aggregated:   ${bill(l.firehose)}`,
    `  Firehose, one record per user record: ${bill(l.firehoseUnaggregated)}`,
    `  Firehose buffers ${l.bufferSeconds} s per tenant and hour; not counted on its side: a Lambda transform to read the tenant from the partition key, and duplicate objects from its at-least-once delivery (docs/lake.md).`,
  ];
}
