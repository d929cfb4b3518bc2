/**
 * The id of a result document: its key (cell or airport) and its window's start. The same
 * for every run of the job over the same trips, so writing a result again overwrites it.
 * Its own module: the search indexer needs it without the engine's geohash library.
 */
export function documentId(key: string, windowStart: number): string {
  return `${key}_${new Date(windowStart).toISOString()}`;
}
