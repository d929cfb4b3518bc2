/**
 * The live page of the local stack (LOCAL_PAGE_PORT, 3000): the page itself and its
 * scripts (plain files, no build step; Chart.js from node_modules), its data as server-sent
 * events once a second (and GET /state for scripts), and the controls as small JSON POSTs.
 * Every refusal is JSON naming the field, the value and what is allowed.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import Fastify, { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import { REPO_ROOT } from "../../common/repo-root";
import { LOCAL_SCALING_PERIOD_MS } from "../../scaling/local-shard-scaler";
import { SUGGESTED_REPLAY_SPEEDUP } from "../../replay/contract";
import { DEFAULT_BURST_SECONDS, MAX_BURST_SECONDS, Burst } from "./burst";
import { PipelineView } from "./pipeline-view";
import { SnapshotStreams } from "./snapshot-streams";
import { showControls, StackControls } from "./stack-controls";

/** How often the page gets a fresh snapshot. */
export const PAGE_UPDATE_MS = 1000;
/** The replay's pace the page may set: from real time to the pace that saturates the emulator. */
export const PAGE_SPEEDUPS = { min: 1, max: 1_000_000 } as const;

const PAGE_DIR = path.join(REPO_ROOT, "runtime", "local", "page");
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  "/": { file: path.join(PAGE_DIR, "static", "index.html"), type: "text/html; charset=utf-8" },
  "/app.js": { file: path.join(PAGE_DIR, "static", "app.js"), type: "text/javascript; charset=utf-8" },
  "/nyc-map.js": { file: path.join(PAGE_DIR, "static", "nyc-map.js"), type: "text/javascript; charset=utf-8" },
  "/style.css": { file: path.join(PAGE_DIR, "static", "style.css"), type: "text/css; charset=utf-8" },
  "/nyc-boroughs.json": { file: path.join(PAGE_DIR, "nyc-boroughs.json"), type: "application/json" },
  // The UMD build runs as a plain <script>: no bundler, nothing fetched from a CDN.
  "/vendor/chart.umd.js": {
    file: path.join(path.dirname(require.resolve("chart.js")), "chart.umd.js"),
    type: "text/javascript; charset=utf-8",
  },
};

/**
 * The page's HTML with the stack's own figures in place of its {{placeholders}} (the pace
 * field's bounds, the burst's length, the scaler's period): written once, here, not copied
 * into the HTML. A placeholder left unfilled fails the start.
 */
export function pageHtml(template: string): string {
  const figures: Record<string, number> = {
    speedupMin: PAGE_SPEEDUPS.min,
    speedupMax: PAGE_SPEEDUPS.max,
    suggestedSpeedup: SUGGESTED_REPLAY_SPEEDUP,
    burstSeconds: DEFAULT_BURST_SECONDS,
    scalerPeriodSeconds: LOCAL_SCALING_PERIOD_MS / 1000,
  };
  const html = template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in figures ? String(figures[name]) : whole,
  );
  const left = html.match(/\{\{\w+\}\}/);
  if (left) throw new Error(`index.html has a placeholder the page server does not fill: ${left[0]}`);
  return html;
}

interface Refusal {
  error: string;
  message: string;
  field?: string;
  allowed?: string;
}

export interface PageServerOptions {
  port: number;
  view: PipelineView;
  controls: StackControls;
  burst: Burst;
}

export async function startPageServer(options: PageServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const app = pageApp(options);
  await app.listen({ port: options.port, host: "127.0.0.1" });
  return { url: `http://127.0.0.1:${options.port}/`, close: () => app.close() };
}

export function pageApp({ view, controls, burst, port }: PageServerOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });
  const refuse = (reply: FastifyReply, status: number, refusal: Refusal) => reply.code(status).send(refusal);
  // The controls change what runs: only this page may use them. A request from another site
  // (a form or fetch in any tab, or a DNS-rebound name) names another Host or Origin.
  const ours = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  app.addHook("preHandler", async (request, reply) => {
    if (request.method !== "POST") return;
    const origin = request.headers.origin;
    if (
      !ours.has(request.headers.host ?? "") ||
      (origin !== undefined && !ours.has(origin.replace(/^http:\/\//, "")))
    ) {
      return refuse(reply, 403, {
        error: "forbidden",
        message: `controls answer this page only (Host ${JSON.stringify(request.headers.host ?? null)}, Origin ${JSON.stringify(origin ?? null)})`,
        allowed: `Host ${[...ours].join(" or ")}, and no Origin or http:// one of those`,
      });
    }
    // A body-less POST (which a cross-site form can send) must not start anything.
    if (typeof request.body !== "object" || request.body === null || Array.isArray(request.body)) {
      return refuse(reply, 400, {
        error: "invalid_body",
        message: "the body must be a JSON object",
        allowed: 'Content-Type: application/json and a JSON object, e.g. {"action": "stop"}',
      });
    }
  });
  // Read once at start: a missing file fails `npm start` at once, not a page load later.
  const files = Object.entries(STATIC_FILES).map(([route, { file, type }]) => ({
    route,
    type,
    body: route === "/" ? pageHtml(readFileSync(file, "utf8")) : readFileSync(file),
  }));
  for (const { route, type, body } of files) {
    app.get(route, (_request, reply) => reply.type(type).header("Cache-Control", "no-cache").send(body));
  }

  app.get("/state", async () => view.snapshot(Date.now()));

  // Server-sent events: a snapshot at once, then one a second, until the page goes away.
  const streams = new SnapshotStreams(() => view.snapshot(Date.now()), PAGE_UPDATE_MS);
  app.get("/events", (request, reply) => {
    reply.hijack();
    streams.add(reply.raw, request.raw);
  });
  app.addHook("preClose", async () => streams.endAll());
  // A control's result shows on every open page at once, not at the feed's next poll.
  app.addHook("onResponse", async (request, reply) => {
    if (request.method === "POST" && reply.statusCode === 200) {
      showControls(view, controls, burst);
      streams.broadcast();
    }
  });

  const fieldOf = (body: unknown, field: string): unknown =>
    typeof body === "object" && body !== null ? (body as Record<string, unknown>)[field] : undefined;

  app.post("/replay", async (request, reply) => {
    const action = fieldOf(request.body, "action");
    if (action === "stop") {
      await controls.stopReplay();
      return controls.replayState();
    }
    if (action !== "start") {
      return refuse(reply, 400, {
        error: "invalid_field",
        message: `action ${JSON.stringify(action ?? null)} is not one of start, stop`,
        field: "action",
        allowed: '"start" (with "speedup") or "stop"',
      });
    }
    const speedup = fieldOf(request.body, "speedup") ?? controls.replayState().speedup;
    if (typeof speedup !== "number" || !(speedup >= PAGE_SPEEDUPS.min && speedup <= PAGE_SPEEDUPS.max)) {
      return refuse(reply, 400, {
        error: "invalid_field",
        message: `speedup ${JSON.stringify(speedup ?? null)} is not a number from ${PAGE_SPEEDUPS.min} to ${PAGE_SPEEDUPS.max}`,
        field: "speedup",
        allowed: `a number from ${PAGE_SPEEDUPS.min} to ${PAGE_SPEEDUPS.max}`,
      });
    }
    await controls.startReplay(speedup);
    return controls.replayState();
  });

  app.post("/burst", async (request, reply) => {
    const seconds = fieldOf(request.body, "seconds") ?? DEFAULT_BURST_SECONDS;
    if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_BURST_SECONDS) {
      return refuse(reply, 400, {
        error: "invalid_field",
        message: `seconds ${JSON.stringify(seconds)} is not a whole number from 1 to ${MAX_BURST_SECONDS}`,
        field: "seconds",
        allowed: `a whole number of seconds from 1 to ${MAX_BURST_SECONDS} (default ${DEFAULT_BURST_SECONDS})`,
      });
    }
    burst.start(seconds);
    return burst.current;
  });

  app.post<{ Params: { name: string } }>("/workers/:name", async (request, reply) => {
    const { name } = request.params;
    const names = controls.processingWorkers().map((w) => w.name);
    if (!names.includes(name)) {
      return refuse(reply, 404, {
        error: "unknown_worker",
        message: `no processing worker ${JSON.stringify(name)}`,
        field: "name",
        allowed: names.join(", "),
      });
    }
    const action = fieldOf(request.body, "action");
    if (action === "kill") await controls.killWorker(name);
    else if (action === "restart") await controls.restartWorker(name);
    else {
      return refuse(reply, 400, {
        error: "invalid_field",
        message: `action ${JSON.stringify(action ?? null)} is not one of kill, restart`,
        field: "action",
        allowed: '"kill" or "restart"',
      });
    }
    return controls.processingWorkers().find((w) => w.name === name);
  });

  app.setNotFoundHandler((request, reply) =>
    refuse(reply, 404, {
      error: "not_found",
      message: `no route ${request.method} ${request.url}`,
      allowed: "GET /, /state, /events; POST /replay, /burst, /workers/<name>",
    }),
  );
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    // fastify's own refusals (bad JSON, a wrong content type) carry a 4xx status.
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    return refuse(reply, status, {
      error: status < 500 ? "bad_request" : "internal",
      message: error.message,
      ...(status === 415 ? { allowed: "Content-Type: application/json" } : {}),
    });
  });
  return app;
}
