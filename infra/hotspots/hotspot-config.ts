/** The Flink scaler of the hot-spot job (`flinkScaler` true). */
export interface FlinkScalerConfig {
  minParallelism: number;
  maxParallelism: number;
  /** Scale out when millisBehindLatest stays above this ... */
  behindMs: number;
  /** ... for this many 1-minute periods. */
  outPeriods: number;
  dryRun: boolean;
  /** One concurrent execution reserved for the function (`scalerReservedConcurrency`). */
  reservedConcurrency: boolean;
}

/** The hot-spot job on Managed Service for Apache Flink. */
export interface FlinkConfig {
  parallelism: number;
  parallelismPerKpu: number;
  autoScaling: boolean;
  /** Set when the Flink scaler sizes the application (`flinkScaler` true). */
  scaler?: FlinkScalerConfig;
  initialPosition: "TRIM_HORIZON" | "LATEST";
  /** Dev stacks: destroy empties the code bucket. */
  bucketForceDestroy: boolean;
  /** Where the connector JAR comes from at deploy (an https URL or a local path); unset: Maven Central. */
  connectorJar?: string;
}
