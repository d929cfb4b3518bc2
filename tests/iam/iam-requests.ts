/**
 * What IAM authorizes for each call the runtime makes: the action and the resource ARN,
 * per service and operation, from the Service Authorization Reference (SAR), plus the
 * requests a service makes with the caller's permissions on its behalf (Kinesis using the
 * stream's KMS key). One table per service; a call without an entry fails the check, so a
 * new operation joins it here with its reference.
 */
import { PolicyDocument } from "./policy-document";

/** One authorization IAM performs for a call. */
export interface IamRequest {
  action: string;
  /** An ARN, or "*": the call names no resource IAM can scope to (only `Resource: "*"` allows it). */
  resource: string;
  /** Request context a condition may test, as the real call carries it. */
  context?: Record<string, string>;
  /** The resource's own policy, where AWS requires one to allow too (a KMS key policy). */
  resourcePolicy?: PolicyDocument;
  /** Why this request when it is not the call itself. */
  via?: string;
  /** Made by a service with the caller's permissions (Kinesis using the stream's key), not by the call's own code. */
  behalf?: true;
  /**
   * An unsigned request: IAM sees no principal, so no policy of the part's role takes part;
   * only the resource's own policy (`resourcePolicy`) can allow it, for anyone.
   */
  anonymous?: true;
}

/** The plan's side of a call: its names already translated to the plan's (bridge.ts). */
export interface PlannedNames {
  region: string;
  account: string;
  /** The call's resource names, with the plan's values. */
  names: Record<string, string | string[]>;
  /** OpenSearch: the request's path. */
  path?: string;
  /** OpenSearch: "basic" when the request carried a user's name and password instead of a signature. */
  auth?: "basic";
  /** The stream's KMS key and that key's policy, for a stream of the plan. */
  streamKey(streamArn: string): { keyArn: string; keyPolicy: PolicyDocument } | undefined;
  /** The domain ARN of an OpenSearch endpoint of the plan. */
  domainArn(endpoint: string): string | undefined;
  /** The access policy the plan gives that domain. */
  domainPolicy(endpoint: string): PolicyDocument | undefined;
}

type Mapping = (p: PlannedNames) => IamRequest[];

/** A mapping could not be built from the call: the message says what is missing. */
export class MappingError extends Error {}

function name(p: PlannedNames, field: string): string {
  const value = p.names[field];
  if (typeof value !== "string") throw new MappingError(`the call carries no ${field}`);
  return value;
}

// Resource ARN formats, from each service's "Resource types defined by ..." table of the SAR.

/** https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonkinesis.html */
function streamArn(p: PlannedNames): string {
  if (typeof p.names.StreamARN === "string") return p.names.StreamARN;
  if (typeof p.names.ConsumerARN === "string") return p.names.ConsumerARN.split("/consumer/")[0];
  return `arn:aws:kinesis:${p.region}:${p.account}:stream/${name(p, "StreamName")}`;
}

/**
 * Kinesis calls KMS with the caller's credentials for a stream encrypted with a customer
 * managed key: kms:GenerateDataKey to write, kms:Decrypt to read, with the stream ARN as the
 * encryption context ("aws:kinesis:arn").
 * https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html
 */
function streamKey(action: "kms:GenerateDataKey" | "kms:Decrypt", p: PlannedNames): IamRequest[] {
  const stream = streamArn(p);
  const key = p.streamKey(stream);
  if (!key) throw new MappingError(`the plan has no KMS key for ${stream}`);
  return [
    {
      action,
      resource: key.keyArn,
      context: { "kms:EncryptionContext:aws:kinesis:arn": stream },
      resourcePolicy: key.keyPolicy,
      via: `Kinesis uses the stream's key for the call`,
      behalf: true,
    },
  ];
}

const onStream =
  (action: string, key?: "kms:GenerateDataKey" | "kms:Decrypt"): Mapping =>
  (p) => [{ action, resource: streamArn(p) }, ...(key ? streamKey(key, p) : [])];

/** SubscribeToShard and DescribeStreamConsumer act on the consumer's ARN (SAR: resource type "consumer"). */
const onConsumer =
  (action: string, key?: "kms:Decrypt"): Mapping =>
  (p) => [{ action, resource: name(p, "ConsumerARN") }, ...(key ? streamKey(key, p) : [])];

/** https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html */
const onTable =
  (action: string): Mapping =>
  (p) => [{ action, resource: `arn:aws:dynamodb:${p.region}:${p.account}:table/${name(p, "TableName")}` }];

/**
 * Glue schema registry calls that name a schema are authorized on the registry and on the
 * schema (SAR: resource types "registry" and "schema"; AWS's serializer example grants both:
 * https://docs.aws.amazon.com/glue/latest/dg/schema-registry-gs-serde.html). GetSchemaVersion by
 * SchemaVersionId names neither, and only `Resource: "*"` allows it (AWS's deserializer
 * example; https://github.com/awslabs/aws-glue-schema-registry/issues/68).
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglue.html
 */
const onSchema =
  (action: string): Mapping =>
  (p) => {
    if (typeof p.names.SchemaVersionId === "string") return [{ action, resource: "*" }];
    const registry = name(p, "SchemaId.RegistryName");
    return [
      { action, resource: `arn:aws:glue:${p.region}:${p.account}:registry/${registry}` },
      {
        action,
        resource: `arn:aws:glue:${p.region}:${p.account}:schema/${registry}/${name(p, "SchemaId.SchemaName")}`,
      },
    ];
  };

/** https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html */
const onAlarm =
  (action: string): Mapping =>
  (p) => [{ action, resource: `arn:aws:cloudwatch:${p.region}:${p.account}:alarm:${name(p, "AlarmName")}` }];
/**
 * Actions the SAR gives no resource type (GetMetricData, Kinesis's account-wide DescribeLimits,
 * Glue's CheckSchemaVersionValidity): granted on "*".
 */
const onNothing =
  (action: string): Mapping =>
  () => [{ action, resource: "*" }];

/** https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmanagedserviceforapacheflink.html */
const onApplication =
  (action: string): Mapping =>
  (p) => [
    {
      action,
      resource: `arn:aws:kinesisanalytics:${p.region}:${p.account}:application/${name(p, "ApplicationName")}`,
    },
  ];

/**
 * The secret a call names (SAR resource type "Secret", required for GetSecretValue). IAM
 * authorizes on the secret's full ARN, whose last six characters Secrets Manager makes up:
 * a call by the secret's bare name could not be mapped to it, so the parts name secrets by ARN.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
 */
const onSecret =
  (action: string): Mapping =>
  (p) => {
    const secret = name(p, "SecretId");
    if (!secret.startsWith("arn:")) {
      throw new MappingError(`the call names the secret ${secret} by name: IAM authorizes on its ARN, name it by ARN`);
    }
    return [{ action, resource: secret }];
  };

/**
 * OpenSearch HTTP requests: es:ESHttp<Method> on <domain ARN>/<path>.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonopensearchservice.html
 * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ac.html
 *
 * A request with HTTP basic authentication (the master user's name and password, which the
 * search setup function sends to the security plugin's REST API) is not signed: IAM sees an
 * anonymous request, so the part's role neither allows nor needs an action for it, and no
 * grant of the role may claim it. What must allow it is the domain's access policy, for an
 * anonymous caller ("a resource-based policy ... allows anonymous access", ac.html); the
 * security plugin then authenticates the user (fgac.html). So it is asked of that policy alone.
 * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/fgac.html
 */
const onDomainPath =
  (action: string): Mapping =>
  (p) => {
    const endpoint = name(p, "Endpoint");
    const domain = p.domainArn(endpoint);
    if (!domain) throw new MappingError(`the plan has no OpenSearch domain at ${endpoint}`);
    const resource = `${domain}${p.path ?? "/"}`;
    if (p.auth !== "basic") return [{ action, resource }];
    const policy = p.domainPolicy(endpoint);
    if (!policy) throw new MappingError(`the plan gives the OpenSearch domain at ${endpoint} no access policy`);
    return [
      {
        action,
        resource,
        anonymous: true,
        resourcePolicy: policy,
        via: "unsigned (the master user's basic authentication): the domain's access policy must admit it",
      },
    ];
  };

/**
 * An object's ARN is arn:aws:s3:::<bucket>/<key> (SAR resource type "object"); PutObject and
 * GetObject need s3:PutObject and s3:GetObject on it, a conditional write (If-None-Match)
 * nothing more. The KMS requests S3 makes for an SSE-KMS bucket are granted with a `usedBy`
 * (infra/lake/lake-storage.ts): the check does not ask them here.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
const onObject =
  (action: string): Mapping =>
  (p) => [{ action, resource: `arn:aws:s3:::${name(p, "Bucket")}/${name(p, "Key")}` }];

/**
 * Listing a bucket's keys (ListObjectsV2) is s3:ListBucket on the bucket (SAR resource type
 * "bucket"), whatever the prefix; HeadObject is authorized as s3:GetObject on the object
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html, Permissions).
 */
const onBucket =
  (action: string): Mapping =>
  (p) => [{ action, resource: `arn:aws:s3:::${name(p, "Bucket")}` }];

/** By the SDK's service id (the client's config.serviceId), then the operation. */
export const IAM_REQUESTS: Record<string, Record<string, Mapping>> = {
  Kinesis: {
    PutRecords: onStream("kinesis:PutRecords", "kms:GenerateDataKey"),
    PutRecord: onStream("kinesis:PutRecord", "kms:GenerateDataKey"),
    ListShards: onStream("kinesis:ListShards"),
    GetShardIterator: onStream("kinesis:GetShardIterator"),
    GetRecords: onStream("kinesis:GetRecords", "kms:Decrypt"),
    DescribeStream: onStream("kinesis:DescribeStream"),
    DescribeStreamSummary: onStream("kinesis:DescribeStreamSummary"),
    UpdateShardCount: onStream("kinesis:UpdateShardCount"),
    DescribeLimits: onNothing("kinesis:DescribeLimits"),
    ListTagsForStream: onStream("kinesis:ListTagsForStream"),
    AddTagsToStream: onStream("kinesis:AddTagsToStream"),
    SubscribeToShard: onConsumer("kinesis:SubscribeToShard", "kms:Decrypt"),
    DescribeStreamConsumer: onConsumer("kinesis:DescribeStreamConsumer"),
  },
  DynamoDB: {
    Scan: onTable("dynamodb:Scan"),
    PutItem: onTable("dynamodb:PutItem"),
    UpdateItem: onTable("dynamodb:UpdateItem"),
    GetItem: onTable("dynamodb:GetItem"),
    DeleteItem: onTable("dynamodb:DeleteItem"),
    CreateTable: onTable("dynamodb:CreateTable"),
    DescribeTable: onTable("dynamodb:DescribeTable"),
  },
  Glue: {
    GetSchemaVersion: onSchema("glue:GetSchemaVersion"),
    GetSchemaByDefinition: onSchema("glue:GetSchemaByDefinition"),
    RegisterSchemaVersion: onSchema("glue:RegisterSchemaVersion"),
    GetSchemaVersionsDiff: onSchema("glue:GetSchemaVersionsDiff"),
    DeleteSchemaVersions: onSchema("glue:DeleteSchemaVersions"),
    QuerySchemaVersionMetadata: onSchema("glue:QuerySchemaVersionMetadata"),
    PutSchemaVersionMetadata: onSchema("glue:PutSchemaVersionMetadata"),
    // It names no registry or schema (a definition and its format): the SAR gives it no resource type.
    CheckSchemaVersionValidity: onNothing("glue:CheckSchemaVersionValidity"),
  },
  "Secrets Manager": {
    GetSecretValue: onSecret("secretsmanager:GetSecretValue"),
  },
  CloudWatch: {
    GetMetricData: onNothing("cloudwatch:GetMetricData"),
    PutMetricAlarm: onAlarm("cloudwatch:PutMetricAlarm"),
  },
  "Kinesis Analytics V2": {
    DescribeApplication: onApplication("kinesisanalytics:DescribeApplication"),
    UpdateApplication: onApplication("kinesisanalytics:UpdateApplication"),
  },
  S3: {
    PutObject: onObject("s3:PutObject"),
    GetObject: onObject("s3:GetObject"),
    HeadObject: onObject("s3:GetObject"),
    // The lake compactor's tags for expiry (runtime/lake/compaction/).
    PutObjectTagging: onObject("s3:PutObjectTagging"),
    // A listing is s3:ListBucket on the bucket (SAR resource type "bucket", arn:aws:s3:::<bucket>).
    ListObjectsV2: onBucket("s3:ListBucket"),
  },
  es: {
    GET: onDomainPath("es:ESHttpGet"),
    HEAD: onDomainPath("es:ESHttpHead"),
    POST: onDomainPath("es:ESHttpPost"),
    PUT: onDomainPath("es:ESHttpPut"),
    DELETE: onDomainPath("es:ESHttpDelete"),
    PATCH: onDomainPath("es:ESHttpPatch"),
  },
};

/** The IAM requests of one call; throws a MappingError naming what is missing. */
export function iamRequests(service: string, operation: string, planned: PlannedNames): IamRequest[] {
  const mapping = IAM_REQUESTS[service]?.[operation];
  if (!mapping) {
    throw new MappingError(
      `no IAM mapping for ${service} ${operation}: add it to tests/iam/iam-requests.ts with its Service Authorization Reference entry`,
    );
  }
  return mapping(planned);
}
