/**
 * The rules between the search domain's settings, in the words of the stack config;
 * validateConfig lists them with every other problem.
 */
export interface SearchDomainSettings {
  analytics?: boolean;
  /** `searchClientCidr` as set (a text its own check refused is reported there). */
  clientCidr?: string;
  instanceCount?: number;
}

export function searchDomainProblems({ analytics, clientCidr, instanceCount }: SearchDomainSettings): string[] {
  const problems: string[] = [];
  if (analytics === true && (clientCidr === undefined || clientCidr === "")) {
    problems.push(
      "searchClientCidr must be set when analytics is true: the IPv4 CIDR whose browsers may open OpenSearch Dashboards, " +
        "e.g. pulumi config set searchClientCidr 203.0.113.7/32 (your address: curl https://checkip.amazonaws.com); " +
        "or pulumi config set analytics false",
    );
  }
  if (instanceCount !== undefined && instanceCount > 1 && instanceCount % 2 === 1) {
    problems.push(
      `searchInstanceCount must be 1 or an even number (two or more nodes spread over two availability zones, the same number in each), got ${instanceCount}`,
    );
  }
  return problems;
}
