/**
 * The search domain: an Amazon OpenSearch Service domain where the hot-spot job's results
 * land, with Dashboards to see them, as in the reference architecture, but locked down:
 * encrypted at rest and between nodes, HTTPS only with TLS 1.2+, and fine-grained access
 * control, so every request carries a credential. People log in to Dashboards as the
 * master user, whose generated password the stack keeps in Secrets Manager; the pipeline's
 * IAM roles sign their requests and are mapped to the least OpenSearch role they need.
 * Audit and error logs go to CloudWatch Logs. A setup function (runtime/search/setup-entry.ts)
 * puts the roles, their mappings, the audit configuration, the index templates and the
 * Dashboards objects once the domain and its access policy exist.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SearchConfig } from "./search-config";
import { grant } from "../common/grants";
import { partEnvironment } from "../common/part-environment";
import { runtimeFunction } from "../common/runtime-function";
import { MASTER_PASSWORD, TLS_SECURITY_POLICY } from "./search-limits";
import { actionsOn, unsignedActionsOn } from "../../runtime/common/contract";
import { SEARCH_ROLE_NAMES, SearchRoleName, SETUP_ROLE } from "../../runtime/search/search-roles";
import { MasterUser, SEARCH_SETUP, SetupInput } from "../../runtime/search/setup-contract";
/**
 * What a browser at the client CIDR needs: the Dashboards login and everything Dashboards
 * sends once logged in. Unsigned at the access policy; fine-grained access control then
 * asks every request for the user's name and password (401 without them).
 */
export const SEARCH_CLIENT_ACTIONS = ["es:ESHttp*"] as const;
/**
 * Where the master user's calls from the setup function go (its contract's unsigned calls:
 * PUT, nothing else): the security plugin's REST API. They use HTTP basic authentication,
 * which the access policy sees as anonymous, and a Lambda has no fixed address a CIDR could
 * name; so this path is open at the policy and closed by fine-grained access control:
 * without credentials 401, with any user but the master 403 (only it holds
 * security_manager), and every failed login lands in the audit log.
 */
export const SECURITY_API_PATH = "_plugins/_security/api/*";
/**
 * What OpenSearch Service needs on its log groups, granted by a CloudWatch Logs resource
 * policy (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/createdomain-configure-slow-logs.html).
 */
export const SEARCH_LOG_WRITE_ACTIONS = ["logs:PutLogEvents", "logs:CreateLogStream"] as const;

/** The master user's name: the Dashboards login (its password is generated). */
export const MASTER_USER_NAME = "search-admin";

/** Packages the setup function loads besides the compiled runtime (the SDK comes with Lambda). */
export const SETUP_FUNCTION_PACKAGES = ["@opensearch-project/opensearch"] as const;

export interface SearchDomainArgs extends SearchConfig {
  /** The job's geohash precision: the Dashboards map draws the job's cells. */
  geohashPrecision: number;
}

/** How a role may call the domain: its IAM actions, and the OpenSearch role it is mapped to. */
export interface SearchAccess {
  actions: readonly string[];
  searchRole: SearchRoleName;
}

interface Grantee extends SearchAccess {
  role: aws.iam.Role;
}

export class SearchDomain extends pulumi.ComponentResource {
  readonly domain: aws.opensearch.Domain;
  readonly setupFunction: aws.lambda.CallbackFunction<unknown, unknown>;
  readonly dashboardsUrl: pulumi.Output<string>;
  /** The master user's name and password (JSON): the Dashboards login. */
  readonly masterUserSecret: aws.secretsmanager.Secret;
  /** Audit logs (logins, refusals, security changes) and error logs, in CloudWatch Logs. */
  readonly auditLogs: aws.cloudwatch.LogGroup;
  readonly errorLogs: aws.cloudwatch.LogGroup;
  private readonly grantees: Grantee[] = [];
  /** The setup function's grants: it runs only once they are in place. */
  private readonly setupGrants: aws.iam.RolePolicy[] = [];
  private policy?: aws.opensearch.DomainPolicy;
  /** What the setup function sends unsigned, as the master user, to the security API (its contract's). */
  private securityApiActions: string[] = [];

  constructor(
    private readonly resourceName: string,
    private readonly args: SearchDomainArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("kinesis-pipeline:search:SearchDomain", resourceName, {}, opts);
    const parent = { parent: this };
    this.masterUserSecret = new aws.secretsmanager.Secret(
      `${resourceName}-master-user`,
      {
        description: "Master user of the pipeline's OpenSearch domain: the Dashboards login (JSON username, password)",
      },
      parent,
    );
    const master = this.masterUser();
    ({ audit: this.auditLogs, error: this.errorLogs } = this.logGroups());
    const logsPolicy = this.logPublishingPolicy([this.auditLogs, this.errorLogs]);

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
        // Fine-grained access control needs all three of these (fgac.html, "Enabling").
        encryptAtRest: { enabled: true },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: TLS_SECURITY_POLICY },
        advancedSecurityOptions: {
          enabled: true,
          // No anonymous access: a request without credentials gets 401.
          anonymousAuthEnabled: false,
          // The internal user database gives Dashboards its login page (basic authentication).
          internalUserDatabaseEnabled: true,
          masterUserOptions: {
            masterUserName: master.username,
            masterUserPassword: master.password,
          },
        },
        logPublishingOptions: [
          { logType: "AUDIT_LOGS", cloudwatchLogGroupArn: this.auditLogs.arn, enabled: true },
          { logType: "ES_APPLICATION_LOGS", cloudwatchLogGroupArn: this.errorLogs.arn, enabled: true },
        ],
      },
      // The service checks at creation that it may write to the log groups.
      { parent: this, dependsOn: [logsPolicy] },
    );
    this.dashboardsUrl = pulumi.interpolate`https://${this.domain.dashboardEndpoint}`;
    this.setupFunction = this.createSetupFunction();
    this.registerOutputs({
      dashboardsUrl: this.dashboardsUrl,
      endpoint: this.domain.endpoint,
      masterUserSecretArn: this.masterUserSecret.arn,
    });
  }

  /**
   * Lets a role send HTTP requests to the domain: its own policy gets the actions on the
   * domain's paths, the domain's access policy names it, and the setup maps its ARN to
   * `access.searchRole`. Call before `writeAccessPolicy`.
   */
  grantHttp(name: string, role: aws.iam.Role, access: SearchAccess): aws.iam.RolePolicy {
    if (this.policy) throw new Error(`grantHttp(${name}) after the access policy was written: grant first`);
    this.grantees.push({ role, ...access });
    return grant(name, role, [{ sid: "SearchHttp", actions: access.actions, resources: [this.paths()] }], this);
  }

  /**
   * Writes the domain's access policy: every role granted so far (signed), the client CIDR
   * (browsers, unsigned) and the master user's path to the security API; fine-grained
   * access control authenticates each of them. Once, after the last grant; then invokes
   * the setup function, which maps the granted roles.
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
      {
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: [...this.securityApiActions],
        Resource: pulumi.interpolate`${this.domain.arn}/${SECURITY_API_PATH}`,
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
    const input = pulumi.jsonStringify(this.setupInput());
    new aws.lambda.Invocation(
      `${this.resourceName}-setup`,
      {
        functionName: this.setupFunction.name,
        input,
        // Runs again when what it sets up changes (the objects' code, the roles or the domain).
        triggers: { input, domain: this.domain.arn, code: this.setupFunction.sourceCodeHash },
      },
      { parent: this, dependsOn: [this.policy, ...this.setupGrants] },
    );
    return this.policy;
  }

  private setupInput(): pulumi.Output<SetupInput> {
    // A replica needs a second node to live on: none on a one-node domain (it would stay yellow).
    const replicas = this.args.instanceCount >= 2 ? 1 : 0;
    const backendRoles = pulumi
      .all(
        SEARCH_ROLE_NAMES.map((name) =>
          pulumi.all(this.grantees.filter((g) => g.searchRole === name).map((g) => g.role.arn)),
        ),
      )
      .apply(
        (arns) => Object.fromEntries(SEARCH_ROLE_NAMES.map((name, i) => [name, arns[i]])) as SetupInput["backendRoles"],
      );
    return pulumi.output({ replicas, geohashPrecision: this.args.geohashPrecision, backendRoles });
  }

  /** Every path of the domain: HTTP actions are granted on `<domain arn>/*`. */
  private paths(): pulumi.Output<string> {
    return pulumi.interpolate`${this.domain.arn}/*`;
  }

  /**
   * The master user, generated once: Secrets Manager's GetRandomPassword runs at every
   * deploy, so the secret keeps the first value (ignoreChanges) and the domain takes its
   * master user from the secret, never from the generator: the two cannot drift apart.
   * The value is a Pulumi secret, encrypted in the stack's state as well.
   */
  private masterUser(): { username: pulumi.Output<string>; password: pulumi.Output<string> } {
    const generated = aws.secretsmanager.getRandomPasswordOutput(
      {
        passwordLength: MASTER_PASSWORD.length,
        excludeCharacters: MASTER_PASSWORD.excludeCharacters,
        requireEachIncludedType: true,
      },
      { parent: this },
    );
    const version = new aws.secretsmanager.SecretVersion(
      `${this.resourceName}-master-user`,
      {
        secretId: this.masterUserSecret.id,
        secretString: pulumi.secret(
          pulumi.jsonStringify({ username: MASTER_USER_NAME, password: generated.randomPassword } satisfies Record<
            keyof MasterUser,
            unknown
          >),
        ),
      },
      { parent: this, ignoreChanges: ["secretString"] },
    );
    const stored = version.secretString.apply((text) => JSON.parse(text ?? "{}") as MasterUser);
    // The name is no secret (docs/search.md prints it); the password stays one.
    return { username: pulumi.unsecret(stored.username), password: pulumi.secret(stored.password) };
  }

  /** One log group per log type, as AWS advises, with the stack's retention. */
  private logGroups(): { audit: aws.cloudwatch.LogGroup; error: aws.cloudwatch.LogGroup } {
    const group = (kind: string) => new aws.cloudwatch.LogGroup(`${this.resourceName}-${kind}`, {}, { parent: this });
    return { audit: group("audit"), error: group("errors") };
  }

  /**
   * Lets OpenSearch Service write to exactly these log groups, for domains of this account
   * and region (the confused-deputy conditions AWS recommends; the domain's own ARN is not
   * known before the domain, and the service checks the policy when it creates it). An
   * account holds 10 such policies per region: this stack uses one.
   */
  private logPublishingPolicy(groups: aws.cloudwatch.LogGroup[]): aws.cloudwatch.LogResourcePolicy {
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const region = aws.getRegionOutput({}, parent).region;
    const partition = aws.getPartitionOutput({}, parent).partition;
    return new aws.cloudwatch.LogResourcePolicy(
      `${this.resourceName}-logs`,
      {
        policyName: pulumi.interpolate`${groups[0].name}-publishing`,
        policyDocument: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "OpenSearchLogs",
              Effect: "Allow",
              Principal: { Service: "es.amazonaws.com" },
              Action: [...SEARCH_LOG_WRITE_ACTIONS],
              Resource: groups.map((g) => pulumi.interpolate`${g.arn}:*`),
              Condition: {
                StringEquals: { "aws:SourceAccount": account },
                ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${partition}:es:${region}:${account}:domain/*` },
              },
            },
          ],
        }),
      },
      parent,
    );
  }

  private createSetupFunction(): aws.lambda.CallbackFunction<unknown, unknown> {
    const name = `${this.resourceName}-setup`;
    const environment = partEnvironment(SEARCH_SETUP, {
      SEARCH_ENDPOINT: this.domain.endpoint,
      SEARCH_MASTER_USER_SECRET: this.masterUserSecret.arn,
    });
    const env = environment.variables;
    this.securityApiActions = unsignedActionsOn(SEARCH_SETUP, "domain", env);
    const setup = runtimeFunction(
      name,
      {
        environment,
        packages: SETUP_FUNCTION_PACKAGES,
        memorySize: 256,
        // A new domain's Dashboards can answer 503 for a while: the setup waits up to 100 s.
        timeout: 180,
      },
      this,
    );
    // Exactly its contract's calls: signed, on the domain's paths (PUT templates, POST saved
    // objects); on the master user's secret, which is encrypted with the account's
    // aws/secretsmanager key, for which GetSecretValue needs no kms:Decrypt
    // (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html).
    this.setupGrants.push(
      this.grantHttp(name, setup.role, { actions: actionsOn(SEARCH_SETUP, "domain", env), searchRole: SETUP_ROLE }),
      grant(
        `${name}-master-user`,
        setup.role,
        [
          {
            sid: "MasterUserSecret",
            actions: actionsOn(SEARCH_SETUP, "masterUserSecret", env),
            resources: [this.masterUserSecret.arn],
          },
        ],
        this,
      ),
    );
    return setup.function;
  }
}
