/**
 * An OpenSearch domain played by a local HTTP server, for the search Lambdas and their
 * signed client: it records every request and answers as a domain that takes everything.
 * _bulk gets one created item per action line, a saved-objects _bulk_create every object
 * saved, anything else (an index template) an acknowledgement. A test can answer some
 * requests itself (a refusal), and checks what was asked and how it was signed.
 */
import http from "node:http";
import { AddressInfo } from "node:net";

export interface StandInRequest {
  method: string;
  /** Path and query, as sent: "/_index_template/hotspots". */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The body as sent: JSON, or NDJSON for _bulk. */
  body: string;
}

export interface StandInAnswer {
  status: number;
  body: unknown;
}

export interface OpenSearchStandIn {
  /** The domain's endpoint, for SEARCH_ENDPOINT: "http://127.0.0.1:PORT". */
  endpoint: string;
  /** Every request, in the order they came. */
  requests: StandInRequest[];
  close(): Promise<void>;
}

/**
 * Starts the stand-in on a free local port. `answer` may answer a request itself; where it
 * gives undefined, the stand-in answers as a domain that takes everything.
 */
export async function startOpenSearchStandIn(
  answer: (request: StandInRequest) => StandInAnswer | undefined = () => undefined,
): Promise<OpenSearchStandIn> {
  const requests: StandInRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body };
      requests.push(request);
      const { status, body: answered } = answer(request) ?? takeEverything(request);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(answered));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function takeEverything(request: StandInRequest): StandInAnswer {
  const path = request.url.split("?")[0];
  if (path === "/_bulk") {
    // NDJSON: an action line, then its document; an item per action.
    const actions = request.body
      .trimEnd()
      .split("\n")
      .filter((_, i) => i % 2 === 0);
    return { status: 200, body: { errors: false, items: actions.map(() => ({ index: { status: 201 } })) } };
  }
  if (path.endsWith("/saved_objects/_bulk_create")) {
    const objects = JSON.parse(request.body) as { type: string; id: string }[];
    return { status: 200, body: { saved_objects: objects.map(({ type, id }) => ({ type, id })) } };
  }
  return { status: 200, body: { acknowledged: true } };
}

/**
 * The Authorization header of a request signed with SigV4 for the OpenSearch service ("es")
 * in `region` with the access key `accessKeyId`, the host header among those signed.
 */
export function sigV4Authorization(accessKeyId: string, region: string): RegExp {
  return new RegExp(
    `^AWS4-HMAC-SHA256 Credential=${accessKeyId}/\\d{8}/${region}/es/aws4_request, ` +
      "SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$",
  );
}
