/**
 * The rules between the stream's settings, in the words of the stack config: validateConfig
 * lists them with every other problem, and StreamStorage refuses what breaks them.
 */
import { StreamMode } from "../../runtime/stream/limits";
import { shown } from "../../runtime/common/setting";

export function streamStorageProblems({
  mode,
  shardCount,
}: {
  mode?: StreamMode;
  /** As set: a number, or the text a user wrote (even one its own check refused). */
  shardCount?: number | string;
}): string[] {
  if (mode !== "ON_DEMAND" || shardCount === undefined) return [];
  return [
    `shardCount must not be set when streamMode is ON_DEMAND (AWS sizes on-demand streams), got ${shown(String(shardCount))}: ` +
      "run `pulumi config rm shardCount` or set streamMode to PROVISIONED",
  ];
}
