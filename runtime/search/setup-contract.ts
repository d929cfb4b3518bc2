/**
 * The search setup function's contract: a Lambda the stack invokes once the domain and its
 * access policy exist, with SetupInput as its event. As the master user (its name and
 * password from a secret) it puts the pipeline's OpenSearch roles and their mappings; as
 * its own role, signed, the index templates and the Dashboards objects.
 */
import { defineContract } from "../common/contract";
import { matching } from "../common/env";
import { SearchRoleName } from "./search-roles";
import { SEARCH_FUNCTION_VARIABLES } from "./search-variables";

/** The event the stack invokes the function with. */
export interface SetupInput {
  /** Replicas of each index: 0 on a one-node domain, where a replica could never be placed. */
  replicas: number;
  /** The job's geohash precision: the map's cells are the job's cells. */
  geohashPrecision: number;
  /** For each of the pipeline's OpenSearch roles, the IAM role ARNs mapped to it. */
  backendRoles: Record<SearchRoleName, string[]>;
}

/** The master user's secret, as the stack writes it and the function reads it: one JSON object. */
export interface MasterUser {
  username: string;
  password: string;
}

export const SEARCH_SETUP_VARIABLES = {
  ...SEARCH_FUNCTION_VARIABLES,
  SEARCH_MASTER_USER_SECRET: {
    // By ARN: IAM authorizes GetSecretValue on the secret's full ARN, whose suffix Secrets Manager makes up.
    ...matching(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, "a Secrets Manager secret ARN"),
    purpose: "the master user's secret (JSON username and password)",
  },
};

export const SEARCH_SETUP = defineContract({
  part: "searchSetupLambda",
  purpose: "the search domain's setup function: roles, mappings and audit logs; templates and Dashboards objects",
  entry: { kind: "lambda", module: "dist/runtime/search/setup-entry.js" },
  variables: SEARCH_SETUP_VARIABLES,
  resources: {
    domain: { named: ["SEARCH_ENDPOINT"] },
    masterUserSecret: { named: ["SEARCH_MASTER_USER_SECRET"] },
  },
  calls: [
    { action: "secretsmanager:GetSecretValue", on: "masterUserSecret" },
    // Its own role, signed: PUT index templates, POST the Dashboards objects.
    { action: "es:ESHttpPut", on: "domain" },
    { action: "es:ESHttpPost", on: "domain" },
    // The master user on the security plugin's REST API (roles, mappings, audit): basic authentication.
    { action: "es:ESHttpPut", on: "domain", unsigned: true },
  ],
  metrics: [],
});
