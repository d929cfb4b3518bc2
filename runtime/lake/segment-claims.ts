/**
 * A segment's claim: the object that fixes where the segment ends, written once (the first
 * writer to cut the segment wins) and read by every writer that opens the segment later
 * (EXACTLY-ONCE.md, steps 1 and 2).
 */
import { LakeStore } from "./lake-store";
import { claimKey, SegmentName } from "./object-keys";
import { parsePosition, Position, positionText } from "./position";

export class SegmentClaims {
  constructor(private readonly store: LakeStore) {}

  /** Where the segment ends, when a writer claimed it. */
  async read(segment: SegmentName): Promise<Position | undefined> {
    const body = await this.store.get(claimKey(segment));
    if (!body) return undefined;
    const claim = JSON.parse(body.toString("utf8")) as { last?: unknown };
    if (typeof claim.last !== "string") throw new Error(`claim ${claimKey(segment)} has no last position`);
    return parsePosition(claim.last);
  }

  /** Claims the segment up to `last`; returns where it ends: `last`, or the end a writer claimed first. */
  async claim(segment: SegmentName, last: Position): Promise<Position> {
    const body = JSON.stringify({
      shardId: segment.shardId,
      first: positionText(segment.first),
      last: positionText(last),
    });
    const outcome = await this.store.putIfAbsent(claimKey(segment), Buffer.from(body), "application/json");
    if (outcome === "written") return last;
    const standing = await this.read(segment);
    if (!standing) throw new Error(`claim ${claimKey(segment)} exists but cannot be read`);
    return standing;
  }
}
