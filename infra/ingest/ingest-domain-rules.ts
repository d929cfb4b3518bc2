/**
 * The rules between ingest's DNS name, its hosted zone and its certificate, in the words of
 * the stack config: validateConfig lists them with every other problem, and IngestDomain
 * refuses what breaks them.
 */
import { shown } from "../../runtime/common/setting";
import { DNS_NAME_LIMITS } from "./dns-name";

/** The three keys as a user set them (a text its own check refused is still set). */
export interface IngestDomainSettings {
  ingestDomainName?: string;
  ingestHostedZoneId?: string;
  certificateArn?: string;
}

/**
 * `set` holds what the user set; `valid` the name and zone that passed their own checks
 * (a misspelt name is told both what to fix and what it lacks).
 */
export function ingestDomainProblems(
  set: IngestDomainSettings,
  valid: { name?: string; hostedZoneId?: string } = {
    name: set.ingestDomainName,
    hostedZoneId: set.ingestHostedZoneId,
  },
): string[] {
  const isSet = (key: keyof IngestDomainSettings) => set[key] !== undefined && set[key] !== "";
  const problems: string[] = [];
  if (!isSet("ingestDomainName")) {
    if (isSet("certificateArn")) {
      problems.push(
        `certificateArn needs ingestDomainName, got ${shown(set.certificateArn!)} alone: no certificate can cover the load balancer's own name (*.elb.amazonaws.com), so HTTPS is served under a name of yours. ` +
          "pulumi config set ingestDomainName <the name the certificate covers>, or pulumi config rm certificateArn for HTTP",
      );
    }
    if (isSet("ingestHostedZoneId")) {
      problems.push(
        `ingestHostedZoneId needs ingestDomainName (the name to create in that zone), got ${shown(set.ingestHostedZoneId!)} alone: ` +
          "pulumi config set ingestDomainName ingest.<the zone's domain>, or pulumi config rm ingestHostedZoneId",
      );
    }
    return problems;
  }
  if (!isSet("ingestHostedZoneId") && !isSet("certificateArn")) {
    problems.push(
      `ingestDomainName needs a certificate for HTTPS, got ${shown(set.ingestDomainName!)} without one: ` +
        "pulumi config set ingestHostedZoneId <its Route 53 public hosted zone> (the stack requests and validates a certificate there), " +
        "or pulumi config set certificateArn <an ACM certificate that covers it>; or pulumi config rm ingestDomainName for HTTP on the load balancer's own name",
    );
  }
  const { name } = valid;
  if (
    name !== undefined &&
    valid.hostedZoneId !== undefined &&
    !isSet("certificateArn") &&
    name.length > DNS_NAME_LIMITS.maxCommonNameLength
  ) {
    problems.push(
      `ingestDomainName must be at most ${DNS_NAME_LIMITS.maxCommonNameLength} characters for a certificate the stack requests (ACM's limit on a common name), ` +
        `got ${name.length} (${name}): use a shorter name, or set certificateArn to a certificate that carries it as an alternative name`,
    );
  }
  return problems;
}
