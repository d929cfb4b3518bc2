/**
 * The load generator process: autocannon in plain node, started once per benchmark by
 * bench/lib/load.ts. For each {type: "run"} message it warms up (untimed), tells the parent
 * when the measured part starts ("measuring") so the parent samples the servers' CPU over
 * exactly that window, and sends the result ("done"). It exits when the parent goes away
 * (the IPC channel closes), so it never outlives a benchmark.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { URL } from "node:url";
import autocannon from "autocannon";

process.on("disconnect", () => process.exit(0));

process.on("message", async ({ type, options: o }) => {
  if (type !== "run") return;
  const request = {
    url: o.url,
    connections: o.connections,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: o.body,
    timeout: 30,
    // One request per key, each connection cycling through them all: every tenant writes.
    ...(o.authorizations
      ? {
          requests: o.authorizations.map((authorization) => ({
            method: "POST",
            path: new URL(o.url).pathname,
            headers: { "content-type": "application/json", authorization },
            body: o.body,
          })),
        }
      : {}),
  };
  if (o.warmupS > 0) {
    await autocannon({ ...request, duration: o.warmupS });
    // autocannon drops the requests in flight when time is up, but a durable server still
    // holds their records until written: let it finish them, or the measured run starts
    // with twice the pending records (a /batch run would then hit the pending limit).
    await sleep(o.settleMs);
  }
  process.send({ type: "measuring" });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const r = await autocannon({ ...request, duration: o.durationS });
  const wallS = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  process.send({
    type: "done",
    result: {
      okPerSecond: r["2xx"] / r.duration,
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      meanMs: r.latency.average,
      maxMs: r.latency.max,
      ok: r["2xx"],
      non2xx: r.non2xx,
      errors: r.errors + r.timeouts,
      statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count])),
      durationS: r.duration,
      loadGenCpuPercent: ((used.user + used.system) / 1e6 / wallS) * 100,
    },
  });
});
