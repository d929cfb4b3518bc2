/**
 * Container health check: exits 0 when the service in this container answers
 * GET /healthcheck with 200 on $PORT, 1 otherwise. Node has fetch built in, so the image
 * needs no curl.
 */
const port = process.env.PORT ?? "8080";

fetch(`http://127.0.0.1:${port}/healthcheck`, { signal: AbortSignal.timeout(4000) })
  .then((res) => process.exit(res.ok ? 0 : 1))
  .catch(() => process.exit(1));
