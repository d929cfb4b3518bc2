/**
 * The simulator's chart as a self-contained SVG (no library, no fonts to fetch): load and
 * shard capacity in records/s on the left axis, shard count as a step line on the right,
 * scaling events as ticks. Text alternatives in <title> and <desc> for screen readers.
 */
import { SimulationResult } from "./simulator";

const W = 960;
const H = 360;
const PAD = { left: 70, right: 60, top: 40, bottom: 40 };

export interface Baseline {
  label: string;
  result: SimulationResult;
}

export function chartSvg(title: string, result: SimulationResult, baseline?: Baseline): string {
  const ms = result.minutes;
  const maxRate = Math.max(1, ...ms.map((m) => Math.max(m.load, m.capacity))) * 1.1;
  const maxShards = Math.max(1, ...[...ms, ...(baseline?.result.minutes ?? [])].map((m) => m.shards)) * 1.1;
  const x = (minute: number) => PAD.left + (minute / Math.max(1, ms.length - 1)) * (W - PAD.left - PAD.right);
  const yRate = (v: number) => H - PAD.bottom - (v / maxRate) * (H - PAD.top - PAD.bottom);
  const yShards = (v: number) => H - PAD.bottom - (v / maxShards) * (H - PAD.top - PAD.bottom);
  const line = (points: [number, number][]) => points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ");
  // Every minute of a long trace would make a huge file: at most ~2 points per pixel column.
  const step = Math.max(1, Math.floor(ms.length / ((W - PAD.left - PAD.right) * 2)));
  const sampled = ms.filter((_, i) => i % step === 0 || i === ms.length - 1);
  const load = line(sampled.map((m) => [x(m.minute), yRate(m.load)]));
  const capacity = line(sampled.map((m) => [x(m.minute), yRate(m.capacity)]));
  const stepLine = (states: typeof ms) =>
    line(
      states.flatMap(
        (m, i) =>
          (i === 0
            ? [[x(m.minute), yShards(m.shards)]]
            : [
                [x(m.minute), yShards(states[i - 1].shards)],
                [x(m.minute), yShards(m.shards)],
              ]) as [number, number][],
      ),
    );
  const shards = stepLine(sampled);
  const baseShards = baseline
    ? stepLine(baseline.result.minutes.filter((_, i) => i % step === 0 || i === baseline.result.minutes.length - 1))
    : undefined;
  const ticks = result.events
    .filter((e) => e.scaler === "shards")
    .map(
      (e) =>
        `<line x1="${x(e.minute).toFixed(1)}" x2="${x(e.minute).toFixed(1)}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom + 6}" stroke="#555"/>`,
    )
    .join("");
  const hours = ms.length / 60;
  const summary = (r: SimulationResult) =>
    `${r.events.filter((e) => e.scaler === "shards").length} shard changes; ${r.minutesOverCapacity} minutes over capacity; ${r.shardHours.toFixed(1)} shard-hours`;
  const desc =
    `${title}: load peaks at ${Math.round(Math.max(...ms.map((m) => m.load)))} records/s; ${summary(result)} over ${hours.toFixed(1)} hours.` +
    (baseline ? ` ${baseline.label}: ${summary(baseline.result)}.` : "");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="t d">
<title id="t">${escape(title)}</title>
<desc id="d">${escape(desc)}</desc>
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${PAD.left}" y="22" font-family="sans-serif" font-size="14">${escape(title)}</text>
<text x="${PAD.left - 8}" y="${PAD.top}" font-family="sans-serif" font-size="11" text-anchor="end">${Math.round(maxRate)}/s</text>
<text x="${PAD.left - 8}" y="${H - PAD.bottom}" font-family="sans-serif" font-size="11" text-anchor="end">0</text>
<text x="${W - PAD.right + 8}" y="${PAD.top}" font-family="sans-serif" font-size="11">${Math.round(maxShards)} shards</text>
<text x="${W - PAD.right}" y="${H - 12}" font-family="sans-serif" font-size="11" text-anchor="end">${hours.toFixed(1)} h</text>
<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${load}"/>
<polyline fill="none" stroke="#2ca02c" stroke-width="1.5" stroke-dasharray="4 3" points="${capacity}"/>
<polyline fill="none" stroke="#d62728" stroke-width="1.5" points="${shards}"/>
${baseShards ? `<polyline fill="none" stroke="#7f7f7f" stroke-width="1.5" stroke-dasharray="2 2" points="${baseShards}"/>\n` : ""}${ticks}
<g font-family="sans-serif" font-size="11"><text x="${W - 380}" y="22" fill="#1f77b4">load (records/s)</text><text x="${W - 270}" y="22" fill="#2ca02c">capacity (records/s)</text><text x="${W - 140}" y="22" fill="#d62728">shards (right)</text>${baseline ? `<text x="${W - 140}" y="34" fill="#7f7f7f">${escape(baseline.label)} shards</text>` : ""}</g>
</svg>
`;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
