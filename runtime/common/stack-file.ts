import { promises as fs } from "node:fs";
import path from "node:path";

import { REPO_ROOT } from "./repo-root";

/**
 * `.local/stack.json`: what the running local stack serves where. Its existence means the
 * stack is up and ready; it is removed when the stack stops. Tools and later parts of the
 * local stack (producer, consumers) read it instead of guessing ports.
 */
export interface LocalStackFile {
  kinesisEndpoint: string;
  dynamodbEndpoint: string;
  region: string;
  streamName: string;
  streamArn: string;
  shardCount: number;
  /** The `npm start` process itself: lets a second start see that this one is still running. */
  stackPid: number;
  /** Child processes by name: { kinesis, dynamodb, ... }. */
  pids: Record<string, number>;
  startedAt: string;
  /** Later parts add their own entries, e.g. `ingestUrl`. */
  [entry: string]: unknown;
}

export const STACK_FILE_NAME = "stack.json";

/** LOCAL_STATE_DIR (relative to `cwd`) or `<repo>/.local`, which git ignores. */
export function resolveStateDir(value: string | undefined, cwd: string = process.cwd()): string {
  return value === undefined || value === "" ? path.join(REPO_ROOT, ".local") : path.resolve(cwd, value);
}

export function stackFilePath(stateDir: string): string {
  return path.join(stateDir, STACK_FILE_NAME);
}

/** The stack file, or undefined when no stack is running (no file). */
export async function readStackFile(
  stateDir: string = resolveStateDir(process.env.LOCAL_STATE_DIR),
): Promise<LocalStackFile | undefined> {
  let text: string;
  try {
    text = await fs.readFile(stackFilePath(stateDir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== "object" || parsed === null || typeof (parsed as LocalStackFile).kinesisEndpoint !== "string") {
    throw new Error(`${stackFilePath(stateDir)} is not a local stack file`);
  }
  return parsed as LocalStackFile;
}

/**
 * Replaces the stack file atomically (temp file + rename): a reader never sees half a file.
 * Writes are queued so that concurrent updates from one process never lose each other.
 */
export function writeStackFile(stateDir: string, contents: LocalStackFile): Promise<void> {
  return enqueue(() => writeAtomically(stateDir, contents));
}

/** Adds or replaces entries (and `pids` by name); returns the new contents. */
export function updateStackFile(stateDir: string, patch: Partial<LocalStackFile>): Promise<LocalStackFile> {
  return enqueue(async () => {
    const current = await readStackFile(stateDir);
    if (current === undefined) throw new Error(`cannot update ${stackFilePath(stateDir)}: no local stack is running`);
    const updated: LocalStackFile = { ...current, ...patch, pids: { ...current.pids, ...patch.pids } };
    await writeAtomically(stateDir, updated);
    return updated;
  });
}

export function removeStackFile(stateDir: string): Promise<void> {
  return enqueue(() => fs.rm(stackFilePath(stateDir), { force: true }));
}

let queue: Promise<unknown> = Promise.resolve();
let tempCounter = 0;

function enqueue<T>(operation: () => Promise<T>): Promise<T> {
  const result = queue.then(operation);
  queue = result.catch(() => undefined);
  return result;
}

async function writeAtomically(stateDir: string, contents: LocalStackFile): Promise<void> {
  await fs.mkdir(stateDir, { recursive: true });
  const file = stackFilePath(stateDir);
  const temp = `${file}.${process.pid}.${++tempCounter}.tmp`;
  try {
    await fs.writeFile(temp, `${JSON.stringify(contents, null, 2)}\n`);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}
