import { envHelp } from "../common/env";
import { LOCAL_VARIABLES } from "./local-env";
import { UsageError } from "../common/usage-error";

/** `npm start` takes no options besides --help: everything else is an environment variable. */
export function wantsHelp(argv: readonly string[]): boolean {
  const unknown = argv.filter((arg) => arg !== "--help" && arg !== "-h");
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown argument ${JSON.stringify(unknown[0])} (settings are environment variables; see npm start -- --help)`,
    );
  }
  return argv.length > 0;
}

export function helpText(): string {
  return [
    "Usage: npm start [-- --help]",
    "",
    "Runs the pipeline locally: a Kinesis emulator (kinesis-local) and a DynamoDB emulator",
    "(dynalite), with one stream created, and the ingest service (the built dist/ entry point)",
    "writing to it, until Ctrl-C (SIGINT) or SIGTERM. On stop the ingest service drains first.",
    "A hot-spot worker reads the stream and serves its latest hot spots at GET /hotspots.",
    "A live page (LOCAL_PAGE_PORT, http://127.0.0.1:3000/) shows it all as it runs, and has buttons",
    "to start, re-pace and stop the taxi replay, send a burst, and kill or restart a worker.",
    "When everything is ready it writes <LOCAL_STATE_DIR>/stack.json with the endpoints, the",
    "stream, the ingest, hot-spot and page URLs and the process ids, and removes it again when it stops.",
    "",
    "Options:",
    "  -h, --help  print this help and exit",
    "",
    "Environment variables (an empty value counts as unset):",
    ...envHelp(LOCAL_VARIABLES),
    "",
    "The region is always us-east-1, and no AWS credentials are needed.",
    "Exit codes: 0 stopped by a signal, 1 a failure (a child process died), 2 a bad setting or a port in use.",
    "",
  ].join("\n");
}
