/**
 * GET /hotspots: what the hot-spot processor holds right now, as JSON. node:http rather than
 * fastify: one read-only route needs no more. It listens on 127.0.0.1 only: it is the local
 * stack's view of the job (on AWS the job writes its hot spots to OpenSearch).
 */
import http from "node:http";

const JSON_TYPE = "application/json; charset=utf-8";

/** Resolves once listening; rejects when the port cannot be bound (EADDRINUSE, EACCES). */
export function serveHotspots(port: number, snapshot: () => unknown): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const [status, body, allow] =
      path !== "/hotspots"
        ? [404, { error: "not_found", message: `no route ${path}; GET /hotspots is the only one` }]
        : request.method !== "GET" && request.method !== "HEAD"
          ? [405, { error: "method_not_allowed", message: "only GET /hotspots" }, "GET, HEAD"]
          : [200, snapshot()];
    response.writeHead(status, { "Content-Type": JSON_TYPE, ...(allow ? { Allow: allow } : {}) });
    response.end(request.method === "HEAD" ? undefined : JSON.stringify(body));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
