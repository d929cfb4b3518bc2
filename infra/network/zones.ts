/** The availability zones the VPC spans: two, so a zone's outage leaves the services running. */
export const AVAILABILITY_ZONES = 2;
