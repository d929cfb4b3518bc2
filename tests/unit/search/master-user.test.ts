import { expect } from "chai";
import { createSecretsManagerClient } from "../../../runtime/common/aws/secrets-manager-client";
import { masterUserFromSecret, readMasterUser } from "../../../runtime/search/master-user";
import { startSecretsManagerStandIn } from "../../harness/secrets-manager-stand-in";

const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:search-master-user-abcdef";
const PASSWORD = "Xy7!secret-password-never-printed";

describe("search master user: read from its secret", () => {
  it("is the secret's username and password", () => {
    expect(
      masterUserFromSecret(JSON.stringify({ username: "search-admin", password: PASSWORD }), SECRET),
    ).to.deep.equal({ username: "search-admin", password: PASSWORD });
  });

  const wrong: [string, string | undefined, RegExp][] = [
    ["no string", undefined, /has no SecretString/],
    ["not JSON", `password=${PASSWORD}`, /is not JSON/],
    ["JSON null", "null", /lacks a username or a password/],
    ["no password", JSON.stringify({ username: "search-admin" }), /lacks a username or a password/],
    ["an empty name", JSON.stringify({ username: "", password: PASSWORD }), /lacks a username or a password/],
  ];
  for (const [name, text, message] of wrong) {
    it(`refuses ${name}, naming the secret and never its value`, () => {
      let error: Error | undefined;
      try {
        masterUserFromSecret(text, SECRET);
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.match(message);
      expect(error?.message).to.contain(SECRET);
      expect(error?.message).to.not.contain(PASSWORD);
    });
  }

  it("reads it with one signed GetSecretValue of that secret through the client factory", async () => {
    const standIn = await startSecretsManagerStandIn({
      [SECRET]: JSON.stringify({ username: "search-admin", password: PASSWORD }),
    });
    try {
      const client = createSecretsManagerClient({ region: "us-east-1", endpoint: standIn.endpoint, maxAttempts: 1 });
      expect(await readMasterUser(client, SECRET)).to.deep.equal({ username: "search-admin", password: PASSWORD });
      expect(standIn.calls).to.deep.equal([{ operation: "GetSecretValue", secretId: SECRET, signed: true }]);
      let error: Error | undefined;
      try {
        await readMasterUser(client, `${SECRET}-other`);
      } catch (e) {
        error = e as Error;
      }
      expect(error?.name).to.equal("ResourceNotFoundException");
    } finally {
      await standIn.close();
    }
  });
});
