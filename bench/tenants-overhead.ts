/**
 * What tenants cost the ingest service: requests/s with keys on (INGEST_AUTH=apiKeys, 1,000
 * tenants in the tenants table, every request carrying one of their keys, the per-tenant
 * limits and metrics running) against keys off (INGEST_AUTH=none), the same service, load,
 * connections and requests (the keys are sent to both), in the same run, taking turns
 * round by round (lib/rotation.ts). Buffered and durable modes. Target: keys on keeps at
 * least 95% of keys off's requests/s (an overhead of at most 5%).
 *
 * The table is in the DynamoDB emulator (dynalite), which answers a few hundred GetItems a
 * second here (AWS: a few ms each, many at once): a cold cache of 1,000 keys takes it several
 * seconds to fill, and requests of a key not yet read wait for its read. So before measuring,
 * every key is sent once (the time that takes is printed: the cold start, not the steady
 * state), and the cache's TTL is longer than the run (--cache-ttl-ms): with the service's 30 s,
 * all 1,000 keys come up for their background read together mid-run, and dynalite needs
 * longer than the rest of their TTL for 2,000 reads, so the run would measure the emulator.
 * The limits are set far above any rate reached here, so their buckets run on every request
 * but never refuse.
 * Kinesis is the in-memory stand-in (20-40 ms per PutRecords), as in ingest-throughput.ts.
 *
 *   npm run bench:tenants [-- --json] [-- --help]
 */
import { createDynamoDbClient } from "../runtime/common/aws/dynamodb-client";
import { LOCAL_REGION, startDynamo } from "../runtime/local/emulators";
import { createTenantsTable } from "../runtime/local/local-tenants";
import { TenantAdmin } from "../runtime/tenants/tenant-admin";
import { TenantTable } from "../runtime/tenants/tenant-table";
import { assertBuilt } from "../tests/harness/built";
import { parseArgs } from "./lib/args";
import { onExit, runMain } from "./lib/cleanup";
import { jsonEvent } from "./lib/records";
import { atLeast, Cell, fmt, note, output, table, verdict } from "./lib/report";
import { rotation, roundRatio, Run, stopService, Workload } from "./lib/rotation";
import { BenchTenants, startInMemoryService } from "./lib/servers";
import { ServerChild } from "./lib/children";

/** Keys on keeps at least this share of keys off's requests/s. */
const TARGET_RATIO = 0.95;
const TABLE = "bench-tenants";

const { json, flags } = parseArgs("usage: npm run bench:tenants [-- --json]", {
  tenants: { default: 1000, help: "tenants in the table, each with a key; every one of them sends" },
  duration: { default: 3, help: "seconds of each measured round" },
  rounds: { default: 5, help: "rounds per mode, keys off and on taking turns (AB, BA, AB...)" },
  warmup: { default: 2, help: "seconds of untimed warm-up before a server's first round (fills its key cache)" },
  connections: { default: 64, help: "connections (closed loop)" },
  "record-bytes": { default: 100, help: "bytes of each record's JSON data" },
  shards: { default: 4, help: "shards of the in-memory stream" },
  "cache-ttl-ms": {
    default: 300_000,
    help: "the key cache's TTL (AUTH_CACHE_TTL_MS): longer than the run, see above (the service's default is 30,000)",
  },
});

const LATENCY: [number, number] = [20, 40];

/** The tenants and their keys, written as the tenants CLI writes them. */
async function tenantsTable(endpoint: string): Promise<string[]> {
  const client = createDynamoDbClient({ region: LOCAL_REGION, endpoint });
  try {
    await createTenantsTable(client, TABLE);
    const admin = new TenantAdmin(new TenantTable(client, TABLE, LOCAL_REGION), "test");
    const keys: string[] = [];
    for (let i = 0; i < flags.tenants; i += 50) {
      const ids = Array.from({ length: Math.min(50, flags.tenants - i) }, (_, j) => `tenant-${i + j}`);
      keys.push(...(await Promise.all(ids.map(async (id) => (await admin.create(id)).key))));
    }
    return keys;
  } finally {
    client.destroy();
  }
}

/** Sends one record with each key, a few at a time, so the server has read every key once; its duration in s. */
async function warmKeys(server: ServerChild, keys: string[], body: string): Promise<number> {
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < keys.length) {
      const key = keys[next++];
      const response = await fetch(`${server.url}/`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body,
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${server.name}: a key's first request answered ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  assertBuilt();
  note("starting the DynamoDB emulator...");
  const dynamo = await startDynamo();
  const forget = onExit(() => dynamo.stop());
  try {
    note(`creating ${flags.tenants} tenants and their keys...`);
    const keys = await tenantsTable(dynamo.endpoint);
    const tenants: BenchTenants = {
      table: TABLE,
      dynamodbEndpoint: dynamo.endpoint,
      cacheTtlMs: flags["cache-ttl-ms"],
    };
    const workload: Workload = {
      path: "/",
      body: JSON.stringify({ data: jsonEvent(flags["record-bytes"]) }),
      recordsPerRequest: 1,
      connections: flags.connections,
      rounds: flags.rounds,
      durationS: flags.duration,
      warmupS: flags.warmup,
      authorizations: keys.map((key) => `Bearer ${key}`),
    };
    const pairs: { mode: "buffered" | "durable"; off: Run; on: Run; coldS: number }[] = [];
    for (const mode of ["buffered", "durable"] as const) {
      note(`${mode}: starting the service with keys off and with keys on...`);
      const [off, on] = await Promise.all([
        startInMemoryService(mode, flags.shards, LATENCY),
        startInMemoryService(mode, flags.shards, LATENCY, "real", tenants),
      ]);
      note(`${mode}: sending once with each of the ${keys.length} keys (the cold cache, read from dynalite)...`);
      const coldS = await warmKeys(on, keys, workload.body);
      const [offRun, onRun] = await rotation(
        [
          { scenario: `${mode}: keys off`, server: off, kinesis: "in memory", mode },
          { scenario: `${mode}: keys on, ${flags.tenants} tenants`, server: on, kinesis: "in memory", mode },
        ],
        workload,
      );
      pairs.push({ mode, off: await stopService(offRun, off), on: await stopService(onRun, on), coldS });
    }

    const failed = (r: Run) => r.load.non2xx + r.load.errors;
    const figures = pairs.map(({ mode, off, on }) => {
      const ratio = roundRatio(on, off);
      const target = atLeast(ratio.median * 100, TARGET_RATIO * 100, "%");
      return {
        mode,
        ratio,
        target: { text: target.text, met: target.met && failed(on) + failed(off) === 0 },
      };
    });
    const runs = pairs.flatMap((p) => [p.off, p.on]);
    const tables = [
      [
        `Keys on: INGEST_AUTH=apiKeys against ${flags.tenants} tenants in dynalite, each request with one of`,
        "their keys (every connection cycles through all of them); keys off: INGEST_AUTH=none, the same",
        "requests. Each server is its own plain-node process over the in-memory Kinesis; autocannon is another.",
        `Before measuring, each key was sent once: ${pairs.map((p) => `${p.mode} ${fmt(p.coldS)} s`).join(", ")} for ${flags.tenants} keys`,
        "(the cold start against dynalite, 16 requests at a time; not part of the ratio).",
      ].join("\n"),
      table(
        `runs (${flags.rounds} rounds of ${flags.duration} s taking turns, ${flags.connections} connections, ${flags["record-bytes"]} B records)`,
        ["scenario", "req/s", "p50 ms", "p99 ms", "failed", "server CPU", "server us/request"],
        runs.map((r): Cell[] => [
          r.scenario,
          r.load.okPerSecond,
          r.load.p50Ms,
          r.load.p99Ms,
          failed(r),
          `${fmt(r.load.cpuPercent.server)}%`,
          r.serverCpuUsPerRecord,
        ]),
      ),
      table(
        "keys on / keys off, requests/s (median of the per-round ratios)",
        ["mode", "ratio", "rounds", "target", "verdict"],
        figures.map((f) => [
          f.mode,
          `${(f.ratio.median * 100).toFixed(1)}%`,
          `${(f.ratio.min * 100).toFixed(1)}%-${(f.ratio.max * 100).toFixed(1)}%`,
          f.target.text,
          verdict(f.target),
        ]),
      ),
    ];
    output(
      json,
      {
        benchmark: "tenants-overhead",
        params: flags,
        runs,
        figures: figures.map((f) => ({ mode: f.mode, ratio: f.ratio, target: f.target.text, met: f.target.met })),
      },
      tables,
    );
  } finally {
    await dynamo.stop();
    forget();
  }
}

runMain(main);
