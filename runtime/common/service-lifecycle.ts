/**
 * How the long-running services (ingest, processing) start and stop, the same for both so
 * that ECS, `npm start` and the tests can count on it:
 * - a start that fails on bad usage (a setting, a schema name) prints the message and exits
 *   2; any other failure is one fatal JSON log line (what CloudWatch Logs shows) and exit 1;
 * - the first SIGTERM (ECS stopping the task) or SIGINT (Ctrl-C) runs the service's stop,
 *   once: a second signal while it drains changes nothing.
 */
import { UsageError } from "./usage-error";

export function runService(service: string, main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`${service}: ${e.message}`);
      process.exit(2);
    }
    console.error(
      JSON.stringify({ level: 60, service, msg: "failed to start", err: String((e as Error)?.stack ?? e) }),
    );
    process.exit(1);
  });
}

export function onStopSignal(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const once = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void stop(signal);
  };
  process.on("SIGTERM", once);
  process.on("SIGINT", once);
}
