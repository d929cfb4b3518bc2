/**
 * Range keywords: minimum/maximum and their exclusive forms for numbers, minLength/maxLength
 * for strings, minItems/maxItems for arrays. The wide schema's range must hold the narrow one's.
 */
import { below, Containment, oldAndNew, Problem, SchemaObject } from "./containment-context";

interface Bound {
  value: number;
  exclusive: boolean;
  keyword: string;
}

interface RangeKeywords {
  /** How the bound reads in a problem: "lower bound", "length", ... */
  label: [lower: string, upper: string];
  inclusive: [lower: string, upper: string];
  exclusive?: [lower: string, upper: string];
}

export const NUMBER_RANGE: RangeKeywords = {
  label: ["lower bound", "upper bound"],
  inclusive: ["minimum", "maximum"],
  exclusive: ["exclusiveMinimum", "exclusiveMaximum"],
};
export const LENGTH_RANGE: RangeKeywords = {
  label: ["minimum length", "maximum length"],
  inclusive: ["minLength", "maxLength"],
};
export const ITEM_COUNT_RANGE: RangeKeywords = {
  label: ["minimum item count", "maximum item count"],
  inclusive: ["minItems", "maxItems"],
};

export function rangeProblems(
  check: Containment,
  narrow: SchemaObject,
  wide: SchemaObject,
  pointer: string,
  keywords: RangeKeywords,
): Problem[] {
  const problems: Problem[] = [];
  for (const side of [0, 1] as const) {
    const isLower = side === 0;
    const narrowBound = bound(narrow, keywords, side);
    const wideBound = bound(wide, keywords, side);
    if (wideBound === undefined || (narrowBound !== undefined && within(narrowBound, wideBound, isLower))) continue;
    const { before, after } = oldAndNew(check, narrowBound, wideBound);
    const verb = check.narrowIsOld ? "tightened" : "relaxed";
    problems.push({
      pointer: below(pointer, wideBound.keyword),
      change: `${keywords.label[side]} ${verb} from ${describe(before, isLower)} to ${describe(after, isLower)}`,
    });
  }
  return problems;
}

/** The tightest bound on one side that the schema sets, if any. */
function bound(schema: SchemaObject, keywords: RangeKeywords, side: 0 | 1): Bound | undefined {
  const isLower = side === 0;
  const bounds: Bound[] = [];
  const inclusive = schema[keywords.inclusive[side]];
  if (typeof inclusive === "number")
    bounds.push({ value: inclusive, exclusive: false, keyword: keywords.inclusive[side] });
  const exclusiveKeyword = keywords.exclusive?.[side];
  const exclusive = exclusiveKeyword === undefined ? undefined : schema[exclusiveKeyword];
  if (exclusiveKeyword !== undefined && typeof exclusive === "number") {
    bounds.push({ value: exclusive, exclusive: true, keyword: exclusiveKeyword });
  }
  return bounds.reduce<Bound | undefined>((tightest, next) => {
    if (tightest === undefined) return next;
    if (next.value === tightest.value) return next.exclusive ? next : tightest;
    return isLower === next.value > tightest.value ? next : tightest;
  }, undefined);
}

/** Whether every value the narrow bound lets through, the wide bound lets through too. */
function within(narrow: Bound, wide: Bound, isLower: boolean): boolean {
  if (narrow.value !== wide.value) return isLower ? narrow.value > wide.value : narrow.value < wide.value;
  return narrow.exclusive || !wide.exclusive;
}

function describe(value: Bound | undefined, isLower: boolean): string {
  if (value === undefined) return "none";
  return `${isLower ? ">" : "<"}${value.exclusive ? "" : "="} ${value.value}`;
}
