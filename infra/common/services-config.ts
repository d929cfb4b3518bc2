/** What every Fargate service of the pipeline shares. */
export interface ServicesConfig {
  scaleOutCooldownSeconds: number;
  scaleInCooldownSeconds: number;
}
