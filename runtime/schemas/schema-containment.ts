/**
 * Does every instance that one JSON Schema accepts fit another? Answered structurally for the
 * subset our schemas use (type with integer inside number, properties, required,
 * additionalProperties, enum, const, items, numeric and length ranges, pattern, format); a
 * change to any other keyword ($ref, oneOf, anyOf, allOf, not, if/then/else, ...) is reported
 * as "cannot prove compatibility of <keyword>" rather than guessed. An unchanged keyword is
 * fine whatever it is: a schema is the conjunction of its keywords.
 */
import { sameJson } from "./canonical-json";
import { ITEM_COUNT_RANGE, LENGTH_RANGE, NUMBER_RANGE, rangeProblems } from "./containment-bounds";
import {
  acceptsAnything,
  asObject,
  assertions,
  below,
  Containment,
  isSchema,
  JsonSchema,
  oldAndNew,
  Problem,
  SchemaObject,
} from "./containment-context";
import { objectProblems } from "./containment-objects";
import { compileSchema } from "./json-validation";

export type { JsonSchema, Problem };

// Keywords this checker reasons about; any other keyword must be unchanged.
const UNDERSTOOD = new Set([
  "type",
  "enum",
  "const",
  "properties",
  "required",
  "additionalProperties",
  "patternProperties",
  "items",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "pattern",
  "format",
]);

const ALL_TYPES = ["null", "boolean", "object", "array", "number", "string"];

/** Problems that keep every instance of `narrow` from fitting `wide`; none means proven. */
export function containmentProblems(narrow: JsonSchema, wide: JsonSchema, narrowIsOld: boolean): Problem[] {
  const check: Containment = { narrowIsOld, fits: (n, w, pointer) => fits(check, n, w, pointer) };
  return check.fits(narrow, wide, "");
}

function fits(check: Containment, narrowSchema: JsonSchema, wideSchema: JsonSchema, pointer: string): Problem[] {
  if (!isSchema(narrowSchema) || !isSchema(wideSchema)) {
    return [{ pointer, change: "cannot prove compatibility of a value that is not a schema" }];
  }
  if (
    narrowSchema === false ||
    acceptsAnything(wideSchema) ||
    sameJson(assertions(narrowSchema), assertions(wideSchema))
  ) {
    return [];
  }
  if (wideSchema === false) {
    return [{ pointer, change: check.narrowIsOld ? "now accepts nothing (false)" : "accepted nothing (false) before" }];
  }
  const narrow = asObject(narrowSchema);
  const wide = asObject(wideSchema);
  if (narrow.$ref !== undefined || wide.$ref !== undefined) return referenceProblems(narrow, wide, pointer);
  const values = finiteValues(narrow);
  if (values !== undefined) return valueProblems(check, narrow, values, wide, pointer);
  const unproven = unprovenKeywords(narrow, wide, pointer);
  const listed = listProblems(check, wide, pointer);
  if (listed.length > 0) return [...unproven, ...listed];
  const { fitting, problems } = typeProblems(check, narrow, wide, pointer);
  const has = (type: string) => fitting.includes(type);
  if (has("number") || has("integer")) problems.push(...rangeProblems(check, narrow, wide, pointer, NUMBER_RANGE));
  if (has("string")) problems.push(...stringProblems(check, narrow, wide, pointer));
  if (has("array")) problems.push(...arrayProblems(check, narrow, wide, pointer));
  if (has("object")) problems.push(...objectProblems(check, narrow, wide, pointer));
  return [...unproven, ...problems];
}

// In draft-07 a $ref replaces its siblings; the same reference into definitions (compared at the root) is the same schema.
function referenceProblems(narrow: SchemaObject, wide: SchemaObject, pointer: string): Problem[] {
  const reference = narrow.$ref;
  const intoDefinitions = typeof reference === "string" && /^#\/(definitions|\$defs)\//.test(reference);
  return reference === wide.$ref && intoDefinitions
    ? []
    : [{ pointer: below(pointer, "$ref"), change: "cannot prove compatibility of $ref" }];
}

function unprovenKeywords(narrow: SchemaObject, wide: SchemaObject, pointer: string): Problem[] {
  const keywords = new Set([...Object.keys(assertions(narrow)), ...Object.keys(assertions(wide))]);
  return [...keywords]
    .filter((keyword) => !UNDERSTOOD.has(keyword) && !sameJson(narrow[keyword], wide[keyword]))
    .map((keyword) => ({ pointer: below(pointer, keyword), change: `cannot prove compatibility of ${keyword}` }));
}

/** The values a schema can accept when they are few enough to list: const, enum, or type null/boolean. */
function finiteValues(schema: SchemaObject): unknown[] | undefined {
  if ("const" in schema) return [schema.const];
  if (Array.isArray(schema.enum)) return schema.enum;
  const types = typesOf(schema);
  if (types.every((type) => type === "null" || type === "boolean")) {
    return types.flatMap((type) => (type === "null" ? [null] : [true, false]));
  }
  return undefined;
}

// With finitely many values the question is exact: does the wide schema accept each one the narrow schema accepts?
function valueProblems(
  check: Containment,
  narrow: SchemaObject,
  values: unknown[],
  wide: SchemaObject,
  pointer: string,
): Problem[] {
  const where = below(pointer, "const" in narrow ? "const" : Array.isArray(narrow.enum) ? "enum" : "type");
  const acceptedByNarrow = validatorOrUndefined(narrow);
  const acceptedByWide = validatorOrUndefined(wide);
  if (acceptedByWide === undefined)
    return [{ pointer, change: "cannot prove compatibility of this schema (it does not compile on its own)" }];
  return values
    .filter((value) => acceptedByNarrow === undefined || acceptedByNarrow(value).length === 0)
    .filter((value) => acceptedByWide(value).length > 0)
    .map((value) => ({
      pointer: where,
      change: check.narrowIsOld
        ? `value ${JSON.stringify(value)} is no longer accepted`
        : `value ${JSON.stringify(value)} was added, and the old schema refuses it`,
    }));
}

function validatorOrUndefined(schema: SchemaObject) {
  const { $id: _id, $schema: _schema, ...rest } = schema;
  try {
    return compileSchema(rest, "a subschema");
  } catch {
    return undefined;
  }
}

// The narrow schema allows infinitely many values here, so a list in the wide one refuses some of them.
function listProblems(check: Containment, wide: SchemaObject, pointer: string): Problem[] {
  const keyword = "const" in wide ? "const" : Array.isArray(wide.enum) ? "enum" : undefined;
  if (keyword === undefined) return [];
  const list = JSON.stringify(keyword === "const" ? wide.const : wide.enum);
  return [
    {
      pointer: below(pointer, keyword),
      change: check.narrowIsOld
        ? `${keyword} ${list} was added: only those values are accepted now`
        : `${keyword} ${list} was removed: new data may hold other values`,
    },
  ];
}

function typeProblems(check: Containment, narrow: SchemaObject, wide: SchemaObject, pointer: string) {
  const wideTypes = typesOf(wide);
  const fitsWide = (type: string) => wideTypes.includes(type) || (type === "integer" && wideTypes.includes("number"));
  const fitting = typesOf(narrow).filter(fitsWide);
  const problems: Problem[] = [];
  if (fitting.length < typesOf(narrow).length) {
    const { before, after } = oldAndNew(check, narrow, wide);
    problems.push({
      pointer: below(pointer, "type"),
      change: `type ${check.narrowIsOld ? "narrowed" : "widened"} from ${describeType(before)} to ${describeType(after)}`,
    });
  }
  return { fitting, problems };
}

function typesOf(schema: SchemaObject): string[] {
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((type): type is string => typeof type === "string");
  return ALL_TYPES;
}

function describeType(schema: SchemaObject): string {
  return schema.type === undefined ? "any" : JSON.stringify(schema.type);
}

function stringProblems(check: Containment, narrow: SchemaObject, wide: SchemaObject, pointer: string): Problem[] {
  const problems = rangeProblems(check, narrow, wide, pointer, LENGTH_RANGE);
  for (const keyword of ["pattern", "format"]) {
    if (wide[keyword] === undefined || wide[keyword] === narrow[keyword]) continue;
    const { before, after } = oldAndNew(check, narrow[keyword], wide[keyword]);
    const change =
      before === undefined
        ? `${keyword} ${JSON.stringify(after)} was added`
        : after === undefined
          ? `${keyword} ${JSON.stringify(before)} was removed`
          : `${keyword} changed from ${JSON.stringify(before)} to ${JSON.stringify(after)}`;
    problems.push({ pointer: below(pointer, keyword), change });
  }
  return problems;
}

function arrayProblems(check: Containment, narrow: SchemaObject, wide: SchemaObject, pointer: string): Problem[] {
  const problems = rangeProblems(check, narrow, wide, pointer, ITEM_COUNT_RANGE);
  if (Array.isArray(narrow.items) || Array.isArray(wide.items)) {
    if (!sameJson(narrow.items, wide.items)) {
      problems.push({ pointer: below(pointer, "items"), change: "cannot prove compatibility of items (tuple form)" });
    }
    return problems;
  }
  const narrowItems = (narrow.items as JsonSchema | undefined) ?? true;
  const wideItems = (wide.items as JsonSchema | undefined) ?? true;
  return [...problems, ...check.fits(narrowItems, wideItems, below(pointer, "items"))];
}
