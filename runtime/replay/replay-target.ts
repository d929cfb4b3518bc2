/**
 * Where the replay posts: the ingest API at a URL, or `--target local`, the local stack's
 * ingest API, whose URL its stack file holds. The replay goes through the ingest service
 * either way, locally as on AWS.
 */
import { readStackFile, resolveStateDir, stackFilePath } from "../common/stack-file";
import { UsageError } from "../common/usage-error";
import { ReplayTarget, withRoutesBelow } from "./replay-args";

export async function ingestUrlOf(target: ReplayTarget, env: NodeJS.ProcessEnv = process.env): Promise<URL> {
  if (target.kind === "ingest") return target.url;
  const stateDir = resolveStateDir(env.LOCAL_STATE_DIR);
  const stack = await readStackFile(stateDir).catch((error: Error) => {
    throw new UsageError(`--target local: ${error.message}`);
  });
  if (stack === undefined) {
    throw new UsageError(
      `--target local: no local stack is running (no ${stackFilePath(stateDir)}); start one with \`npm start\`, or give an ingest URL`,
    );
  }
  if (typeof stack.ingestUrl !== "string") {
    throw new UsageError(`--target local: ${stackFilePath(stateDir)} names no ingestUrl`);
  }
  const url = URL.canParse(stack.ingestUrl) ? new URL(stack.ingestUrl) : undefined;
  if (url?.protocol !== "http:" && url?.protocol !== "https:") {
    throw new UsageError(
      `--target local: ${stackFilePath(stateDir)} names the ingestUrl ${JSON.stringify(stack.ingestUrl)} (allowed: an http:// or https:// URL)`,
    );
  }
  return withRoutesBelow(url);
}

/** The stack file's entry holding the local replay tenant's key (the local stack writes it). */
export const LOCAL_REPLAY_KEY_ENTRY = "replayApiKey";

/**
 * The API key the replay sends with: INGEST_API_KEY (on AWS, the replay tenant's key from
 * Secrets Manager, as an ECS secret), else with `--target local` the local stack's replay
 * tenant's; none when neither is there (an ingest API with ingestAuth none).
 */
export async function replayApiKeyOf(
  target: ReplayTarget,
  apiKey: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  if (apiKey) return apiKey;
  if (target.kind !== "local") return undefined;
  const stack = await readStackFile(resolveStateDir(env.LOCAL_STATE_DIR)).catch(() => undefined);
  const key = stack?.[LOCAL_REPLAY_KEY_ENTRY];
  return typeof key === "string" ? key : undefined;
}
