/** The replay's HTTP sink against a small stand-in of the ingest API: its tenant's key, and a 429's Retry-After. */
import { expect } from "chai";
import http from "node:http";
import { AddressInfo } from "node:net";
import { openHttpSink } from "../../../runtime/replay/http-sink";
import { TaxiTrip } from "../../../runtime/replay/trip-event";

describe("the replay's HTTP sink", () => {
  let server: http.Server;
  const seen: { method?: string; url?: string; authorization?: string; at: number }[] = [];
  let answers: number[] = [];

  before(async () => {
    server = http.createServer((request, response) => {
      seen.push({
        method: request.method,
        url: request.url,
        authorization: request.headers.authorization,
        at: Date.now(),
      });
      request.resume();
      request.on("end", () => {
        if (request.method === "GET") return void response.writeHead(200).end('{"status":"ok"}');
        const status = answers.shift() ?? 200;
        response.writeHead(status, { "content-type": "application/json", "retry-after": "1" });
        response.end(status === 429 ? '{"error":"rate_limited"}' : '{"records":[]}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.length = 0;
    answers = [];
  });

  const url = () => new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const trip = { event: { vendor: "1" } as unknown as TaxiTrip, partitionKey: "k" };

  it("posts as its tenant: every POST carries its key as a bearer token, the health check none", async () => {
    const sink = await openHttpSink(url(), "kp_test_replaykey");
    await sink.send([trip, trip]);
    await sink.close();
    expect(seen.map((s) => [s.method, s.url, s.authorization])).to.deep.equal([
      ["GET", "/healthcheck", undefined],
      ["POST", "/batch", "Bearer kp_test_replaykey"],
    ]);
    expect(sink.stored).to.equal(2);
  });

  it("its tenant over its limit (429): waits Retry-After and sends again, nothing lost", async () => {
    answers = [429];
    const sink = await openHttpSink(url(), "kp_test_replaykey");
    await sink.send([trip]);
    await sink.close();
    const posts = seen.filter((s) => s.method === "POST");
    expect(posts).to.have.lengthOf(2);
    expect(posts[1].at - posts[0].at).to.be.at.least(900);
    expect(sink.stored).to.equal(1);
    expect(sink.refused.total).to.equal(0);
  });
});
