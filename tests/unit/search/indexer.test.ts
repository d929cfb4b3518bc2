import { expect } from "chai";
import { documentId } from "../../../runtime/hotspots/document-id";
import { indexResults } from "../../../runtime/search/indexer";
import { AIRPORT_INDEX, HOTSPOT_INDEX } from "../../../runtime/search/indices";
import { bulkBody, resultDocument, windowStartMs } from "../../../runtime/search/result-documents";
import { SearchHttp, SearchResponse } from "../../../runtime/search/setup";
import { freshModule, STAND_IN_CREDENTIALS, withEnv } from "../../harness/aws-json-stand-in";
import { sigV4Authorization, startOpenSearchStandIn } from "../../harness/opensearch-stand-in";

const hotspotRow = {
  index: HOTSPOT_INDEX,
  cell: "dr5ru7",
  location: "40.75,-73.98",
  count: 12,
  windowStart: "2009-01-24T12:00:00",
  windowEnd: "2009-01-24T18:00:00",
};
const airportRow = {
  index: AIRPORT_INDEX,
  airport: "JFK",
  trips: 3,
  averageSeconds: 1834.5,
  windowStart: "2009-01-24T12:00:00",
  windowEnd: "2009-01-24T18:00:00",
};
const NOON = Date.UTC(2009, 0, 24, 12);

const record = (row: unknown, sequenceNumber: string) => ({
  eventID: `shardId-000000000000:${sequenceNumber}`,
  kinesis: {
    partitionKey: "k",
    sequenceNumber,
    data: Buffer.from(typeof row === "string" ? row : JSON.stringify(row)).toString("base64"),
  },
});

describe("search indexer: result rows into OpenSearch", () => {
  const times: [string, number | undefined][] = [
    ["2009-01-24T12:00:00", NOON],
    ["2009-01-24 12:00:00", NOON],
    ["2009-01-24T12:00:00.000", NOON],
    ["2009-01-24T12:00:00Z", NOON],
    ["2009-01-24T07:00:00-05:00", NOON],
    ["2009-01-24", undefined],
    ["noon", undefined],
    ["2009-13-24T12:00:00", undefined],
  ];
  for (const [text, ms] of times) {
    it(`reads the window start ${JSON.stringify(text)} as ${ms}`, () => expect(windowStartMs(text)).to.equal(ms));
  }

  it("a hot-spot row: its index, the engine's document id, the document without the index field", () => {
    const { index: _index, ...document } = hotspotRow;
    expect(resultDocument(Buffer.from(JSON.stringify(hotspotRow)))).to.deep.equal({
      ok: true,
      value: { index: HOTSPOT_INDEX, id: documentId("dr5ru7", NOON), document },
    });
    expect(documentId("dr5ru7", NOON)).to.equal("dr5ru7_2009-01-24T12:00:00.000Z");
  });

  it("an airport row is keyed by its airport", () => {
    const parsed = resultDocument(Buffer.from(JSON.stringify(airportRow)));
    expect(parsed.ok && parsed.value.id).to.equal("JFK_2009-01-24T12:00:00.000Z");
    expect(parsed.ok && parsed.value.index).to.equal(AIRPORT_INDEX);
  });

  const refusals: [string, string, RegExp][] = [
    ["not JSON", "{cell", /not JSON/],
    ["an array", "[1]", /not a JSON object/],
    [
      "an unknown index",
      JSON.stringify({ ...hotspotRow, index: "trips" }),
      /index is "trips", allowed: hotspots, airport-trip-durations/,
    ],
    ["no key", JSON.stringify({ ...hotspotRow, cell: "" }), /cell is missing/],
    [
      "a bad window start",
      JSON.stringify({ ...airportRow, windowStart: 5 }),
      /windowStart is 5, allowed: an ISO-8601 time/,
    ],
  ];
  for (const [name, text, reason] of refusals) {
    it(`refuses ${name}, saying why`, () => {
      const parsed = resultDocument(Buffer.from(text));
      expect(parsed.ok).to.equal(false);
      expect(!parsed.ok && parsed.reason).to.match(reason);
    });
  }

  it("the _bulk body: one index action with _index and _id, then the document, per row", () => {
    const parsed = [hotspotRow, airportRow].map((r) => resultDocument(Buffer.from(JSON.stringify(r))));
    const body = bulkBody(parsed.map((p) => (p.ok ? p.value : undefined)!));
    const lines = body
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).to.have.length(4);
    expect(lines[0]).to.deep.equal({ index: { _index: HOTSPOT_INDEX, _id: "dr5ru7_2009-01-24T12:00:00.000Z" } });
    expect(lines[1]).to.not.have.property("index");
    expect(lines[3]).to.include({ airport: "JFK", averageSeconds: 1834.5 });
    expect(body.endsWith("\n")).to.equal(true);
  });

  function fakeDomain(answer: (body: string) => SearchResponse) {
    const calls: { path: string; body: string; headers?: Record<string, string> }[] = [];
    const http: SearchHttp = {
      async request(_method, path, body, headers) {
        calls.push({ path, body: body as string, headers });
        return answer(body as string);
      },
    };
    return { http, calls };
  }
  const errors: object[] = [];
  const log = { error: (fields: object) => void errors.push(fields) };
  const itemsFor = (body: string, status: (i: number) => number) => ({
    status: 200,
    body: {
      errors: true,
      items: body
        .trimEnd()
        .split("\n")
        .filter((_, i) => i % 2 === 0)
        .map((_, i) => ({ index: { status: status(i) } })),
    },
  });

  it("indexes a batch with one _bulk call and reports no failures when every item is written", async () => {
    const { http, calls } = fakeDomain((body) => itemsFor(body, () => 201));
    const response = await indexResults([record(hotspotRow, "1"), record(airportRow, "2")], http, log);
    expect(response).to.deep.equal({ batchItemFailures: [] });
    expect(calls).to.have.length(1);
    expect(calls[0].path).to.equal("/_bulk");
    expect(calls[0].headers).to.deep.equal({ "content-type": "application/x-ndjson" });
  });

  it("reports exactly the rows whose items failed (429 from a busy domain), so only they are retried", async () => {
    const { http } = fakeDomain((body) => itemsFor(body, (i) => (i === 1 ? 429 : 200)));
    const response = await indexResults(
      [record(hotspotRow, "1"), record(airportRow, "2"), record(hotspotRow, "3")],
      http,
      log,
    );
    expect(response).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "2" }] });
  });

  it("a refused _bulk call retries the whole batch; a row that can never be a document is skipped and logged", async () => {
    const { http, calls } = fakeDomain(() => ({ status: 403, body: { message: "no permissions" } }));
    errors.length = 0;
    const response = await indexResults([record("{broken", "1"), record(hotspotRow, "2")], http, log);
    expect(response).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "2" }] });
    expect(calls[0].body.split("\n").filter(Boolean)).to.have.length(2);
    expect(errors[0]).to.deep.include({ eventID: "shardId-000000000000:1", reason: "not JSON" });
  });

  it("a batch of nothing but unreadable rows makes no call", async () => {
    const { http, calls } = fakeDomain(() => ({ status: 200, body: {} }));
    expect(await indexResults([record("nope", "1")], http, log)).to.deep.equal({ batchItemFailures: [] });
    expect(calls).to.have.length(0);
  });

  it("the function's handler: one signed _bulk call to the domain of SEARCH_ENDPOINT", async () => {
    const standIn = await startOpenSearchStandIn();
    try {
      const entry = freshModule<typeof import("../../../runtime/search/indexer-entry")>("runtime/search/indexer-entry");
      const answer = await withEnv(
        {
          ...STAND_IN_CREDENTIALS,
          AWS_SESSION_TOKEN: undefined,
          AWS_REGION: "us-east-1",
          SEARCH_ENDPOINT: standIn.endpoint,
        },
        () => entry.handle({ Records: [record(hotspotRow, "1"), record(airportRow, "2")] }),
      );
      expect(answer).to.deep.equal({ batchItemFailures: [] });
      expect(standIn.requests.map((r) => `${r.method} ${r.url}`)).to.deep.equal(["POST /_bulk"]);
      expect(standIn.requests[0].headers.authorization).to.match(sigV4Authorization("stand-in", "us-east-1"));
    } finally {
      await standIn.close();
    }
  });
});
