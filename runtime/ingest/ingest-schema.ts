/**
 * Schema enforcement at ingest: the latest version of the configured schema (fetched once at
 * start, or registered first when auto-registration is on), its compiled validator, and the
 * Glue wire format every accepted record is written in, so consumers (ours or the AWS Java
 * deserializer) know which version it was written with.
 */
import { Compression, encode } from "../schemas/wire-format";
import { compileSchema, Validator, Violation } from "../schemas/json-validation";
import { SchemaSource, SchemaVersionInfo } from "../schemas/schema-source";

export class IngestSchema {
  private constructor(
    readonly version: SchemaVersionInfo,
    private readonly validator: Validator,
    private readonly compression: Compression,
  ) {}

  /** The schema's latest version, or `definition` registered first (auto-registration). */
  static async load(
    source: SchemaSource,
    schemaName: string,
    compression: Compression,
    definitionToRegister?: string,
  ): Promise<IngestSchema> {
    const version = definitionToRegister
      ? await source.register(schemaName, definitionToRegister)
      : await source.latest(schemaName);
    const validator = compileSchema(JSON.parse(version.definition), `${schemaName} version ${version.versionNumber}`);
    return new IngestSchema(version, validator, compression);
  }

  get label(): string {
    return `${this.version.schemaName} version ${this.version.versionNumber}`;
  }

  /** Every way `data` breaks the schema; empty when it is valid. */
  check(data: unknown): Violation[] {
    return this.validator(data);
  }

  /** The record as stored: the registry header, then the (optionally compressed) JSON. */
  encode(json: Buffer): Buffer {
    return encode(json, this.version.schemaVersionId, { compression: this.compression });
  }
}
