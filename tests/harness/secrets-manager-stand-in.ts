/**
 * Secrets Manager played by a local HTTP server for GetSecretValue (JSON 1.1 protocol), so
 * a Lambda's SDK client reads a secret through AWS_ENDPOINT_URL_SECRETS_MANAGER exactly as
 * it would on AWS. It records each call and answers ResourceNotFoundException for secrets
 * it does not hold.
 */
import http from "node:http";
import { AddressInfo } from "node:net";

export interface SecretsCall {
  /** The operation, from X-Amz-Target: "GetSecretValue". */
  operation: string;
  secretId: string;
  signed: boolean;
}

export interface SecretsManagerStandIn {
  endpoint: string;
  calls: SecretsCall[];
  close(): Promise<void>;
}

/** Starts the stand-in holding `secrets` (secret id or ARN -> SecretString). */
export async function startSecretsManagerStandIn(secrets: Record<string, string>): Promise<SecretsManagerStandIn> {
  const calls: SecretsCall[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const operation = String(req.headers["x-amz-target"] ?? "").replace(/^secretsmanager\./, "");
      const { SecretId: secretId } = JSON.parse(body || "{}") as { SecretId?: string };
      calls.push({
        operation,
        secretId: secretId ?? "",
        signed: String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256"),
      });
      const reply = (status: number, payload: object) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(payload));
      };
      if (operation !== "GetSecretValue") {
        return reply(400, { __type: "InvalidRequestException", message: `the stand-in answers GetSecretValue only` });
      }
      if (secretId === undefined || !(secretId in secrets)) {
        return reply(400, {
          __type: "ResourceNotFoundException",
          message: "Secrets Manager can't find the specified secret.",
        });
      }
      return reply(200, {
        ARN: secretId,
        Name: secretId.split(":").pop(),
        SecretString: secrets[secretId],
        VersionId: "00000000-0000-0000-0000-000000000001",
        VersionStages: ["AWSCURRENT"],
        CreatedDate: 1_700_000_000,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
