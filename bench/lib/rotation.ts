/**
 * Servers compared under the same load, taking turns: each gets `rounds` short runs in the
 * order ABC, CBA, ABC, ... On a shared machine the background load drifts; taking turns
 * gives every server its share of the good and the bad moments, which one long run each
 * would not, and a ratio is taken per round, between runs seconds apart.
 */
import { ServerChild } from "./children";
import { ServiceCounters, serviceCounters } from "./emf";
import { combine, load, LoadResult } from "./load";
import { median, note } from "./report";

/** Long enough for a durable server to write what a finished run left in flight (ack max ~0.5 s). */
const SETTLE_MS = 500;

export interface Contender {
  scenario: string;
  server: ServerChild;
  /** Where it writes ("-" for a bare server), for the table. */
  kinesis: string;
  mode: "bare" | "buffered" | "durable";
  /** More processes whose CPU to report (the emulator). */
  cpu?: Record<string, () => number>;
}

export interface Workload {
  path: "/" | "/batch";
  body: string;
  recordsPerRequest: number;
  connections: number;
  rounds: number;
  durationS: number;
  /** Before each server's first round only. */
  warmupS: number;
  /** Authorization headers, sent in turn (tenants' keys); unset: none. */
  authorizations?: string[];
}

export interface Run {
  scenario: string;
  server: string;
  kinesis: string;
  mode: Contender["mode"];
  path: Workload["path"];
  connections: number;
  recordsPerRequest: number;
  /** The rounds combined (see combine()), and each round as measured. */
  load: LoadResult;
  rounds: LoadResult[];
  /** User records per second answered 2xx. */
  recordsPerSecond: number;
  /** Server CPU per user record answered, in microseconds: steadier than req/s on a shared machine. */
  serverCpuUsPerRecord: number;
  /** The ingest service's own counters (EMF), read once it stopped. */
  service?: ServiceCounters;
}

export async function rotation(contenders: Contender[], w: Workload): Promise<Run[]> {
  const results: LoadResult[][] = contenders.map(() => []);
  let previous: number | undefined;
  for (let round = 0; round < w.rounds; round++) {
    const order = contenders.map((_, i) => i);
    if (round % 2) order.reverse();
    for (const i of order) {
      const c = contenders[i];
      // The same server twice in a row: the first run's requests in flight are still pending.
      if (previous === i) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      previous = i;
      note(`${c.scenario}: round ${round + 1}/${w.rounds}, ${w.connections} connections, ${w.durationS} s`);
      const options = {
        url: `${c.server.url}${w.path}`,
        connections: w.connections,
        durationS: w.durationS,
        warmupS: round === 0 ? w.warmupS : 0,
        settleMs: SETTLE_MS,
        body: w.body,
        authorizations: w.authorizations,
      };
      results[i].push(await load(options, { server: c.server.cpuSeconds, ...c.cpu }));
    }
  }
  return contenders.map((c, i) => {
    const combined = combine(results[i]);
    const recordsPerSecond = combined.okPerSecond * w.recordsPerRequest;
    return {
      scenario: c.scenario,
      server: c.server.name,
      kinesis: c.kinesis,
      mode: c.mode,
      path: w.path,
      connections: w.connections,
      recordsPerRequest: w.recordsPerRequest,
      load: combined,
      rounds: results[i],
      recordsPerSecond,
      serverCpuUsPerRecord: (combined.cpuPercent.server / 100 / recordsPerSecond) * 1e6,
    };
  });
}

/** Stops an ingest service (it drains and prints its last EMF document) and reads its counters. */
export async function stopService(run: Run, server: ServerChild): Promise<Run> {
  await server.stop();
  run.service = serviceCounters(server.lines);
  return run;
}

/** Records/s of `a` over `b`, round by round (they ran seconds apart): the median and the range. */
export function roundRatio(a: Run, b: Run): { median: number; min: number; max: number } {
  const ratios = a.rounds.map(
    (r, i) => (r.okPerSecond * a.recordsPerRequest) / (b.rounds[i].okPerSecond * b.recordsPerRequest),
  );
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/**
 * What held a closed-loop run back: one of our processes at >= 85% of a core, else (in
 * durable mode) the wait for acks, else other work on the machine when it took half a core.
 */
export function limitedBy(r: Run): string {
  const { other, ...ours } = r.load.cpuPercent;
  const [name, top] = Object.entries(ours).sort((a, b) => b[1] - a[1])[0];
  if (top >= 85) return `${name} CPU`;
  if (r.mode === "durable" && r.service && r.service.bufferingMsAverage >= 0.5 * r.load.meanMs) return "ack wait";
  if (other >= 50) return "other processes";
  return "?";
}
