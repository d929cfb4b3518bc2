// The Pulumi program: read the stack's config, build the pipeline, export what users need.
import { readStackConfig } from "./infra/config/config";
import { definePipeline, pipelineOutputs } from "./infra/pipeline";

const outputs = pipelineOutputs(definePipeline(readStackConfig()));

export const streamName = outputs.streamName;
export const streamArn = outputs.streamArn;
export const streamKeyArn = outputs.streamKeyArn;
export const ingestUrl = outputs.ingestUrl;
export const ingestLoadBalancerDnsName = outputs.ingestLoadBalancerDnsName;
export const schemaRegistryArn = outputs.schemaRegistryArn;
export const schemaArns = outputs.schemaArns;
export const dashboardsUrl = outputs.dashboardsUrl;
export const searchMasterUserSecretArn = outputs.searchMasterUserSecretArn;
export const flinkApplicationName = outputs.flinkApplicationName;
export const replayCommand = outputs.replayCommand;
export const replayApiKeySecretArn = outputs.replayApiKeySecretArn;
export const tenantsTable = outputs.tenantsTable;
export const region = outputs.region;
export const scalingTopicArn = outputs.scalingTopicArn;
export const flinkScalingTopicArn = outputs.flinkScalingTopicArn;
export const cloudwatchDashboardUrl = outputs.cloudwatchDashboardUrl;
export const alertsTopicArn = outputs.alertsTopicArn;
