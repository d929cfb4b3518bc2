/** Skipped events counted by reason: row checks, the schema, and the ingest API's refusals. */
export class SkipTally {
  private readonly counts = new Map<string, number>();

  add(reason: string, count = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + count);
  }

  addAll(other: SkipTally): void {
    for (const [reason, count] of other.entries()) this.add(reason, count);
  }

  get total(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  /** Reasons in a stable (alphabetical) order, so output lines are comparable. */
  entries(): [string, number][] {
    return [...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b));
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.entries());
  }

  /** "zero-coordinates 92, outside-nyc 6" or "none". */
  describe(): string {
    const entries = this.entries();
    return entries.length === 0 ? "none" : entries.map(([reason, count]) => `${reason} ${count}`).join(", ");
  }
}
