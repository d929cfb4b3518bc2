/** The OpenSearch domain the hot-spot results land in, and who may open its Dashboards. */
export interface SearchConfig {
  clientCidr: string;
  engineVersion: string;
  instanceType: string;
  instanceCount: number;
  volumeGb: number;
}
