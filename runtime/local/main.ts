/**
 * `npm start`: the local stack. Parses the command line and the environment, then hands
 * over to LocalStack; this file only maps outcomes to output and exit codes.
 */
import { identifyPart } from "../common/aws/call-trace";
import { LOCAL } from "./contract";
import { helpText, wantsHelp } from "./help";
import { parseLocalEnv } from "./local-env";
import { LocalStack } from "./local-stack";
import { UsageError } from "../common/usage-error";

async function main(): Promise<number> {
  if (wantsHelp(process.argv.slice(2))) {
    process.stdout.write(helpText());
    return 0;
  }
  const config = parseLocalEnv(process.env, process.cwd());
  // Its own calls (streams, tables, the local scaler) reach the emulators only: never deployed.
  identifyPart(LOCAL.part, []);

  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) {
      console.error(`${signal} again: still stopping (this takes at most a few seconds)...`);
      return;
    }
    console.log(`\n${signal} received, stopping the local stack...`);
    stop.abort(new Error(`stopped by ${signal}`));
  };
  // Handlers stay installed while stopping, so a second Ctrl-C cannot kill us half-way.
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const stack = new LocalStack({
    config,
    stopSignal: stop.signal,
    log: { info: (line) => console.log(line), error: (line) => console.error(line) },
  });
  const code = await stack.run();
  if (code === 0) console.log("Local stack stopped.");
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`npm start: ${error.message}`);
      process.exit(2);
    }
    console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
