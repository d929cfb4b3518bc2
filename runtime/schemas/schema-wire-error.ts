/** A record or an argument that does not fit the Glue Schema Registry wire format; the message says what is wrong. */
export class SchemaWireError extends Error {
  override name = "SchemaWireError";
}
