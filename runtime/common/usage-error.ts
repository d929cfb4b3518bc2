/**
 * An error the user fixes by running a command or service differently (an option, an
 * environment variable, a file, a busy port). Every entry point prints only its message and
 * exits 2, the conventional code for bad usage, so scripts tell it apart from a crash (1).
 */
export class UsageError extends Error {
  override name = "UsageError";
}
