/**
 * The lake compactor's settings, from the environment the stack (or the local stack) gives it
 * (compactor-contract.ts): which stream and bucket, where the local emulators are, the part
 * size and the slack. Read in one pass: a bad setting fails the invocation naming every bad
 * variable.
 */
import { EnvValues, readEnv } from "../../common/env";
import { CompactorSettings } from "./compactor";
import { LAKE_COMPACTOR_VARIABLES } from "./compactor-contract";

export type LakeCompactorSettings = EnvValues<typeof LAKE_COMPACTOR_VARIABLES>;

export function readLakeCompactorSettings(env: Readonly<Record<string, string | undefined>>): LakeCompactorSettings {
  return readEnv(LAKE_COMPACTOR_VARIABLES, env);
}

/** What a run needs of them. */
export function compactorSettingsOf(s: LakeCompactorSettings): CompactorSettings {
  return {
    partBytes: s.COMPACTED_PART_BYTES,
    slackMs: s.COMPACTION_SLACK_SECONDS * 1000,
    settleMs: s.COMPACTION_SETTLE_SECONDS * 1000,
  };
}
