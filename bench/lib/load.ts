/**
 * The load generator: autocannon in a separate plain-node process (load-child.mjs), a
 * guarded child that reports over its IPC channel. On 2 cores this gives the load
 * generator one core and the server the other. Not in this
 * process: the benchmark runs under ts-node, which loads node:repl and with it node:domain
 * (every EventEmitter emit is then wrapped), and had the server shared a process with the
 * load, each request would pay for both on one event loop, which flatters a slow server.
 * The bare baseline runs under exactly the same load generator, connections and duration.
 *
 * Latencies are autocannon's, closed loop: each connection sends its next request once
 * the previous one is answered.
 */
import path from "node:path";
import { BenchChild, startIpcChild } from "./children";
import { machineBusySeconds } from "./cpu";
import { median } from "./report";

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  /** Untimed load first (JIT, connections); 0 for none. */
  warmupS: number;
  /** Pause between the warm-up and the measured run, for the server to finish what was in flight. */
  settleMs: number;
  body: string;
  /** Authorization headers to send, one request each, in turn on every connection; unset: none. */
  authorizations?: string[];
}

export interface LoadResult {
  /** 2xx answers per second of the measured run. */
  okPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  statusCodes: Record<string, number>;
  durationS: number;
  /**
   * CPU used during the measured run, in percent of one core: "load generator", each probe
   * given (the server, the emulator), and "other": everything else on the machine, which
   * on a shared 2-core machine is the noise. Near 100 means that process was the limit.
   */
  cpuPercent: Record<string, number>;
}

type ChildResult = Omit<LoadResult, "cpuPercent"> & { loadGenCpuPercent: number };

const LOAD_CHILD = path.join(__dirname, "load-child.mjs");

let generator: BenchChild | undefined;

/**
 * The load generator process, started on first use and kept for every run (a start costs
 * ~0.5 s); stopped with the benchmark's other children (cleanup.ts).
 */
function loadGenerator(): BenchChild {
  if (generator) return generator;
  // Plain node and a bare environment: no ts-node (or NODE_OPTIONS) in the load generator.
  const child = startIpcChild({ name: "load generator", script: LOAD_CHILD, env: {}, stopGraceMs: 0 });
  void child.exited.then(() => (generator = undefined));
  return (generator = child);
}

/** One measured run; `cpuProbes` are sampled when the measured part starts and when it ends. */
export function load(options: LoadOptions, cpuProbes: Record<string, () => number> = {}): Promise<LoadResult> {
  const child = loadGenerator();
  const sample = () => ({
    at: performance.now(),
    machine: machineBusySeconds(),
    probes: Object.fromEntries(Object.entries(cpuProbes).map(([name, probe]) => [name, probe()])),
  });
  const before = child.messages().length;
  let started: ReturnType<typeof sample> | undefined;
  // Sampled when the child says the measured part starts, not when this code gets to it.
  const measuring = child
    .waitForMessage((m) => child.messages().indexOf(m) >= before && m.type === "measuring", {
      what: "the measured run to start",
      timeoutMs: (options.warmupS + options.durationS) * 1000 + options.settleMs + 60_000,
    })
    .then(() => (started = sample()));
  // Its failure (the child gone) is the result's failure too, reported there.
  measuring.catch(() => undefined);
  child.send({ type: "run", options });
  return child
    .waitForMessage((m) => child.messages().indexOf(m) >= before && m.type === "done", {
      what: "the run's result",
      timeoutMs: (options.warmupS + options.durationS) * 1000 + options.settleMs + 60_000,
    })
    .then(async (m) => {
      await measuring;
      const after = sample();
      const first = started!;
      const percent = (seconds: number) => (seconds / ((after.at - first.at) / 1000)) * 100;
      const probes = Object.fromEntries(
        Object.keys(cpuProbes).map((name) => [name, percent(after.probes[name] - first.probes[name])]),
      );
      const { loadGenCpuPercent, ...rest } = m.result as ChildResult;
      const ours = loadGenCpuPercent + Object.values(probes).reduce((a, b) => a + b, 0);
      const other = Math.max(0, percent(after.machine - first.machine) - ours);
      return { ...rest, cpuPercent: { "load generator": loadGenCpuPercent, ...probes, other } };
    });
}

/**
 * Several rounds of one scenario as one result: rates over the total time, percentiles as
 * the median of the rounds' (a histogram cannot be rebuilt from percentiles), CPU averaged.
 */
export function combine(rounds: LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => rounds.reduce((n, r) => n + f(r), 0);
  const ok = sum((r) => r.ok);
  const statusCodes: Record<string, number> = {};
  for (const r of rounds) {
    for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  }
  const cpu = Object.keys(rounds[0].cpuPercent).map((k) => [k, sum((r) => r.cpuPercent[k]) / rounds.length]);
  return {
    okPerSecond: ok / sum((r) => r.durationS),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    meanMs: ok ? sum((r) => r.meanMs * r.ok) / ok : NaN,
    maxMs: Math.max(...rounds.map((r) => r.maxMs)),
    ok,
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    statusCodes,
    durationS: sum((r) => r.durationS),
    cpuPercent: Object.fromEntries(cpu),
  };
}
