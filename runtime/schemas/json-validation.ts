/**
 * Validates data against a JSON Schema (draft-07, the newest draft Glue takes) with ajv, and
 * reports every violation, not only the first, so a producer learns all that is wrong at once.
 */
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { SchemaDefinitionError } from "./schema-definition-error";

export { SchemaDefinitionError };

/** One way the data breaks the schema. */
export interface Violation {
  /** JSON pointer of the offending value in the data ("" is the whole document); for a missing or extra property, the property's own pointer. */
  pointer: string;
  /** The schema keyword that failed: type, required, minimum, ... */
  keyword: string;
  message: string;
}

/** A compiled schema: the violations of the data, none when it is valid. */
export type Validator = (data: unknown) => Violation[];

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

/**
 * Glue accepts what its validator (Everit) accepts, so keywords unknown to ajv are ignored
 * (strict: false). Two versions of one schema share an $id, hence addUsedSchema: false: no
 * compiled schema is registered in the instance under its $id.
 */
function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, addUsedSchema: false, logger: false });
  addFormats(ajv);
  return ajv;
}

/** Compiles a schema; `label` names it in errors (e.g. "taxi-trip version 3"). */
export function compileSchema(definition: unknown, label: string, ajv: Ajv = newAjv()): Validator {
  const declared =
    typeof definition === "object" && definition !== null ? (definition as { $schema?: unknown }).$schema : undefined;
  if (declared !== undefined && declared !== DRAFT_07 && declared !== DRAFT_07.slice(0, -1)) {
    throw new SchemaDefinitionError(
      `${label}: $schema ${JSON.stringify(declared)} is not supported (allowed: "${DRAFT_07}")`,
    );
  }
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(definition as object);
  } catch (error) {
    throw new SchemaDefinitionError(`${label} is not a valid JSON Schema (draft-07): ${(error as Error).message}`);
  }
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map(violation));
}

function violation(error: ErrorObject): Violation {
  const member = memberOf(error);
  return {
    pointer: member === undefined ? error.instancePath : `${error.instancePath}/${escapePointer(member)}`,
    keyword: error.keyword,
    message: error.message ?? error.keyword,
  };
}

// ajv points at the object for a missing or extra property; the property itself is where the user looks.
function memberOf(error: ErrorObject): string | undefined {
  if (error.keyword === "required") return error.params.missingProperty as string;
  if (error.keyword === "additionalProperties") return error.params.additionalProperty as string;
  return undefined;
}

function escapePointer(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * Compiled validators, one per schema version id. A version id never changes its definition
 * (Glue versions are immutable), so the id alone is the cache key.
 */
export class SchemaValidators {
  private readonly ajv = newAjv();
  private readonly compiled = new Map<string, Validator>();

  validatorFor(schemaVersionId: string, definition: unknown, label = `schema version ${schemaVersionId}`): Validator {
    let validator = this.compiled.get(schemaVersionId);
    if (validator === undefined) {
      validator = compileSchema(definition, label, this.ajv);
      this.compiled.set(schemaVersionId, validator);
    }
    return validator;
  }

  get size(): number {
    return this.compiled.size;
  }
}
