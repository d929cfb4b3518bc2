/**
 * Trips through the ingest API: POST /batch of up to 500 records on keep-alive connections,
 * a bounded number of requests in flight. The API enforces whatever it enforces; its
 * refusals are counted by their error code (e.g. 422 schema_violation), a 503 or 429 (its
 * tenant over its limit) is retried after its Retry-After a bounded number of times. With an
 * API key, every POST carries it as `Authorization: Bearer`: the replay writes as its tenant.
 */
import http from "node:http";
import https from "node:https";
import { setTimeout as sleep } from "node:timers/promises";

import { STREAM_LIMITS } from "../stream/limits";
import { SkipTally } from "./skip-tally";
import { OutgoingTrip, TripSink } from "./trip-sink";
import { UsageError } from "../common/usage-error";

/** Requests in flight at once: enough to hide latency, few enough not to swamp one service. */
export const MAX_REQUESTS_IN_FLIGHT = 4;
const MAX_ATTEMPTS = 5;
const REQUEST_TIMEOUT_MS = 30_000;
const REACH_TIMEOUT_MS = 5_000;

interface Answer {
  status: number;
  body: string;
  retryAfterS: number;
}

export async function openHttpSink(ingestUrl: URL, apiKey?: string): Promise<TripSink> {
  const authorization: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const module = ingestUrl.protocol === "https:" ? https : http;
  const agent = new module.Agent({ keepAlive: true, maxSockets: MAX_REQUESTS_IN_FLIGHT });
  const request = (method: string, path: string, body?: string, timeoutMs = REQUEST_TIMEOUT_MS) =>
    new Promise<Answer>((resolve, reject) => {
      const req = module.request(
        new URL(path, ingestUrl),
        {
          method,
          agent,
          timeout: timeoutMs,
          headers:
            body === undefined
              ? {}
              : {
                  ...authorization,
                  "content-type": "application/json",
                  "content-length": Buffer.byteLength(body),
                },
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (text += chunk));
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              body: text,
              retryAfterS: Number(response.headers["retry-after"] ?? 1),
            }),
          );
          response.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(body);
    });
  try {
    const answer = await request("GET", "healthcheck", undefined, REACH_TIMEOUT_MS);
    if (answer.status !== 200) throw new Error(`GET /healthcheck answered ${answer.status}`);
  } catch (error) {
    agent.destroy();
    throw new UsageError(
      `the target ${ingestUrl.href} is unreachable (${(error as Error).message}); allowed: "local" with a local stack running, or the URL of a running ingest API`,
    );
  }
  return new HttpSink(request, () => agent.destroy(), ingestUrl.href);
}

class HttpSink implements TripSink {
  stored = 0;
  readonly refused = new SkipTally();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly request: (method: string, path: string, body?: string) => Promise<Answer>,
    private readonly release: () => void,
    readonly description: string,
  ) {}

  async send(batch: readonly OutgoingTrip[]): Promise<void> {
    for (let at = 0; at < batch.length; at += STREAM_LIMITS.maxRecordsPerPutRecords) {
      while (this.inFlight.size >= MAX_REQUESTS_IN_FLIGHT) await Promise.race(this.inFlight);
      const chunk = batch.slice(at, at + STREAM_LIMITS.maxRecordsPerPutRecords);
      const posted = this.post(chunk);
      this.inFlight.add(posted);
      void posted.finally(() => this.inFlight.delete(posted));
    }
  }

  private async post(chunk: readonly OutgoingTrip[]): Promise<void> {
    const body = JSON.stringify({ records: chunk.map(({ event, partitionKey }) => ({ data: event, partitionKey })) });
    for (let attempt = 1; ; attempt++) {
      let answer: Answer;
      try {
        answer = await this.request("POST", "batch", body);
      } catch {
        if (attempt >= MAX_ATTEMPTS) return this.refused.add("not-written", chunk.length);
        await sleep(1_000);
        continue;
      }
      if (answer.status === 200 || answer.status === 202) {
        this.stored += chunk.length;
        return;
      }
      if ((answer.status === 503 || answer.status === 429) && attempt < MAX_ATTEMPTS) {
        await sleep(Math.min(answer.retryAfterS, 5) * 1_000);
        continue;
      }
      return this.refused.add(errorCodeOf(answer), chunk.length);
    }
  }

  async close(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    this.release();
  }
}

/** The API's error code ("schema_violation") or, for a body that is not the API's, "http-<status>". */
export function errorCodeOf(answer: { status: number; body: string }): string {
  try {
    const parsed = JSON.parse(answer.body) as { error?: unknown };
    if (typeof parsed.error === "string" && parsed.error !== "") return parsed.error;
  } catch {
    // not JSON: fall through
  }
  return `http-${answer.status}`;
}
