/**
 * An error the user fixes by running the replay differently (an option, a file, a target):
 * main prints its message alone and exits 2, as `npm start` does for its own usage errors.
 */
export class ReplayUsageError extends Error {
  override name = "ReplayUsageError";
}
