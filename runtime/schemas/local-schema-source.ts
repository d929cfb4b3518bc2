/**
 * The local stack's schema source: the local registry file that `npm start` writes. Each
 * service opens it itself; a version unknown to this process may have been registered by
 * another since, so a miss re-reads the file before it is answered.
 */
import { LocalSchemaRegistry, SchemaRegistryError } from "./local-registry";
import { SchemaSource, SchemaVersionInfo } from "./schema-source";

export class LocalSchemaSource implements SchemaSource {
  private registry: LocalSchemaRegistry;

  constructor(private readonly file: string) {
    this.registry = new LocalSchemaRegistry({ file });
  }

  async latest(schemaName: string): Promise<SchemaVersionInfo> {
    this.registry = new LocalSchemaRegistry({ file: this.file });
    return this.registry.latest(schemaName);
  }

  async byId(schemaVersionId: string): Promise<SchemaVersionInfo | undefined> {
    const find = () => {
      try {
        return this.registry.versionById(schemaVersionId);
      } catch (e) {
        if (e instanceof SchemaRegistryError) return undefined;
        throw e;
      }
    };
    const found = find();
    if (found) return found;
    this.registry = new LocalSchemaRegistry({ file: this.file });
    return find();
  }

  async register(schemaName: string, definition: string): Promise<SchemaVersionInfo> {
    this.registry = new LocalSchemaRegistry({ file: this.file });
    return this.registry.register(schemaName, definition);
  }
}
