/**
 * An error the user fixes by changing how they run the local stack (an environment
 * variable, an option, a busy port). `npm start` prints only its message and exits 2,
 * the conventional exit code for bad usage, so scripts can tell it apart from a crash (1).
 */
export class UsageError extends Error {
  override name = "UsageError";
}
