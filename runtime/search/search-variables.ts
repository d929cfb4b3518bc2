/**
 * The variables both search functions read: where the domain is, and the region Lambda
 * sets (SigV4 signs for it).
 */
import { setByPlatform } from "../common/contract";
import { matching } from "../common/env";
import { STREAM_VARIABLES } from "../common/service-variables";

export const SEARCH_FUNCTION_VARIABLES = {
  SEARCH_ENDPOINT: {
    // The stack passes the domain's bare host name; a stand-in in the tests is an http:// URL.
    ...matching(
      /^(https?:\/\/)?[a-zA-Z0-9.-]+(:\d{1,5})?$/,
      "the domain's endpoint: a host name, or an http(s):// URL",
    ),
    purpose: "the OpenSearch domain the function calls",
  },
  AWS_REGION: setByPlatform(STREAM_VARIABLES.AWS_REGION, "Lambda"),
};
