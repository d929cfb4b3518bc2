/**
 * Stops what a benchmark started when it is interrupted (Ctrl-C, SIGTERM) or fails: each
 * child registers its stop function here and forgets it once stopped normally. The
 * children also watch a lifeline pipe (runtime/local/child-guard.js), so even a
 * `kill -9` of the benchmark leaves nothing running.
 */
type Stop = () => unknown;

const stops = new Set<Stop>();
let installed = false;

export function onExit(stop: Stop): () => void {
  install();
  stops.add(stop);
  return () => stops.delete(stop);
}

/** Runs every registered stop function; used on failure, before exiting. */
export async function stopAll(): Promise<void> {
  const pending = [...stops];
  stops.clear();
  await Promise.allSettled(pending.map((s) => s()));
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the processes this benchmark started\n`);
      void stopAll().finally(() => process.exit(130));
    });
  }
}

/** Runs a benchmark's main: stops every child whatever happens, exit code 1 on failure. */
export function runMain(main: () => Promise<void>): void {
  main()
    .then(stopAll)
    .catch(async (e: unknown) => {
      await stopAll();
      process.stderr.write(`benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    });
}
