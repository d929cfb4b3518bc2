/**
 * The search domain's master user, as the stack keeps it in Secrets Manager: one JSON
 * secret `{"username": ..., "password": ...}` (infra/search/search-domain.ts writes it, the domain
 * takes its master user from it). The setup function reads it for the one thing only the
 * master user may do: the security plugin's REST API (roles, role mappings, audit logs).
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { MasterUser } from "./setup-contract";

/**
 * The secret's text as a master user, or an error that names the secret and what is wrong
 * with it, never its value.
 */
export function masterUserFromSecret(text: string | undefined, secretId: string): MasterUser {
  const wrong = (what: string) =>
    new Error(`search master user: secret ${secretId} ${what}; expected JSON {"username": "...", "password": "..."}`);
  if (text === undefined) throw wrong("has no SecretString");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw wrong("is not JSON");
  }
  const { username, password } = (value ?? {}) as Partial<Record<keyof MasterUser, unknown>>;
  if (typeof username !== "string" || username === "" || typeof password !== "string" || password === "") {
    throw wrong("lacks a username or a password");
  }
  return { username, password };
}

/** Reads the master user (secretsmanager:GetSecretValue on that one secret). */
export async function readMasterUser(secrets: SecretsManagerClient, secretId: string): Promise<MasterUser> {
  const answer = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
  return masterUserFromSecret(answer.SecretString, secretId);
}
