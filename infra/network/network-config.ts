/** What the stack config says about the network. */

export interface NetworkConfig {
  /** 1: one NAT gateway shared by both zones; 2: one per zone. */
  natGateways: number;
  /** VPC flow logs to CloudWatch Logs. */
  flowLogs: boolean;
  /** An interface endpoint for Kinesis Data Streams, so the stream's traffic skips NAT. */
  streamVpcEndpoint: boolean;
}
