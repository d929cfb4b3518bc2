/**
 * Schema governance: a Glue Schema Registry with one JSON Schema (draft-07) per file in
 * schemas/, under the configured compatibility mode. Each schema is created with its file as
 * version 1; later versions are the setup function's (runtime/schemas/setup-entry.ts), which
 * the stack invokes when a file, or the function, changes: Glue checks the new definition
 * and the mode, a refusal fails `pulumi up` with the reasons (those `npm run schema:check`
 * gives before) and the difference, every version gets its provenance as version metadata,
 * and the latest version must be AVAILABLE and hold the file. Ingest and processing depend
 * on that invocation (`ready`), so they roll only onto a registry that holds their schemas.
 * Producers and consumers get read grants; registering is granted only with
 * schemaAutoRegistration on.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withAlias } from "../common/aliases";
import path from "node:path";
import { SchemaConfig } from "./schema-config";
import { grant, Statement } from "../common/grants";
import { partEnvironment } from "../common/part-environment";
import { runtimeFunction } from "../common/runtime-function";
import { schemaProvenance } from "./schema-provenance";
import { actionsOn } from "../../runtime/common/contract";
import { GRANT_PROPAGATION_WAIT_MS, REGISTRATION_WAIT_MS, SCHEMA_SETUP } from "../../runtime/schemas/setup-contract";
import { provenanceMetadata, SchemaSetupInput } from "../../runtime/schemas/setup-input";
import { SCHEMAS_DIR, shippedSchemas } from "../../runtime/schemas/shipped-schemas";

/**
 * Where the registry grants a part's Glue calls (the actions come from the part's contract).
 * Fetching schema versions is granted on "*": a call by SchemaVersionId (how every record is
 * decoded, and how a registration is awaited) names no registry or schema, and no registry-
 * or schema-scoped grant allows it; AWS's deserializer example grants it so, this one action
 * only. https://docs.aws.amazon.com/glue/latest/dg/schema-registry-gs-serde.html (IAM
 * examples for deserializers), https://github.com/awslabs/aws-glue-schema-registry/issues/68
 */
export const SCHEMA_READ_ACTIONS = ["glue:GetSchemaVersion"] as const;
/** Auto-registration's calls (find a version by definition, register one) are scoped to the registry and its schemas. */
export const SCHEMA_REGISTER_ACTIONS = ["glue:GetSchemaByDefinition", "glue:RegisterSchemaVersion"] as const;
/** Packages the setup function loads besides the compiled runtime (the compatibility check's validator). */
export const SCHEMA_SETUP_PACKAGES = ["ajv", "ajv-formats"] as const;

/** Lambda's longest timeout: 900 seconds (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
const LAMBDA_TIMEOUT_MAX_S = 900;

/** `actions` split into those granted on "*" (fetching versions) and those scoped to the registry; throws on any other. */
function schemaStatements(actions: readonly string[], scoped: pulumi.Input<string>[], grantee: string): Statement[] {
  const read = actions.filter((a) => (SCHEMA_READ_ACTIONS as readonly string[]).includes(a));
  const register = actions.filter((a) => (SCHEMA_REGISTER_ACTIONS as readonly string[]).includes(a));
  const other = actions.filter((a) => !read.includes(a) && !register.includes(a));
  if (other.length > 0) throw new Error(`the schema registry grants no ${other.join(", ")} (asked for ${grantee})`);
  return [
    ...(read.length > 0 ? [{ sid: "SchemaRead", actions: read, resources: ["*"] }] : []),
    ...(register.length > 0 ? [{ sid: "SchemaRegister", actions: register, resources: scoped }] : []),
  ];
}

export interface SchemaRegistryArgs extends SchemaConfig {
  /** The folder of schema files, inside the repository they come from (default: this repository's schemas/). */
  schemasDir?: string;
}

export class SchemaRegistry extends pulumi.ComponentResource {
  readonly registry: aws.glue.Registry;
  readonly schemas: Record<string, aws.glue.Schema>;
  readonly arn: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly autoRegistration: boolean;
  readonly setupFunction: aws.lambda.CallbackFunction<unknown, unknown>;
  /** Done once the latest version of every schema holds its file: what the services depend on. */
  readonly ready: aws.lambda.Invocation;

  constructor(
    private readonly resourceName: string,
    args: SchemaRegistryArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(
      "kinesis-pipeline:schemas:SchemaRegistry",
      resourceName,
      {},
      withAlias(opts, "kinesis-pipeline:schema:SchemaRegistry"),
    );
    const parent = { parent: this };
    const registryName = `${pulumi.getProject()}-${pulumi.getStack()}`;
    this.registry = new aws.glue.Registry(
      resourceName,
      {
        registryName,
        description: `Schemas of the ${pulumi.getProject()} pipeline (${pulumi.getStack()})`,
      },
      parent,
    );
    this.arn = this.registry.arn;
    this.autoRegistration = args.autoRegistration;
    this.name = this.registry.registryName;
    const schemasDir = args.schemasDir ?? SCHEMAS_DIR;
    const shipped = shippedSchemas(schemasDir);
    this.schemas = Object.fromEntries(
      shipped.map((s) => [
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
          },
          // Version 1 comes from the file; later versions are the setup function's, which explains a refusal.
          { parent: this, ignoreChanges: ["schemaDefinition"] },
        ),
      ]),
    );
    const input: SchemaSetupInput = {
      registryName,
      compatibility: args.compatibility,
      schemas: shipped.map(({ name, definition }) => {
        const provenance = schemaProvenance(
          path.dirname(schemasDir),
          path.join(schemasDir, `${name}.json`),
          definition,
        );
        // Refused here, at preview, rather than by Glue halfway through a deploy.
        provenanceMetadata(provenance);
        return { name, definition, provenance };
      }),
    };
    ({ function: this.setupFunction, invocation: this.ready } = this.setUp(input));
    this.registerOutputs({ arn: this.arn, schemaArns: this.schemaArns() });
  }

  /**
   * The setup function, its grants, and its invocation: again whenever a schema file (its
   * text or provenance), a schema, the registry or the function's code changes.
   */
  private setUp(input: SchemaSetupInput) {
    const name = `${this.resourceName}-setup`;
    // Lambda sets its one variable (the region); its registry and schemas come in the event.
    const environment = partEnvironment(SCHEMA_SETUP, {});
    const setup = runtimeFunction(
      name,
      {
        environment,
        packages: SCHEMA_SETUP_PACKAGES,
        memorySize: 256,
        // The grant may take its whole wait to reach Glue, and each schema's latest version and then its new one
        // may stay PENDING for the whole wait.
        timeout: Math.min(
          LAMBDA_TIMEOUT_MAX_S,
          30 + (GRANT_PROPAGATION_WAIT_MS + 2 * input.schemas.length * REGISTRATION_WAIT_MS) / 1000,
        ),
      },
      this,
    );
    // Its calls on a schema each name the registry and the schema (and a version by number,
    // never by SchemaVersionId): the Service Authorization Reference for AWS Glue lists the
    // registry and schema resource types for each, so their ARNs authorize them.
    // CheckSchemaVersionValidity names neither, and the reference lists no resource type for
    // it, so only "Resource": "*" does.
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglue.html
    const policy = grant(
      `${name}-glue`,
      setup.role,
      [
        {
          sid: "SchemaSetup",
          actions: actionsOn(SCHEMA_SETUP, "schema", environment.variables),
          resources: this.resources(),
        },
        { sid: "SchemaValidity", actions: actionsOn(SCHEMA_SETUP, "*", environment.variables), resources: ["*"] },
      ],
      this,
    );
    const invocation = new aws.lambda.Invocation(
      name,
      {
        functionName: setup.function.name,
        input: JSON.stringify(input),
        triggers: {
          code: setup.function.sourceCodeHash,
          registry: this.registry.arn,
          ...Object.fromEntries(
            input.schemas.map((s) => [
              `schema-${s.name}`,
              pulumi.interpolate`${this.schemas[s.name].arn} ${s.provenance.fileSha256}`,
            ]),
          ),
        },
      },
      // Its calls need its grant in place; the schemas must exist (version 1) first.
      { parent: this, dependsOn: [policy, ...Object.values(this.schemas)] },
    );
    return { function: setup.function, invocation };
  }

  schemaArns(): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(Object.entries(this.schemas).map(([name, s]) => [name, s.arn]));
  }

  /** The registry and every schema in it: what registering is scoped to. */
  private resources(): pulumi.Input<string>[] {
    return [this.registry.arn, ...Object.values(this.schemas).map((s) => s.arn)];
  }

  /** Lets a consumer make `actions`, its contract's Glue calls: fetching schema versions to decode records. */
  grantRead(role: aws.iam.Role, grantee: string, actions: readonly string[]): aws.iam.RolePolicy {
    return grant(
      `${this.resourceName}-read-${grantee}`,
      role,
      schemaStatements(actions, this.resources(), grantee),
      this,
    );
  }

  /**
   * Lets a producer make `actions`, its contract's Glue calls: fetching schema versions, and
   * registering new ones where its environment turns auto-registration on.
   */
  grantProduce(role: aws.iam.Role, grantee: string, actions: readonly string[]): aws.iam.RolePolicy {
    return grant(
      `${this.resourceName}-produce-${grantee}`,
      role,
      schemaStatements(actions, this.resources(), grantee),
      this,
    );
  }
}
