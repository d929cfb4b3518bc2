/**
 * The search domain's setup function (infra/search/search-domain.ts wraps `handle` in a Lambda
 * that the stack invokes once the domain and its access policy exist). The event is
 * SetupInput; the domain's endpoint comes from SEARCH_ENDPOINT and the master user's
 * secret from SEARCH_MASTER_USER_SECRET.
 *
 * Why the master user's password rather than an IAM master user: Dashboards then has its
 * own login page (an IAM master needs Cognito or SAML in front of it), and this function
 * reads the password only for the security plugin's REST API; everything else it does as
 * its own role, mapped to the least it needs.
 */
import { asPart } from "../common/aws/call-trace";
import { createSecretsManagerClient } from "../common/aws/secrets-manager-client";
import { MASTER_USER_SECRET_VARIABLE, readMasterUser } from "./master-user";
import { masterSearchHttp } from "./search-http";
import { SEARCH_FUNCTION_VARIABLES, searchHttpFromEnv } from "./signed-search-http";
import { setUpSearch, SetupInput, SetupReport } from "./setup";

/** The setup function's settings: the search functions' own, and the master user's secret (its ARN). */
export const SEARCH_SETUP_VARIABLES = [...SEARCH_FUNCTION_VARIABLES, MASTER_USER_SECRET_VARIABLE] as const;

export function handle(event: SetupInput): Promise<SetupReport> {
  return asPart("searchSetupLambda", SEARCH_SETUP_VARIABLES, async () => {
    const { SEARCH_ENDPOINT: endpoint, AWS_REGION: region, [MASTER_USER_SECRET_VARIABLE]: secretId } = process.env;
    if (!endpoint || !region || !secretId) {
      throw new Error(
        `SEARCH_ENDPOINT, ${MASTER_USER_SECRET_VARIABLE} and AWS_REGION must be set (the stack and the Lambda runtime set them)`,
      );
    }
    const master = await readMasterUser(createSecretsManagerClient({ region }), secretId);
    return setUpSearch({ master: masterSearchHttp(endpoint, master), own: searchHttpFromEnv() }, event);
  });
}
