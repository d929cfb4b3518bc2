/**
 * Schema governance: a Glue Schema Registry with one JSON Schema (draft-07) per file in
 * schemas/, under the configured compatibility mode. Glue checks each new version against
 * the mode when `pulumi up` changes a file (and `npm run schema:check` checks the same
 * before). Producers and consumers get read grants; registering is granted only with
 * schemaAutoRegistration on.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SchemaConfig } from "./config";
import { grant, Statement } from "./grants";
import { shippedSchemas } from "../runtime/schema/shipped-schemas";

/**
 * What a reader calls: the latest version of a schema, or a version by its id. Granted on
 * "*": a call by SchemaVersionId (how every record is decoded, and how a registration is
 * awaited) names no registry or schema, and no registry- or schema-scoped grant allows it;
 * AWS's deserializer example grants it so, this one action only.
 * https://docs.aws.amazon.com/glue/latest/dg/schema-registry-gs-serde.html (IAM examples for deserializers)
 * https://github.com/awslabs/aws-glue-schema-registry/issues/68
 */
export const SCHEMA_READ_ACTIONS = ["glue:GetSchemaVersion"] as const;
/** What auto-registration calls: find a version by definition, register a new one (scoped to the registry). */
export const SCHEMA_REGISTER_ACTIONS = ["glue:GetSchemaByDefinition", "glue:RegisterSchemaVersion"] as const;

const SCHEMA_READ: Statement = { sid: "SchemaRead", actions: SCHEMA_READ_ACTIONS, resources: ["*"] };

export interface SchemaRegistryArgs extends SchemaConfig {
  tags: Record<string, string>;
}

export class SchemaRegistry extends pulumi.ComponentResource {
  readonly registry: aws.glue.Registry;
  readonly schemas: Record<string, aws.glue.Schema>;
  readonly arn: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly autoRegistration: boolean;

  constructor(
    private readonly resourceName: string,
    private readonly args: SchemaRegistryArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("kinesis-pipeline:schema:SchemaRegistry", resourceName, {}, opts);
    const parent = { parent: this };
    this.registry = new aws.glue.Registry(
      resourceName,
      {
        registryName: `${pulumi.getProject()}-${pulumi.getStack()}`,
        description: `Schemas of the ${pulumi.getProject()} pipeline (${pulumi.getStack()})`,
        tags: args.tags,
      },
      parent,
    );
    this.arn = this.registry.arn;
    this.autoRegistration = args.autoRegistration;
    this.name = this.registry.registryName;
    this.schemas = Object.fromEntries(
      shippedSchemas().map((s) => [
        s.name,
        new aws.glue.Schema(
          `${resourceName}-${s.name}`,
          {
            schemaName: s.name,
            registryArn: this.registry.arn,
            dataFormat: "JSON",
            compatibility: args.compatibility,
            schemaDefinition: s.definition,
            description: s.description.slice(0, 2048),
            tags: args.tags,
          },
          parent,
        ),
      ]),
    );
    this.registerOutputs({ arn: this.arn, schemaArns: this.schemaArns() });
  }

  schemaArns(): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(Object.entries(this.schemas).map(([name, s]) => [name, s.arn]));
  }

  /** The registry and every schema in it: what registering is scoped to. */
  private resources(): pulumi.Input<string>[] {
    return [this.registry.arn, ...Object.values(this.schemas).map((s) => s.arn)];
  }

  /** Lets a consumer fetch schema versions to decode records. */
  grantRead(role: aws.iam.Role, grantee: string): aws.iam.RolePolicy {
    return grant(`${this.resourceName}-read-${grantee}`, role, [SCHEMA_READ], this);
  }

  /** Lets a producer fetch schema versions, and register new ones only with auto-registration on. */
  grantProduce(role: aws.iam.Role, grantee: string): aws.iam.RolePolicy {
    return grant(
      `${this.resourceName}-produce-${grantee}`,
      role,
      [
        SCHEMA_READ,
        ...(this.args.autoRegistration
          ? [{ sid: "SchemaRegister", actions: SCHEMA_REGISTER_ACTIONS, resources: this.resources() }]
          : []),
      ],
      this,
    );
  }
}
