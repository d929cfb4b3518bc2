/**
 * A read-only JSON endpoint on 127.0.0.1: one GET route that answers with a snapshot of
 * something the local stack holds (the hot spots, the scaling events). node:http rather
 * than fastify: one read-only route needs no more; 404 and 405 answer in JSON too.
 */
import http from "node:http";

const JSON_TYPE = "application/json; charset=utf-8";

/** Resolves once listening; rejects when the port cannot be bound (EADDRINUSE, EACCES). */
export function serveJson(port: number, route: string, snapshot: () => unknown): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const [status, body, allow] =
      path !== route
        ? [404, { error: "not_found", message: `no route ${path}; GET ${route} is the only one` }]
        : request.method !== "GET" && request.method !== "HEAD"
          ? [405, { error: "method_not_allowed", message: `only GET ${route}` }, "GET, HEAD"]
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
