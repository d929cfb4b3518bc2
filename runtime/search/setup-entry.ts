/**
 * The search domain's setup function (infra/search/search-domain.ts wraps `handle` in a Lambda
 * that the stack invokes once the domain and its access policy exist). The event is
 * SetupInput; the domain's endpoint comes from SEARCH_ENDPOINT and the master user's
 * secret from SEARCH_MASTER_USER_SECRET (setup-contract.ts).
 *
 * Why the master user's password rather than an IAM master user: Dashboards then has its
 * own login page (an IAM master needs Cognito or SAML in front of it), and this function
 * reads the password only for the security plugin's REST API; everything else it does as
 * its own role, mapped to the least it needs.
 */
import { asPart } from "../common/aws/call-trace";
import { createSecretsManagerClient } from "../common/aws/secrets-manager-client";
import { readEnv } from "../common/env";
import { readMasterUser } from "./master-user";
import { masterSearchHttp } from "./search-http";
import { searchHttpFromEnv } from "./signed-search-http";
import { setUpSearch, SetupReport } from "./setup";
import { SEARCH_SETUP, SetupInput } from "./setup-contract";

export function handle(event: SetupInput): Promise<SetupReport> {
  return asPart(SEARCH_SETUP.part, SEARCH_SETUP.variables, async () => {
    const {
      SEARCH_ENDPOINT: endpoint,
      AWS_REGION: region,
      SEARCH_MASTER_USER_SECRET: secretId,
    } = readEnv(SEARCH_SETUP.variables, process.env);
    const master = await readMasterUser(createSecretsManagerClient({ region }), secretId);
    return setUpSearch({ master: masterSearchHttp(endpoint, master), own: searchHttpFromEnv() }, event);
  });
}
