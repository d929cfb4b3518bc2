/**
 * Object keywords: required, properties, additionalProperties.
 *
 * The open-content-model rule (the one Confluent's JSON Schema checker applies, reported there as
 * PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL): a property added to an object whose additionalProperties
 * is not false is NOT backward compatible, because data written under the old schema may already
 * carry that property with any value, which the new property's schema may refuse. Adding an
 * optional property to a closed object (additionalProperties: false) is backward compatible: old
 * data cannot have it. Mirror image for FORWARD: removing a property from a closed object breaks
 * old readers of new data. A property whose schema is covered by a schema-valued
 * additionalProperties is compared with that schema.
 */
import { sameJson } from "./canonical-json";
import { acceptsAnything, below, Containment, JsonSchema, Problem, SchemaObject } from "./containment-context";

export function objectProblems(
  check: Containment,
  narrow: SchemaObject,
  wide: SchemaObject,
  pointer: string,
): Problem[] {
  const problems = requiredProblems(check, narrow, wide, pointer);
  if (narrow.patternProperties !== undefined || wide.patternProperties !== undefined) {
    // Which schema applies to a property then depends on the patterns too: only an unchanged layout is proven.
    const unchanged = ["properties", "patternProperties", "additionalProperties"].every((keyword) =>
      sameJson(narrow[keyword], wide[keyword]),
    );
    return unchanged
      ? problems
      : [
          ...problems,
          { pointer: below(pointer, "patternProperties"), change: "cannot prove compatibility of patternProperties" },
        ];
  }
  return [
    ...problems,
    ...propertyProblems(check, narrow, wide, pointer),
    ...additionalProblems(check, narrow, wide, pointer),
  ];
}

function requiredProblems(check: Containment, narrow: SchemaObject, wide: SchemaObject, pointer: string): Problem[] {
  const narrowRequired = new Set(stringsOf(narrow.required));
  return stringsOf(wide.required)
    .filter((name) => !narrowRequired.has(name))
    .map((name) => ({
      pointer: below(pointer, "required"),
      change: check.narrowIsOld ? `${name} became required` : `${name} is no longer required`,
    }));
}

function propertyProblems(check: Containment, narrow: SchemaObject, wide: SchemaObject, pointer: string): Problem[] {
  const narrowProperties = propertiesOf(narrow);
  const wideProperties = propertiesOf(wide);
  const names = [...new Set([...Object.keys(narrowProperties), ...Object.keys(wideProperties)])];
  return names.flatMap((name) => {
    const at = below(pointer, "properties", name);
    const narrowOwn = narrowProperties[name];
    const wideOwn = wideProperties[name];
    const narrowSchema = narrowOwn ?? additionalOf(narrow);
    const wideSchema = wideOwn ?? additionalOf(wide);
    if (narrowSchema === false || acceptsAnything(wideSchema)) return [];
    if (narrowOwn === undefined && acceptsAnything(narrowSchema)) {
      return [{ pointer: at, change: openObjectChange(check, name) }];
    }
    if (wideOwn === undefined && wideSchema === false) {
      return [{ pointer: at, change: closedObjectChange(check, name) }];
    }
    return check.fits(narrowSchema, wideSchema, at);
  });
}

// The property is only in the wide schema, and the narrow one lets it through with any value.
function openObjectChange(check: Containment, name: string): string {
  return check.narrowIsOld
    ? `${name} was added to an open object (additionalProperties is not false): old data may already carry ${name} with any value`
    : `${name} was removed and the object is open (additionalProperties is not false): new data may carry ${name} with a value the old schema refuses`;
}

// The property is only in the narrow schema, and the wide one is closed.
function closedObjectChange(check: Containment, name: string): string {
  return check.narrowIsOld
    ? `${name} was removed from a closed object (additionalProperties: false): old data that has it is refused`
    : `${name} was added, but the old schema's object is closed (additionalProperties: false) and refuses it`;
}

/** Properties named in neither schema. */
function additionalProblems(check: Containment, narrow: SchemaObject, wide: SchemaObject, pointer: string): Problem[] {
  const narrowSchema = additionalOf(narrow);
  const wideSchema = additionalOf(wide);
  const at = below(pointer, "additionalProperties");
  if (narrowSchema === false || acceptsAnything(wideSchema)) return [];
  if (wideSchema === false) {
    const change = check.narrowIsOld
      ? "additionalProperties became false: old data with other properties is refused"
      : "additionalProperties false was removed: new data may carry properties the old schema refuses";
    return [{ pointer: at, change }];
  }
  return check.fits(narrowSchema, wideSchema, at);
}

function propertiesOf(schema: SchemaObject): Record<string, JsonSchema> {
  const properties = schema.properties;
  return typeof properties === "object" && properties !== null ? (properties as Record<string, JsonSchema>) : {};
}

function additionalOf(schema: SchemaObject): JsonSchema {
  return (schema.additionalProperties as JsonSchema | undefined) ?? true;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}
