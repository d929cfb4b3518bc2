/**
 * Every AWS SDK client of the runtime is made here, so each one records its calls when the
 * tests switch the call trace on (call-trace.ts). A new client is one line:
 *
 *   const glue = awsClient(GlueClient, { region });
 *
 * and its calls join the IAM check in tests/iam/ (docs/iam.md).
 */
import { traceSdkCalls } from "./call-trace";

export function awsClient<C, Config>(Client: new (config: Config) => C, config: Config): C {
  return traceSdkCalls(new Client(config));
}
