/**
 * One ingest service as a child process, started the way the container starts it: this
 * node binary running the compiled entry point, configured only by environment variables.
 * Tests read its output (pino logs and EMF metrics share stdout), its memory and its exit.
 */
import { promises as fs } from "node:fs";
import http from "node:http";

import { waitUntilReady } from "../../runtime/local/child-ready";
import { freePort } from "../../runtime/local/ports";
import { builtEntrypoint } from "./built";
import { ServiceOptions, ServiceProcess } from "./service-process";

/** Everything the tests always set; a test adds or overrides the rest (see settings.ts). */
export interface IngestSettings {
  STREAM_NAME: string;
  KINESIS_ENDPOINT: string;
  [variable: string]: string;
}

const READY_TIMEOUT_MS = 15_000;

export class IngestProcess extends ServiceProcess {
  private constructor(
    options: ServiceOptions,
    readonly port: number,
  ) {
    super("the ingest service", options);
  }

  /** Starts the service on a free port and waits (bounded) until GET /healthcheck answers 200. */
  static async start(settings: IngestSettings): Promise<IngestProcess> {
    const port = await freePort();
    // A clean environment, as on Fargate: nothing of the test runner's shell leaks in.
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: "us-east-1",
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "warn",
      METRICS_INTERVAL_MS: "60000",
      // Tests of tenants turn keys on (INGEST_AUTH=apiKeys with TENANTS_TABLE); the others write anonymously.
      INGEST_AUTH: "none",
      ...settings,
    };
    const ingest = new IngestProcess({ script: builtEntrypoint("ingest"), env }, port);
    await waitUntilReady(ingest.child, (signal) => ingest.healthcheck(signal), {
      what: `the ingest service (pid ${ingest.pid}) to answer GET /healthcheck on port ${port}`,
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 50,
    });
    return ingest;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resolves when GET /healthcheck answers 200; rejects otherwise. A fresh connection each time. */
  healthcheck(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const request = http.get(`${this.url}/healthcheck`, { agent: false, signal, timeout: 2000 }, (response) => {
        response.resume();
        if (response.statusCode === 200) resolve();
        else reject(new Error(`GET /healthcheck answered ${response.statusCode}`));
      });
      request.on("timeout", () => request.destroy(new Error("GET /healthcheck timed out")));
      request.on("error", reject);
    });
  }

  /** Resident memory of the process now, in KiB (Linux: VmRSS of /proc/<pid>/status). */
  async rssKiB(): Promise<number> {
    const status = await fs.readFile(`/proc/${this.pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    if (!match) throw new Error(`no VmRSS in /proc/${this.pid}/status`);
    return Number(match[1]);
  }
}
