/**
 * A client of the ingest API over real HTTP, as a load balancer or a device would be:
 * keep-alive connections, a bounded number of requests in flight, and every request
 * bounded in time so a hung service fails the test instead of hanging it.
 */
import http from "node:http";

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (every answer of the API is JSON), or the raw text if it is not. */
  body: any;
}

export interface IngestClientOptions {
  /** Connections (and so requests in flight) at most. */
  maxSockets?: number;
  /** false: a new connection per request, as clients without pooling do. */
  keepAlive?: boolean;
  /** Per request; the service answers within its record TTL (30 s by default). */
  timeoutMs?: number;
  /** A tenant's API key, sent with every POST as Authorization: Bearer. */
  apiKey?: string;
}

export class IngestClient {
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private readonly authorization: http.OutgoingHttpHeaders;

  constructor(
    readonly baseUrl: string,
    options: IngestClientOptions = {},
  ) {
    this.agent = new http.Agent({ keepAlive: options.keepAlive ?? true, maxSockets: options.maxSockets ?? 32 });
    this.timeoutMs = options.timeoutMs ?? 40_000;
    this.authorization = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  }

  /** POSTs `body`: a value is sent as JSON, a string or Buffer as it is. */
  post(path: string, body: unknown, contentType = "application/json"): Promise<Answer> {
    const payload = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    return this.request("POST", path, { ...this.authorization, "content-type": contentType }, payload);
  }

  get(path: string): Promise<Answer> {
    return this.request("GET", path, {}, undefined);
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  private request(
    method: string,
    path: string,
    headers: http.OutgoingHttpHeaders,
    payload: string | Buffer | undefined,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        `${this.baseUrl}${path}`,
        { method, headers, agent: this.agent, timeout: this.timeoutMs },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", reject);
          response.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {
              // Not JSON: the test sees the text.
            }
            resolve({ status: response.statusCode!, headers: response.headers, body });
          });
        },
      );
      request.on("timeout", () =>
        request.destroy(new Error(`${method} ${path}: no answer within ${this.timeoutMs} ms`)),
      );
      request.on("error", reject);
      request.end(payload);
    });
  }
}

/** Runs `task` on every item with at most `limit` running at once; results in item order. */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
