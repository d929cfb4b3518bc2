/**
 * The contracts of the pipeline's parts (runtime/contracts.ts) hold together: each is listed
 * under its own name, names an entry point that exists, acts only on resources named by its
 * own settings, decides its calls only by variables it reads and values they take, and lists
 * exactly the metrics its code emits, as the metric catalogue defines them.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import path from "node:path";
import pino from "pino";
import { AnyContract, emits } from "../../../runtime/common/contract";
import { EnvVar } from "../../../runtime/common/env";
import { REPO_ROOT } from "../../../runtime/common/repo-root";
import { ALL_CONTRACTS, CONTRACTS } from "../../../runtime/contracts";
import { commandScript, serviceCommand } from "../../../runtime/common/contract-entry";
import { APPLICATION_SOURCES } from "../../../runtime/hotspots/job-contract";
import { INGEST } from "../../../runtime/ingest/contract";
import { TenantUsage } from "../../../runtime/ingest/tenant-usage";
import { IngestMetrics } from "../../../runtime/ingest/metrics";
import { KinesisProducer } from "../../../runtime/ingest/kinesis-producer";
import { LAKE } from "../../../runtime/lake/contract";
import { LakeMetrics } from "../../../runtime/lake/lake-metrics";
import { readEmf } from "../../../runtime/observability/emf-reading";
import { METRIC_CATALOGUE } from "../../../runtime/observability/metrics/catalogue";
import { SHARD_SCALER_METRICS } from "../../../runtime/observability/metrics/pipeline";
import { ConsumerMetrics } from "../../../runtime/processing/metrics";
import { PROCESSING } from "../../../runtime/processing/service-contract";
import { REPLAY } from "../../../runtime/replay/contract";
import { ReplayMetrics } from "../../../runtime/replay/replay-metrics";

const variable = (contract: AnyContract, name: string): EnvVar<unknown> | undefined => contract.variables[name];

describe("the parts' contracts", () => {
  it("each is listed under the name it gives itself", () => {
    for (const [name, contract] of Object.entries(CONTRACTS)) expect(contract.part, name).to.equal(name);
  });

  it("each entry point is a source file of the runtime (or, for the Flink job, its shipped files)", () => {
    for (const { part, entry } of ALL_CONTRACTS) {
      const files =
        entry.kind === "flink"
          ? Object.values(APPLICATION_SOURCES)
          : [
              entry.kind === "command" ? entry.script : entry.module,
              ...(entry.kind === "command" && entry.healthCheck ? [entry.healthCheck] : []),
            ].map((compiled) => path.join(REPO_ROOT, compiled.replace(/^dist\//, "").replace(/\.js$/, ".ts")));
      for (const file of files) expect(existsSync(file), `${part}: ${file}`).to.equal(true);
    }
  });

  it("each resource is named by the part's own variables, or by fields of its event", () => {
    for (const contract of ALL_CONTRACTS) {
      for (const [name, resource] of Object.entries(contract.resources)) {
        for (const setting of (resource as { named: string[] }).named) {
          const known = setting.startsWith("event.") || variable(contract, setting) !== undefined;
          expect(known, `${contract.part}: ${name} is named by ${setting}`).to.equal(true);
        }
      }
    }
  });

  it("each call names an IAM action, acts on one of the part's resources, and is decided by values its variables take", () => {
    for (const contract of ALL_CONTRACTS) {
      for (const call of contract.calls) {
        const what = `${contract.part}: ${call.action}`;
        expect(call.action, what).to.match(/^[a-z0-9-]+:[A-Za-z0-9*]+$/);
        expect(call.on === "*" || call.on in contract.resources, `${what} on ${call.on}`).to.equal(true);
        for (const [name, expected] of Object.entries(call.when ?? {})) {
          const v = variable(contract, name);
          expect(v, `${what}: when ${name}`).to.not.equal(undefined);
          if (typeof expected === "string")
            expect(v!.parse(expected), `${what}: ${name}=${expected}`).to.not.equal(undefined);
        }
      }
    }
  });

  it("each variable says what it is for and what is allowed, and its default is allowed", () => {
    for (const contract of ALL_CONTRACTS) {
      for (const [name, v] of Object.entries<EnvVar<unknown>>(contract.variables)) {
        expect(v.purpose, `${contract.part}: ${name}`).to.match(/\S/);
        expect(v.allowed, `${contract.part}: ${name}`).to.match(/\S/);
        if (v.default) expect(v.parse(v.default), `${contract.part}: ${name}'s default`).to.not.equal(undefined);
      }
    }
  });

  it("each metric it lists is the catalogue's own definition, with a value said for each of its dimensions", () => {
    let checked = 0;
    for (const contract of ALL_CONTRACTS) {
      for (const set of contract.metrics) {
        for (const metric of set.metrics) {
          const what = `${contract.part}: ${metric.namespace} ${metric.name}`;
          expect(METRIC_CATALOGUE, what).to.include(metric);
          expect(Object.keys(set.dimensions).sort(), what).to.deep.equal([...metric.dimensions].sort());
          for (const value of Object.values<string>(set.dimensions)) expect(value, what).to.match(/\S/);
          checked++;
        }
      }
    }
    expect(checked).to.be.above(20);
  });

  it("a metric set refuses dimensions its definitions are not published with", () => {
    expect(() => emits(SHARD_SCALER_METRICS, { Application: "APPLICATION_NAME" } as never)).to.throw(
      "ShardScalingFailures is published with StreamName, not Application",
    );
  });

  it("a Lambda's variables include none Lambda reserves, except as set by the platform", () => {
    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
    const reserved = /^(AWS_|_HANDLER$|_X_AMZN_TRACE_ID$|LAMBDA_|TZ$)/;
    for (const contract of ALL_CONTRACTS.filter((c) => c.entry.kind === "lambda")) {
      for (const name of Object.keys(contract.variables).filter((n) => reserved.test(n))) {
        expect("setBy" in contract.variables[name], `${contract.part}: ${name}`).to.equal(true);
      }
    }
  });
});

/** The metric names of the EMF documents a report wrote, by their dimension names. */
function emitted(lines: readonly string[]): Record<string, string[]> {
  const byDimensions: Record<string, string[]> = {};
  for (const line of lines) {
    const doc = readEmf(line)!;
    const key = Object.keys(doc.dimensions).sort().join(",");
    byDimensions[key] = [...new Set([...(byDimensions[key] ?? []), ...Object.keys(doc.metrics)])].sort();
  }
  return byDimensions;
}

/** The contract's metrics the same way (sets published with the same dimensions together). */
function declared(contract: AnyContract): Record<string, string[]> {
  const byDimensions: Record<string, string[]> = {};
  for (const m of contract.metrics) {
    const key = Object.keys(m.dimensions).sort().join(",");
    byDimensions[key] = [...(byDimensions[key] ?? []), ...m.metrics.map((d) => d.name)].sort();
  }
  return byDimensions;
}

describe("the metrics a contract lists are the ones its part emits", () => {
  it("ingest: each interval's counters, and refusals by reason", async () => {
    const lines: string[] = [];
    const producer = {
      takeStats: () => ({
        userRecordsAccepted: 3,
        userRecordsAcknowledged: 3,
        kinesisRecordsPut: 1,
        putRecordsCalls: 1,
        retries: 0,
        wrongShard: 0,
        expired: 0,
        bufferedMsSum: 30,
        bufferedMsMax: 20,
      }),
      pending: { records: 0, bytes: 0 },
    } as unknown as KinesisProducer;
    // With tenants: their counts and refusals too (a dimension for named tenants, "others" for the rest).
    const usage = new TenantUsage((line) => lines.push(line), pino({ level: "silent" }), "trips", ["acme"]);
    const metrics = new IngestMetrics(producer, (line) => lines.push(line), "trips", usage);
    metrics.reject("429");
    usage.accepted("acme", 3, 300);
    usage.rejected("beta", "rate_limited", 1);
    await metrics.report();
    expect(emitted(lines)).to.deep.equal(declared(INGEST));
    expect(readEmf(lines[0])!.dimensions).to.include({ Service: INGEST.metrics[0].dimensions.Service });
  });

  it("replay: the trips it sent and those the ingest API accepted", async () => {
    const lines: string[] = [];
    await new ReplayMetrics(
      () => ({ sent: 2, accepted: 1 }),
      (line) => void lines.push(line),
    ).report();
    expect(emitted(lines)).to.deep.equal(declared(REPLAY));
    expect(readEmf(lines[0])!.dimensions).to.include({ Service: REPLAY.metrics[0].dimensions.Service });
  });

  it("processing: each interval's counters, and the lag per shard", async () => {
    const lines: string[] = [];
    const metrics = new ConsumerMetrics((line) => lines.push(line), "processing", "trips", pino({ level: "silent" }));
    metrics.processed("shardId-0", 1, 1);
    metrics.behind("shardId-0", 5);
    await metrics.report();
    expect(emitted(lines)).to.deep.equal(declared(PROCESSING));
    expect(readEmf(lines[0])!.dimensions).to.include({ Service: PROCESSING.metrics[0].dimensions.Service });
  });

  it("lake: the coordinator's counters and lag under its own Service, and the lake writer's", async () => {
    const lines: string[] = [];
    const service = LAKE.metrics[0].dimensions.Service;
    const consumer = new ConsumerMetrics((line) => lines.push(line), "lake", "trips", pino({ level: "silent" }));
    consumer.processed("shardId-0", 1, 1);
    consumer.behind("shardId-0", 5);
    await consumer.report();
    await new LakeMetrics((line) => lines.push(line), "trips").report();
    expect(emitted(lines)).to.deep.equal(declared(LAKE));
    expect(service).to.not.equal(PROCESSING.metrics[0].dimensions.Service);
    for (const line of lines) expect(readEmf(line)!.dimensions).to.include({ Service: service });
  });
});

describe("a part's command line", () => {
  it("node, its options, then the script; the script found again after the options", () => {
    expect(serviceCommand(LAKE)).to.deep.equal(["node", "dist/runtime/lake/main.js"]);
    const withHeap = serviceCommand(LAKE, ["--max-old-space-size=1024"]);
    expect(withHeap).to.deep.equal(["node", "--max-old-space-size=1024", "dist/runtime/lake/main.js"]);
    expect(commandScript(withHeap)).to.equal("dist/runtime/lake/main.js");
    expect(commandScript(["node", "dist/runtime/replay/main.js", "--speed", "60"])).to.equal(
      "dist/runtime/replay/main.js",
    );
  });

  it("refuses what is not a node option, naming it", () => {
    expect(() => serviceCommand(LAKE, ["max-old-space-size=1024"])).to.throw(
      /a node option is --name.*max-old-space-size=1024/,
    );
    expect(() => serviceCommand(LAKE, ["--heap 1024"])).to.throw(/--heap 1024/);
  });
});
