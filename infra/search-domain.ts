/**
 * The search domain: an Amazon OpenSearch Service domain where the hot-spot job's results
 * land, with Dashboards to see them, as in the reference architecture, but locked down:
 * encrypted at rest and between nodes, HTTPS only with TLS 1.2+, and an access policy that
 * admits the configured client CIDR (browsers opening Dashboards) and the roles granted
 * here, nobody else. A setup function (runtime/search/setup-entry.ts) puts the index
 * templates and the Dashboards objects once the domain and its policy exist.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SearchConfig } from "./config";
import { grant } from "./grants";
import { runtimeFunction } from "./runtime-function";
import { TLS_SECURITY_POLICY } from "./search-limits";
import { SetupInput } from "../runtime/search/setup";

/** What the setup function calls: PUT index templates, POST saved objects. */
export const SEARCH_SETUP_ACTIONS = ["es:ESHttpPut", "es:ESHttpPost"] as const;
/** What a writer of documents calls: bulk and single writes, and the checks clients make first. */
export const SEARCH_WRITE_ACTIONS = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut"] as const;
/**
 * What a browser at the client CIDR needs: Dashboards and the queries it sends (GET, POST
 * for searches, PUT/DELETE when a user saves or removes a visualization). Unsigned: the
 * CIDR condition is the only check, hence the narrow CIDR the config insists on.
 */
export const SEARCH_CLIENT_ACTIONS = ["es:ESHttp*"] as const;

/** Packages the setup function loads besides the compiled runtime. */
export const SETUP_FUNCTION_PACKAGES = ["@opensearch-project/opensearch"] as const;

export interface SearchDomainArgs extends SearchConfig {
  /** The job's geohash precision: the Dashboards map draws the job's cells. */
  geohashPrecision: number;
  logRetentionDays: number;
  tags: Record<string, string>;
}

interface Grantee {
  role: aws.iam.Role;
  actions: readonly string[];
}

export class SearchDomain extends pulumi.ComponentResource {
  readonly domain: aws.opensearch.Domain;
  readonly setupFunction: aws.lambda.CallbackFunction<unknown, unknown>;
  readonly dashboardsUrl: pulumi.Output<string>;
  private readonly grantees: Grantee[] = [];
  private readonly setupInput: SetupInput;
  private policy?: aws.opensearch.DomainPolicy;

  constructor(
    private readonly resourceName: string,
    private readonly args: SearchDomainArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("kinesis-pipeline:search:SearchDomain", resourceName, {}, opts);
    const parent = { parent: this };
    // Two or more nodes: spread over two zones, each index with a replica on the other.
    const multiZone = args.instanceCount >= 2;
    this.domain = new aws.opensearch.Domain(
      resourceName,
      {
        engineVersion: args.engineVersion,
        clusterConfig: {
          instanceType: args.instanceType,
          instanceCount: args.instanceCount,
          zoneAwarenessEnabled: multiZone,
          ...(multiZone ? { zoneAwarenessConfig: { availabilityZoneCount: 2 } } : {}),
        },
        ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: args.volumeGb },
        encryptAtRest: { enabled: true },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: TLS_SECURITY_POLICY },
        tags: args.tags,
      },
      parent,
    );
    this.dashboardsUrl = pulumi.interpolate`https://${this.domain.dashboardEndpoint}`;
    // A replica needs a second node to live on: none on a one-node domain (it would stay yellow).
    this.setupInput = { replicas: multiZone ? 1 : 0, geohashPrecision: args.geohashPrecision };
    this.setupFunction = this.createSetupFunction();
    this.registerOutputs({ dashboardsUrl: this.dashboardsUrl, endpoint: this.domain.endpoint });
  }

  /**
   * Lets a role send HTTP requests to the domain: its own policy gets the actions on the
   * domain's paths, and the domain's access policy names it. Call before `writeAccessPolicy`.
   */
  grantHttp(name: string, role: aws.iam.Role, actions: readonly string[] = SEARCH_WRITE_ACTIONS): void {
    if (this.policy) throw new Error(`grantHttp(${name}) after the access policy was written: grant first`);
    this.grantees.push({ role, actions });
    grant(name, role, [{ sid: "SearchHttp", actions, resources: [this.paths()] }], this);
  }

  /**
   * Writes the domain's access policy: the client CIDR and every role granted so far, no
   * one else. Once, after the last grant; the setup function runs when it is in place.
   */
  writeAccessPolicy(): aws.opensearch.DomainPolicy {
    if (this.policy) throw new Error("the search domain's access policy is written once");
    const paths = this.paths();
    const statements = [
      ...this.grantees.map(({ role, actions }) => ({
        Effect: "Allow",
        Principal: { AWS: role.arn },
        Action: [...actions],
        Resource: paths,
      })),
      {
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: [...SEARCH_CLIENT_ACTIONS],
        Resource: paths,
        Condition: { IpAddress: { "aws:SourceIp": [this.args.clientCidr] } },
      },
    ];
    this.policy = new aws.opensearch.DomainPolicy(
      this.resourceName,
      {
        domainName: this.domain.domainName,
        accessPolicies: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }),
      },
      { parent: this },
    );
    new aws.lambda.Invocation(
      `${this.resourceName}-setup`,
      {
        functionName: this.setupFunction.name,
        input: JSON.stringify(this.setupInput),
        // Runs again when what it sets up changes (the objects' code or the domain).
        triggers: {
          input: JSON.stringify(this.setupInput),
          domain: this.domain.arn,
          code: this.setupFunction.sourceCodeHash,
        },
      },
      { parent: this, dependsOn: [this.policy] },
    );
    return this.policy;
  }

  /** Every path of the domain: HTTP actions are granted on `<domain arn>/*`. */
  private paths(): pulumi.Output<string> {
    return pulumi.interpolate`${this.domain.arn}/*`;
  }

  private createSetupFunction(): aws.lambda.CallbackFunction<unknown, unknown> {
    const name = `${this.resourceName}-setup`;
    const setup = runtimeFunction(
      name,
      {
        module: "searchSetupLambda",
        packages: SETUP_FUNCTION_PACKAGES,
        environment: { SEARCH_ENDPOINT: this.domain.endpoint },
        memorySize: 256,
        // A new domain's Dashboards can answer 503 for a while: the setup waits up to 100 s.
        timeout: 180,
        logRetentionDays: this.args.logRetentionDays,
        tags: this.args.tags,
      },
      this,
    );
    this.grantHttp(name, setup.role, SEARCH_SETUP_ACTIONS);
    return setup.function;
  }
}
