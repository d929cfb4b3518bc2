/**
 * The rules a domain name for ingest is checked against, with where each comes from: the
 * name goes into an ACM certificate and a Route 53 record, so it must suit both.
 */
import { matching } from "../../runtime/common/parsers";
import { Parser } from "../../runtime/common/setting";

/**
 * ACM's domain name: labels of letters, digits and inner hyphens, 1..63 characters each,
 * at least two labels, 253 characters in all, no trailing dot
 * (https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html, DomainName).
 * Its first name becomes the certificate's common name, which RFC 5280 caps at 64
 * characters: a longer name fits only a certificate that carries it as an alternative name.
 */
export const DNS_NAME_LIMITS = { maxLength: 253, maxLabelLength: 63, maxCommonNameLength: 64 } as const;

/**
 * "You cannot request a certificate for Amazon-owned domain names such as those ending in
 * amazonaws.com, cloudfront.net, or elasticbeanstalk.com"
 * (https://docs.aws.amazon.com/acm/latest/userguide/troubleshooting-cert-requests.html):
 * no certificate covers the load balancer's own name, `*.elb.amazonaws.com`.
 */
export const AMAZON_OWNED_DOMAINS = ["amazonaws.com", "cloudfront.net", "elasticbeanstalk.com"] as const;

const LABEL = new RegExp(`^(?!-)[a-z0-9-]{1,${DNS_NAME_LIMITS.maxLabelLength}}(?<!-)$`);

const EXAMPLE = "ingest.example.com";

const GENERAL =
  `a DNS name such as ${EXAMPLE}: two or more labels of a-z, 0-9 and hyphens (not at either end), ` +
  `1..${DNS_NAME_LIMITS.maxLabelLength} characters each, at most ${DNS_NAME_LIMITS.maxLength} in all`;

/** What is wrong with a name for ingest, said as what is allowed; undefined when it suits. */
function dnsNameAllowed(text: string): string | undefined {
  if (text.endsWith(".")) return `a DNS name without the trailing dot (ACM refuses it), e.g. ${EXAMPLE}`;
  if (text.includes("*")) return `one host name, not a wildcard, e.g. ${EXAMPLE}`;
  if (text !== text.toLowerCase()) {
    // Route 53 keeps names in lowercase: one spelling in the config, the record and the URL.
    return `a DNS name in lowercase, e.g. ${EXAMPLE}`;
  }
  const labels = text.split(".");
  const valid =
    text.length <= DNS_NAME_LIMITS.maxLength &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    // An all-digit last label is an IPv4 address, not a name (RFC 3696, section 2).
    !/^\d+$/.test(labels[labels.length - 1]);
  if (!valid) return GENERAL;
  const owned = AMAZON_OWNED_DOMAINS.find((domain) => text === domain || text.endsWith(`.${domain}`));
  if (owned) {
    return `a name in a domain of your own (ACM issues no certificate for names under ${owned}), e.g. ${EXAMPLE}`;
  }
  return undefined;
}

/** A host name of the user's own for ingest, as ACM and Route 53 both take it. */
export const dnsName: Parser<string> = {
  allowed: `${GENERAL}, lowercase, without a trailing dot, in a domain of your own`,
  parse: (text) => (dnsNameAllowed(text) === undefined ? text : undefined),
  allowedFor: (text) => dnsNameAllowed(text) ?? GENERAL,
};

/**
 * A Route 53 hosted zone id: `Z` and upper-case letters or digits, 32 characters at most
 * (https://docs.aws.amazon.com/Route53/latest/APIReference/API_HostedZone.html, Id). The
 * API and CLI print it as `/hostedzone/Z...`: the config takes the id alone.
 */
export const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;

export const hostedZoneId = matching(
  HOSTED_ZONE_ID,
  "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (without /hostedzone/; find it with aws route53 list-hosted-zones-by-name)",
);
