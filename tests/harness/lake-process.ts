/** One lake worker as a child process, started as the container starts it (runtime/lake/contract.ts). */
import { builtEntrypoint } from "./built";
import { ServiceProcess } from "./service-process";

export class LakeProcess extends ServiceProcess {
  private constructor(workerId: string, env: Record<string, string | undefined>) {
    super(`lake worker ${workerId}`, { script: builtEntrypoint("lake"), env });
  }

  static start(settings: Record<string, string> & { WORKER_ID: string }): LakeProcess {
    // A clean environment, as on Fargate: nothing of the test runner's shell leaks in.
    return new LakeProcess(settings.WORKER_ID, {
      PATH: process.env.PATH,
      AWS_REGION: "us-east-1",
      LOG_LEVEL: "warn",
      METRICS_INTERVAL_MS: "3600000",
      ...settings,
    });
  }
}
