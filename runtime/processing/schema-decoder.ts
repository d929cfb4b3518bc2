/**
 * Decodes records written in the Glue Schema Registry wire format before the processor sees
 * them: the header names the schema version, which is fetched by id (cached), and the
 * processor gets the payload and the parsed data. Records without the header pass through
 * untouched. A malformed header, an unknown version or a payload that is not JSON goes to
 * the dead-letter path instead.
 */
import { SchemaSource } from "../schemas/schema-source";
import { SchemaWireError } from "../schemas/schema-wire-error";
import { decode, HEADER_VERSION_BYTE } from "../schemas/wire-format";
import { DeadLetters } from "./dead-letters";
import { ConsumerRecord } from "./record-processor";

export class SchemaDecoder {
  constructor(
    private readonly deadLetters: DeadLetters,
    /** Undefined when no registry is configured: registry records then go to dead letters. */
    private readonly source?: SchemaSource,
  ) {}

  async decode(records: ConsumerRecord[]): Promise<ConsumerRecord[]> {
    const out: ConsumerRecord[] = [];
    for (const record of records) {
      // Most records carry no header: pass them on without building anything.
      if (record.data.length === 0 || record.data[0] !== HEADER_VERSION_BYTE) {
        out.push(record);
        continue;
      }
      const dead = (reason: string) =>
        this.deadLetters.add({
          shardId: record.shardId,
          sequenceNumber: record.sequenceNumber,
          subSequenceNumber: record.subSequenceNumber,
          partitionKey: record.partitionKey,
          reason,
          data: record.data.toString("base64"),
        });
      let decoded;
      try {
        decoded = decode(record.data);
      } catch (e) {
        if (!(e instanceof SchemaWireError)) throw e;
        await dead(`malformed schema header: ${e.message}`);
        continue;
      }
      if (decoded.kind === "plain") {
        out.push(record);
        continue;
      }
      const version = this.source ? await this.source.byId(decoded.schemaVersionId) : undefined;
      if (!version) {
        await dead(
          this.source
            ? `unknown schema version ${decoded.schemaVersionId}`
            : `schema version ${decoded.schemaVersionId}, but no schema registry is configured`,
        );
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(decoded.payload.toString("utf8"));
      } catch {
        await dead(`payload of ${version.schemaName} version ${version.versionNumber} is not JSON`);
        continue;
      }
      out.push({
        ...record,
        data: decoded.payload,
        value,
        schema: {
          schemaName: version.schemaName,
          versionNumber: version.versionNumber,
          schemaVersionId: version.schemaVersionId,
        },
      });
    }
    return out;
  }
}
