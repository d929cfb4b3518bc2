/**
 * An OpenSearch domain played by a local HTTP server, for the search Lambdas and their
 * clients: it records every request and answers as a domain that takes everything.
 * _bulk gets one created item per action line, a saved-objects _bulk_create every object
 * saved, anything else (an index template) an acknowledgement. A test can answer some
 * requests itself (a refusal), and checks what was asked and how it was signed.
 *
 * With `fineGrained`, it also plays fine-grained access control as the real domain's
 * security plugin applies it to these requests: no credentials or a wrong password is
 * 401; the security REST API (roles, role mappings, audit config) is the master user's
 * alone (403 for anyone else) and keeps what it is given; a SigV4-signed request is its
 * IAM role, which must be mapped to some role first (403 otherwise). It does not evaluate
 * what each role permits (tests/unit/search/roles.test.ts holds that to the requests).
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

export interface FineGrainedAccess {
  /** The internal master user: basic authentication with these credentials. */
  master: { username: string; password: string };
  /** Which IAM role signs with which access key id: the identity of a SigV4 request. */
  signers: Record<string, string>;
  /** Role mappings already in place (backend roles per role), as a domain set up before has them. */
  mappings?: Record<string, string[]>;
}

/** The security plugin's configuration as the requests left it. */
export interface SecurityState {
  roles: Record<string, unknown>;
  rolesMapping: Record<string, { backend_roles: string[]; hosts: string[]; users: string[] }>;
  audit?: unknown;
}

export interface OpenSearchStandIn {
  /** The domain's endpoint, for SEARCH_ENDPOINT: "http://127.0.0.1:PORT". */
  endpoint: string;
  /** Every request, in the order they came. */
  requests: StandInRequest[];
  security: SecurityState;
  close(): Promise<void>;
}

const SECURITY_API = "/_plugins/_security/api/";

/**
 * Starts the stand-in on a free local port. `answer` may answer a request itself; where it
 * gives undefined, the stand-in answers as a domain that takes everything (behind
 * fine-grained access control when `options.fineGrained` is set).
 */
export async function startOpenSearchStandIn(
  answer: (request: StandInRequest) => StandInAnswer | undefined = () => undefined,
  options: { fineGrained?: FineGrainedAccess } = {},
): Promise<OpenSearchStandIn> {
  const requests: StandInRequest[] = [];
  const security: SecurityState = { roles: {}, rolesMapping: {} };
  for (const [role, backend] of Object.entries(options.fineGrained?.mappings ?? {})) {
    security.rolesMapping[role] = { backend_roles: backend, hosts: [], users: [] };
  }
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body };
      requests.push(request);
      const { status, body: answered } =
        answer(request) ??
        (options.fineGrained ? behindFineGrainedAccess(request, options.fineGrained, security) : undefined) ??
        takeEverything(request);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(answered));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    security,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

type Caller = { master: true } | { master: false; role: string };

/** Who sent the request, as the security plugin authenticates it, or its refusal. */
function authenticate(request: StandInRequest, access: FineGrainedAccess): Caller | StandInAnswer {
  const authorization = request.headers.authorization ?? "";
  const unauthorized = { status: 401, body: "Unauthorized" };
  if (authorization.startsWith("Basic ")) {
    const [username, ...rest] = Buffer.from(authorization.slice(6), "base64").toString("utf8").split(":");
    const password = rest.join(":");
    return username === access.master.username && password === access.master.password ? { master: true } : unauthorized;
  }
  const signer = /^AWS4-HMAC-SHA256 Credential=([^/]+)\//.exec(authorization)?.[1];
  if (signer !== undefined) {
    const role = access.signers[signer];
    // The access policy admits only the roles it names: anyone else never reaches OpenSearch.
    return role
      ? { master: false, role }
      : { status: 403, body: { message: `User: ${signer} is not authorized to perform: es:ESHttp*` } };
  }
  return unauthorized;
}

/** Answers what fine-grained access control decides, or undefined to let the request through. */
function behindFineGrainedAccess(
  request: StandInRequest,
  access: FineGrainedAccess,
  security: SecurityState,
): StandInAnswer | undefined {
  const caller = authenticate(request, access);
  if ("status" in caller) return caller;
  const path = request.url.split("?")[0];
  if (path.startsWith(SECURITY_API)) {
    if (!caller.master) {
      return { status: 403, body: { status: "FORBIDDEN", message: `No permission to access REST API: ${path}` } };
    }
    return securityApi(request.method, path.slice(SECURITY_API.length), request.body, security);
  }
  if (caller.master) return undefined;
  const mapped = Object.entries(security.rolesMapping)
    .filter(([, m]) => m.backend_roles.includes(caller.role))
    .map(([role]) => role);
  if (mapped.length === 0) {
    return {
      status: 403,
      body: {
        error: { type: "security_exception", reason: `no permissions for [] and User [name=${caller.role}, roles=[]]` },
        status: 403,
      },
    };
  }
  return undefined;
}

function securityApi(method: string, resource: string, body: string, security: SecurityState): StandInAnswer {
  if (method !== "PUT") return { status: 405, body: { message: `the stand-in takes PUT only, got ${method}` } };
  const value = JSON.parse(body) as unknown;
  const [kind, name] = resource.split("/");
  const store = (table: Record<string, unknown>) => {
    const created = !(name in table);
    table[name] = value;
    return created ? { status: 201, body: { status: "CREATED" } } : { status: 200, body: { status: "OK" } };
  };
  if (kind === "roles" && name) return store(security.roles);
  if (kind === "rolesmapping" && name) return store(security.rolesMapping);
  if (resource === "audit/config") {
    security.audit = value;
    return { status: 200, body: { status: "OK" } };
  }
  return { status: 404, body: { message: `no security API ${resource} in the stand-in` } };
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

/** The Authorization header of HTTP basic authentication with these credentials. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}
