/**
 * The baseline server of the throughput benchmark: node:http that reads the whole request
 * body and answers 200 `{}`, and does nothing else. Whatever the ingest service does per
 * request beyond that (fastify, JSON parsing, validation, the producer) is the difference
 * the benchmark measures. With BENCH_BARE=fastify it is instead a bare fastify app that
 * parses the JSON body and answers `{}`, to tell the framework's share from ours.
 *
 * Plain node (no ts-node), like the service. Run as a child on PORT at 127.0.0.1.
 */
import http from "node:http";
import Fastify from "fastify";

const port = Number(process.env.PORT);
const body = "{}";

if (process.env.BENCH_BARE === "fastify") {
  // The ingest API's body limit, so a /batch body is taken alike.
  const app = Fastify({ bodyLimit: 6 * 1024 * 1024, logger: false });
  app.get("/healthcheck", async () => ({}));
  app.post("/", async () => ({}));
  app.post("/batch", async () => ({}));
  await app.listen({ port, host: "127.0.0.1" });
} else {
  const server = http.createServer((req, res) => {
    req.on("data", () => undefined);
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
      res.end(body);
    });
  });
  // fastify's default (72 s), so neither server closes keep-alive connections mid-run.
  server.keepAliveTimeout = 72_000;
  server.listen(port, "127.0.0.1");
}
process.once("SIGTERM", () => process.exit(0));
