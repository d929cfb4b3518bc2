/** What the stack config says about processing: workers on Fargate or a Lambda, and how they read. */

export interface ProcessingConfig {
  mode: "fargate" | "lambda";
  retrieval: "fanout" | "polling";
  initialPosition: "TRIM_HORIZON" | "LATEST";
  cpu: number;
  memory: number;
  minTasks: number;
  maxTasks: number;
  /** The lease table refuses deletion (fargate mode). */
  leaseDeletionProtection: boolean;
  lambda: {
    batchSize: number;
    batchingWindowSeconds: number;
    maxRetryAttempts: number;
    maxRecordAgeSeconds: number;
    parallelizationFactor: number;
  };
}
