/**
 * Whether a process id (one this process did not start: another local stack, a child named
 * in the stack file) belongs to a running process. kill(pid, 0) only checks; EPERM means it
 * runs under another user, which is still running.
 */
export function isRunning(pid: unknown): boolean {
  if (typeof pid !== "number") return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
