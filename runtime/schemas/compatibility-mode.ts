/** Glue's compatibility modes, and which checks each one asks for. */

export const COMPATIBILITY_MODES = [
  "NONE",
  "DISABLED",
  "BACKWARD",
  "BACKWARD_ALL",
  "FORWARD",
  "FORWARD_ALL",
  "FULL",
  "FULL_ALL",
] as const;

export type Compatibility = (typeof COMPATIBILITY_MODES)[number];

/** Glue's default when a schema is created without a mode. */
export const DEFAULT_COMPATIBILITY: Compatibility = "BACKWARD";

export function parseCompatibility(text: string): Compatibility {
  const mode = COMPATIBILITY_MODES.find((candidate) => candidate === text);
  if (mode === undefined) {
    throw new RangeError(
      `unknown compatibility mode ${JSON.stringify(text)} (allowed: ${COMPATIBILITY_MODES.join(", ")})`,
    );
  }
  return mode;
}

export interface CompatibilityChecks {
  /** New readers must read old data: every instance of an old version fits the candidate. */
  backward: boolean;
  /** Old readers must read new data: every instance of the candidate fits the old version. */
  forward: boolean;
  /** Compare with every earlier version, not only the latest. */
  allVersions: boolean;
}

export function checksOf(mode: Compatibility): CompatibilityChecks {
  return {
    backward: mode.startsWith("BACKWARD") || mode.startsWith("FULL"),
    forward: mode.startsWith("FORWARD") || mode.startsWith("FULL"),
    allVersions: mode.endsWith("_ALL"),
  };
}
