/** Schema enforcement at ingest: 422 with every violation, and the Glue wire format on the stream. */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { LocalSchemaRegistry } from "../../../runtime/schemas/local-registry";
import { LocalSchemaSource } from "../../../runtime/schemas/local-schema-source";
import { decode } from "../../../runtime/schemas/wire-format";
import { KPL_DEFAULTS, INGEST_DEFAULTS } from "../../../runtime/ingest/defaults";
import { ingestApi } from "../../../runtime/ingest/ingest-api";
import { IngestSchema } from "../../../runtime/ingest/ingest-schema";
import { KinesisProducer } from "../../../runtime/ingest/kinesis-producer";
import { IngestMetrics } from "../../../runtime/ingest/metrics";
import { FakeKinesis } from "../../harness/fake-kinesis";

const WEATHER = readFileSync(path.join(__dirname, "..", "..", "..", "schemas", "weather-report.json"), "utf8");
const VALID = { location: { city: "Seattle", state: "WA" }, temperature: 12, timestamp: 1700000000 };

describe("ingest with a schema", () => {
  let dir: string;
  let registryFile: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ingest-schema-"));
    registryFile = path.join(dir, "registry.json");
    new LocalSchemaRegistry({ file: registryFile }).register("weather-report", WEATHER);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function api(compression: "none" | "zlib" = "none") {
    const kinesis = new FakeKinesis(2);
    const producer = new KinesisProducer(kinesis, {
      aggregation: true,
      ...KPL_DEFAULTS,
      recordMaxBufferedTimeMs: 5,
      pendingLimitRecords: 1000,
      pendingLimitBytes: INGEST_DEFAULTS.pendingLimitBytes,
      shardMapRefreshMs: 60_000,
      retryBaseMs: 5,
      retryMaxMs: 20,
    });
    await producer.start();
    const schema = await IngestSchema.load(new LocalSchemaSource(registryFile), "weather-report", compression);
    const app = ingestApi({
      producer,
      metrics: new IngestMetrics(producer, () => undefined, "s"),
      log: pino({ level: "silent" }),
      ackMode: "durable",
      maxBodyBytes: 1024 * 1024,
      schema,
    });
    const post = (url: string, body: unknown) =>
      app.inject({
        method: "POST",
        url,
        headers: { "content-type": "application/json" },
        payload: JSON.stringify(body),
      });
    return { kinesis, producer, schema, app, post, close: async () => (await app.close(), await producer.close(1000)) };
  }

  it("answers 422 with every violation as pointer, keyword and message, and writes nothing", async () => {
    const a = await api();
    try {
      const res = await a.post("/", { data: { location: { city: 7 }, temperature: "warm" } });
      expect(res.statusCode).to.equal(422);
      const body = res.json();
      expect(body).to.include({ error: "schema_violation", field: "data" });
      expect(body.message).to.match(/^data does not match schema weather-report version 1 \(\d+ violations\)$/);
      const found = body.violations.map((v: { pointer: string; keyword: string }) => `${v.pointer} ${v.keyword}`);
      expect(found).to.include.members(["/location/city type", "/temperature type"]);
      for (const v of body.violations) expect(v.message).to.be.a("string").and.not.equal("");
      expect(a.kinesis.stored).to.have.lengthOf(0);
    } finally {
      await a.close();
    }
  });

  it("stores valid data in the Glue wire format with the schema version id", async () => {
    for (const compression of ["none", "zlib"] as const) {
      const a = await api(compression);
      try {
        const res = await a.post("/", { data: VALID });
        expect(res.statusCode, res.body).to.equal(200);
        const [stored] = a.kinesis.userRecords();
        const decoded = decode(stored.data);
        expect(decoded.kind).to.equal("registry");
        if (decoded.kind !== "registry") return;
        expect(decoded).to.include({ schemaVersionId: a.schema.version.schemaVersionId, compression });
        expect(JSON.parse(decoded.payload.toString())).to.deep.equal(VALID);
      } finally {
        await a.close();
      }
    }
  });

  it("refuses a whole batch with 422 when one record is invalid, naming it", async () => {
    const a = await api();
    try {
      const res = await a.post("/batch", { records: [{ data: VALID }, { data: { ...VALID, temperature: "hot" } }] });
      expect(res.statusCode).to.equal(422);
      expect(res.json()).to.include({ field: "records[1].data" });
      expect(a.kinesis.stored).to.have.lengthOf(0);
    } finally {
      await a.close();
    }
  });
});
