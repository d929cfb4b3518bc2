/**
 * One processing worker as a child process, started the way the container starts it: this
 * node binary running the compiled entry point, configured only by environment variables.
 * Tests stop it with a signal or kill it outright, and read its exit and its JSON logs.
 */
import { builtEntrypoint } from "./built";
import { ServiceOptions, ServiceProcess } from "./service-process";

/** What every worker of a test needs; a test adds or overrides the rest (see runtime/processing/service-contract.ts). */
export interface ConsumerSettings {
  STREAM_NAME: string;
  APPLICATION_NAME: string;
  WORKER_ID: string;
  KINESIS_ENDPOINT: string;
  DYNAMODB_ENDPOINT: string;
  [variable: string]: string;
}

/** A pino log line of the worker. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** pino's numbers for the levels the tests look for. */
export const LOG_LEVELS = { info: 30, warn: 40, error: 50, fatal: 60 } as const;

export class ConsumerProcess extends ServiceProcess {
  private constructor(
    options: ServiceOptions,
    readonly workerId: string,
  ) {
    super(`worker ${workerId}`, options);
  }

  /**
   * Starts a worker. It has no readiness endpoint: a test waits for what it needs (leases in
   * the table, processed records), and `running` tells whether it died on the way.
   */
  static start(settings: ConsumerSettings): ConsumerProcess {
    // A clean environment, as on Fargate: nothing of the test runner's shell leaks in.
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: "us-east-1",
      LOG_LEVEL: "warn",
      METRICS_INTERVAL_MS: "3600000",
      ...settings,
    };
    return new ConsumerProcess({ script: builtEntrypoint("processing"), env }, settings.WORKER_ID);
  }

  /** The pino log lines of stdout (EMF metric documents are left out). */
  logLines(): LogLine[] {
    return this.jsonLines().filter(
      (doc): doc is LogLine => typeof doc.level === "number" && typeof doc.msg === "string",
    );
  }

  /** Log lines at `level` or above. */
  logsAtLeast(level: number): LogLine[] {
    return this.logLines().filter((line) => line.level >= level);
  }
}
