import { expect } from "chai";
import { Burst } from "../../../runtime/local/page/burst";
import http from "node:http";
import { freePort } from "../../../runtime/local/ports";
import { pageApp, pageHtml, startPageServer } from "../../../runtime/local/page/page-server";
import { PageSnapshot, PipelineView } from "../../../runtime/local/page/pipeline-view";
import { ProcessingWorkerState, StackControls } from "../../../runtime/local/page/stack-controls";

/** Records what the page asked of the stack. */
class FakeControls implements StackControls {
  calls: string[] = [];
  replay: { running: boolean; speedup?: number } = { running: true, speedup: 3600 };
  workers: ProcessingWorkerState[] = [{ name: "processing-1", workerId: "local-worker-1", pid: 7, running: true }];
  replayState() {
    return this.replay;
  }
  async startReplay(speedup: number) {
    this.calls.push(`start ${speedup}`);
    this.replay = { running: true, speedup };
  }
  async stopReplay() {
    this.calls.push("stop");
    this.replay = { running: false };
  }
  processingWorkers() {
    return this.workers;
  }
  async killWorker(name: string) {
    this.calls.push(`kill ${name}`);
    this.workers = this.workers.map((w) => (w.name === name ? { ...w, pid: undefined, running: false } : w));
  }
  async restartWorker(name: string) {
    this.calls.push(`restart ${name}`);
  }
}

/** An open /events stream: `next()` is the next snapshot it sends (bounded by a timeout). */
async function openEvents(port: number): Promise<{ next(): Promise<PageSnapshot>; close(): void }> {
  const queued: PageSnapshot[] = [];
  const waiting: ((s: PageSnapshot) => void)[] = [];
  let buffered = "";
  const request = http.get(`http://127.0.0.1:${port}/events`);
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    request.on("response", resolve).on("error", reject);
  });
  response.setEncoding("utf8");
  response.on("data", (chunk: string) => {
    buffered += chunk;
    let end;
    while ((end = buffered.indexOf("\n\n")) >= 0) {
      const snapshot = JSON.parse(buffered.slice("data: ".length, end)) as PageSnapshot;
      buffered = buffered.slice(end + 2);
      const waiter = waiting.shift();
      if (waiter) waiter(snapshot);
      else queued.push(snapshot);
    }
  });
  return {
    next: () => {
      const ready = queued.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no snapshot within 5 s")), 5_000);
        waiting.push((s) => {
          clearTimeout(timer);
          resolve(s);
        });
      });
    },
    close: () => request.destroy(),
  };
}

function setup() {
  const controls = new FakeControls();
  const view = new PipelineView({
    streamName: "s",
    minShards: 2,
    maxShards: 8,
    capacityScale: 10,
    metricsIntervalMs: 2000,
  });
  // Port 9 (discard): nothing listens, so a burst started here sends nothing anywhere.
  const burst = new Burst("http://127.0.0.1:9");
  // inject() sends Host localhost:80: the page's own host for port 80.
  return { controls, burst, app: pageApp({ view, controls, burst, port: 80 }) };
}

/** The page server listening on a free port of 127.0.0.1, as npm start runs it. */
async function listening() {
  const { controls, burst } = setup();
  const view = new PipelineView({
    streamName: "s",
    minShards: 1,
    maxShards: 4,
    capacityScale: 10,
    metricsIntervalMs: 2000,
  });
  const port = await freePort();
  return { port, server: await startPageServer({ port, view, controls, burst }) };
}

describe("the live page's server", () => {
  it("serves the page, its scripts, the borough outline and Chart.js from disk, without a build step", async () => {
    const { app } = setup();
    for (const [url, type] of [
      ["/", "text/html"],
      ["/app.js", "text/javascript"],
      ["/nyc-map.js", "text/javascript"],
      ["/style.css", "text/css"],
      ["/vendor/chart.umd.js", "text/javascript"],
      ["/nyc-boroughs.json", "application/json"],
    ]) {
      const r = await app.inject({ method: "GET", url });
      expect(r.statusCode, url).to.equal(200);
      expect(r.headers["content-type"], url).to.contain(type);
      expect(r.body.length, url).to.be.greaterThan(100);
    }
    // The stack's own figures, filled in where the HTML names them.
    const html = (await app.inject({ method: "GET", url: "/" })).body;
    expect(html).to.match(/min="1"\s+max="1000000"\s+step="1"\s+value="3600"/);
    expect(html).to.contain("45 seconds of load");
    expect(html).to.contain("looks every 30 s");
    expect(html).to.not.match(/\{\{/);
    const outline = (await app.inject({ method: "GET", url: "/nyc-boroughs.json" })).json() as {
      boroughs: { name: string }[];
    };
    expect(outline.boroughs.map((b) => b.name)).to.deep.equal([
      "Manhattan",
      "Brooklyn",
      "Queens",
      "The Bronx",
      "Staten Island",
    ]);
  });

  it("refuses to start with a placeholder in the page it cannot fill", () => {
    expect(pageHtml("<p>{{burstSeconds}} s</p>")).to.equal("<p>45 s</p>");
    expect(() => pageHtml("<p>{{nothing}}</p>")).to.throw(/placeholder .*\{\{nothing\}\}/);
  });

  it("answers GET /state with the view's snapshot", async () => {
    const { app } = setup();
    const state = (await app.inject({ method: "GET", url: "/state" })).json() as { stream: { name: string } };
    expect(state.stream.name).to.equal("s");
  });

  it("starts, re-paces and stops the replay", async () => {
    const { app, controls } = setup();
    expect(
      (await app.inject({ method: "POST", url: "/replay", payload: { action: "start", speedup: 100 } })).json(),
    ).to.deep.equal({ running: true, speedup: 100 });
    expect((await app.inject({ method: "POST", url: "/replay", payload: { action: "stop" } })).json()).to.deep.equal({
      running: false,
    });
    expect(controls.calls).to.deep.equal(["start 100", "stop"]);
  });

  it("kills and restarts a worker by name", async () => {
    const { app, controls } = setup();
    const killed = await app.inject({ method: "POST", url: "/workers/processing-1", payload: { action: "kill" } });
    expect(killed.json()).to.include({ name: "processing-1", running: false });
    await app.inject({ method: "POST", url: "/workers/processing-1", payload: { action: "restart" } });
    expect(controls.calls).to.deep.equal(["kill processing-1", "restart processing-1"]);
  });

  const refusals: [string, string, unknown, number, RegExp][] = [
    ["/replay", "no action", {}, 400, /action null is not one of start, stop/],
    ["/replay", "a speedup of 0", { action: "start", speedup: 0 }, 400, /speedup 0 is not a number from 1 to 1000000/],
    ["/replay", "a speedup as text", { action: "start", speedup: "fast" }, 400, /speedup "fast"/],
    ["/burst", "a burst of 0 s", { seconds: 0 }, 400, /seconds 0 is not a whole number from 1 to 600/],
    ["/burst", "a burst of 1.5 s", { seconds: 1.5 }, 400, /seconds 1.5/],
    ["/workers/processing-9", "an unknown worker", { action: "kill" }, 404, /no processing worker "processing-9"/],
    [
      "/workers/processing-1",
      "an unknown action",
      { action: "pause" },
      400,
      /action "pause" is not one of kill, restart/,
    ],
  ];
  for (const [url, what, payload, status, message] of refusals) {
    it(`refuses ${what} with ${status}, naming the value and what is allowed`, async () => {
      const { app, controls } = setup();
      const r = await app.inject({ method: "POST", url, payload: payload as object });
      expect(r.statusCode).to.equal(status);
      const body = r.json() as { message: string; allowed?: string };
      expect(body.message).to.match(message);
      expect(body.allowed).to.be.a("string").and.not.equal("");
      expect(controls.calls).to.deep.equal([]);
    });
  }

  it("refuses controls from another site (Host or Origin not the page's) and body-less POSTs, starting nothing", async () => {
    const { app, controls, burst } = setup();
    const foreign = [
      { headers: { host: "evil.example:80", "content-type": "application/json" }, payload: "{}" },
      { headers: { origin: "http://evil.example", "content-type": "application/json" }, payload: "{}" },
    ];
    for (const request of foreign) {
      const r = await app.inject({ method: "POST", url: "/burst", ...request });
      expect(r.statusCode, JSON.stringify(request.headers)).to.equal(403);
      expect((r.json() as { allowed: string }).allowed).to.contain("localhost:80");
    }
    const bodiless = await app.inject({ method: "POST", url: "/burst" });
    expect(bodiless.statusCode).to.equal(400);
    expect((bodiless.json() as { message: string }).message).to.equal("the body must be a JSON object");
    const same = await app.inject({
      method: "POST",
      url: "/replay",
      headers: { origin: "http://localhost:80" },
      payload: { action: "stop" },
    });
    expect(same.statusCode).to.equal(200);
    expect(burst.current.running).to.equal(false);
    expect(controls.calls).to.deep.equal(["stop"]);
  });

  it("refuses a body that is not JSON, and an unknown route, in JSON", async () => {
    const { app } = setup();
    const bad = await app.inject({
      method: "POST",
      url: "/burst",
      headers: { "content-type": "application/json" },
      payload: "{",
    });
    expect(bad.statusCode).to.equal(400);
    expect((bad.json() as { error: string }).error).to.equal("bad_request");
    const missing = await app.inject({ method: "GET", url: "/nope" });
    expect(missing.statusCode).to.equal(404);
    expect((missing.json() as { allowed: string }).allowed).to.contain("/events");
  });

  it("shows a control's result on every open page (SnapshotStreams' own test: at once, one snapshot for all)", async () => {
    const { port, server } = await listening();
    try {
      // Two tabs; nothing else (no feed) copies the controls' state into the view here.
      const tabs = await Promise.all([openEvents(port), openEvents(port)]);
      for (const tab of tabs) expect((await tab.next()).replay).to.deep.equal({ running: false });
      const answer = await fetch(`http://127.0.0.1:${port}/replay`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ action: "start", speedup: 7200 }),
      });
      expect(answer.status).to.equal(200);
      // The push follows the answer; a timer tick may have slipped in before it (at most one).
      for (const tab of tabs) {
        const next = await tab.next();
        const shown = next.replay.running ? next : await tab.next();
        expect(shown.replay).to.deep.equal({ running: true, speedup: 7200 });
      }
      tabs.forEach((tab) => tab.close());
    } finally {
      await server.close();
    }
  });

  it("streams snapshots as server-sent events, and ends open streams when it closes (an open tab must not hold up the stop)", async () => {
    const { port, server } = await listening();
    const first = await new Promise<{ type: string; chunk: string; ended: Promise<void> }>((resolve, reject) => {
      http
        .get(`http://127.0.0.1:${port}/events`, (response) => {
          const ended = new Promise<void>((done) => response.on("end", done));
          response.once("data", (chunk: Buffer) =>
            resolve({ type: String(response.headers["content-type"]), chunk: chunk.toString("utf8"), ended }),
          );
        })
        .on("error", reject);
    });
    expect(first.type).to.contain("text/event-stream");
    expect(first.chunk).to.match(/^data: \{"at":\d+,"stream":\{"name":"s"/);
    const closed = server.close().then(() => "closed");
    const outcome = await Promise.race([closed, new Promise((r) => setTimeout(() => r("still open"), 3_000))]);
    expect(outcome).to.equal("closed");
    await first.ended;
  });
});
