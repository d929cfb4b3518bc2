/**
 * GET /hotspots: what the hot-spot processor holds right now, as JSON, on 127.0.0.1 only:
 * it is the local stack's view of the job (on AWS the job's results go to OpenSearch).
 */
import http from "node:http";
import { serveJson } from "../json-endpoint";

export function serveHotspots(port: number, snapshot: () => unknown): Promise<http.Server> {
  return serveJson(port, "/hotspots", snapshot);
}
