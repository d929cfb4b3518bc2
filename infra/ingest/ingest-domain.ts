/**
 * The name ingest serves HTTPS under. A certificate can only cover a name of the user's own
 * (none covers the load balancer's `*.elb.amazonaws.com`: infra/ingest/dns-name.ts), so HTTPS
 * comes with a name: either with a certificate the user made, or, given the name's Route 53
 * hosted zone, with one the stack requests and validates by DNS. With the zone the stack
 * also points the name at the load balancer; without it the user does.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { IngestDomainConfig } from "./ingest-config";
import { ingestDomainProblems } from "./ingest-domain-rules";

/** Short, as in the provider's own example: a corrected record is seen within a minute. */
export const VALIDATION_RECORD_TTL_SECONDS = 60;

/** The load balancer's addresses: IPv4 only (the default), or IPv4 and IPv6. */
export type IpAddressType = "ipv4" | "dualstack";

/** The alias records a name needs to reach a load balancer: AAAA only where it has IPv6 addresses. */
export function aliasRecordTypes(ipAddressType: IpAddressType): ("A" | "AAAA")[] {
  return ipAddressType === "dualstack" ? ["A", "AAAA"] : ["A"];
}

export interface IngestDomainArgs {
  domain: IngestDomainConfig;
}

/** What the alias records point at. */
export interface AliasTarget {
  dnsName: pulumi.Input<string>;
  /** The load balancer's canonical hosted zone (not the user's zone). */
  zoneId: pulumi.Input<string>;
  ipAddressType: IpAddressType;
}

export class IngestDomain extends pulumi.ComponentResource {
  /** The name, e.g. ingest.example.com. */
  readonly name: string;
  /** https://<name>: where clients, and the taxi replay, post records. */
  readonly url: string;
  /** The certificate the HTTPS listener serves: the one given, or the stack's once ACM has issued it. */
  readonly certificateArn: pulumi.Output<string>;
  /** Set when the stack requests the certificate. */
  readonly certificate?: aws.acm.Certificate;

  private readonly resourceName: string;
  private readonly hostedZoneId?: string;

  constructor(name: string, args: IngestDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:ingest:IngestDomain", name, {}, opts);
    const { domain } = args;
    this.resourceName = name;
    this.hostedZoneId = domain.hostedZoneId;
    this.name = domain.name;
    this.url = `https://${domain.name}`;
    if (domain.certificateArn !== undefined) {
      this.certificateArn = pulumi.output(domain.certificateArn);
    } else {
      if (domain.hostedZoneId === undefined) {
        // validateConfig refuses this combination, in these words; a caller outside it meets them here.
        throw new Error(
          ingestDomainProblems({ ingestDomainName: domain.name, ingestHostedZoneId: domain.hostedZoneId }).join("\n"),
        );
      }
      const parent = { parent: this };
      this.certificate = new aws.acm.Certificate(name, { domainName: domain.name, validationMethod: "DNS" }, parent);
      // One name, so one validation option: ACM's CNAME that proves the zone is ours.
      const option = this.certificate.domainValidationOptions.apply((options) => {
        const match = options.find((o) => o.domainName === domain.name);
        if (!match) throw new Error(`ACM returned no DNS validation record for ${domain.name}`);
        return match;
      });
      const record = new aws.route53.Record(
        `${name}-validation`,
        {
          zoneId: domain.hostedZoneId,
          name: option.resourceRecordName,
          type: option.resourceRecordType,
          records: [option.resourceRecordValue],
          ttl: VALIDATION_RECORD_TTL_SECONDS,
          // The record is the same for every certificate of this name in the account: a
          // certificate requested earlier for it may have left it behind.
          allowOverwrite: true,
        },
        parent,
      );
      // Waits until ACM has issued the certificate: a listener refuses one pending validation.
      const validation = new aws.acm.CertificateValidation(
        name,
        { certificateArn: this.certificate.arn, validationRecordFqdns: [record.fqdn] },
        parent,
      );
      this.certificateArn = validation.certificateArn;
    }
    this.registerOutputs({ url: this.url, certificateArn: this.certificateArn });
  }

  /**
   * Points the name at the load balancer with alias records, when the stack has the zone.
   * Without it the user adds a CNAME (or alias) to `ingestLoadBalancerDnsName` themselves.
   */
  pointAt(target: AliasTarget): aws.route53.Record[] {
    const zoneId = this.hostedZoneId;
    if (zoneId === undefined) return [];
    return aliasRecordTypes(target.ipAddressType).map(
      (type) =>
        new aws.route53.Record(
          `${this.resourceName}-${type.toLowerCase()}`,
          {
            zoneId,
            name: this.name,
            type,
            // An existing record of that name is not ours to replace: Route 53 refuses, and says so.
            allowOverwrite: false,
            // One record, nothing to fail over to: answer with the load balancer regardless.
            aliases: [{ name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: false }],
          },
          { parent: this },
        ),
    );
  }
}
