/**
 * Many independent S3 calls of one run (an hour's LISTs, its objects' tags) with at most
 * `limit` in flight, and none started once the run's time is up: the next run does them
 * again (every such call is idempotent). One slow call holds one slot, not the others.
 */

/** True when every item was called; false when the time ran out first (calls in flight are awaited). */
export async function boundedCalls<T>(
  items: readonly T[],
  limit: number,
  hasTime: () => boolean,
  call: (item: T, index: number) => Promise<void>,
): Promise<boolean> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`concurrency limit ${limit}: a whole number from 1 allowed`);
  let next = 0;
  let outOfTime = false;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      if (!hasTime()) {
        outOfTime = true;
        return;
      }
      const index = next++;
      try {
        await call(items[index], index);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const workers = Array.from({ length: Math.min(limit, items.length) }, worker);
  const settled = await Promise.allSettled(workers);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failure) throw failure.reason;
  return !outOfTime;
}
