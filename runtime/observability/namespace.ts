/** The CloudWatch namespace of every metric this pipeline publishes; IAM grants are scoped to it. */
export const METRICS_NAMESPACE = "KinesisPipeline";
