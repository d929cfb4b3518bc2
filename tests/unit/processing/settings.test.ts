import { expect } from "chai";
import { SettingsError } from "../../../runtime/common/env";
import { readConsumerSettings } from "../../../runtime/processing/settings";

const REQUIRED = { STREAM_NAME: "orders", AWS_REGION: "eu-west-1", APPLICATION_NAME: "orders-processing" };

function problemOf(env: Record<string, string>): string {
  try {
    readConsumerSettings(env);
  } catch (e) {
    expect(e).to.be.instanceOf(SettingsError);
    return (e as Error).message;
  }
  throw new Error("the settings should have been refused");
}

describe("processing worker settings", () => {
  it("defaults: polling from TRIM_HORIZON, 10 s failover, HTTP/2 on AWS, a generated worker id", () => {
    const s = readConsumerSettings(REQUIRED);
    expect(s).to.deep.include({
      streamName: "orders",
      applicationName: "orders-processing",
      retrieval: { mode: "polling" },
      initialPosition: { kind: "TRIM_HORIZON" },
      failoverMs: 10_000,
      kinesisHttp: "2",
      createLeaseTable: true,
      schemaRegistry: undefined,
    });
    expect(s.workerId).to.match(/^.+-\d+-[0-9a-f]{6}$/);
  });

  it("uses HTTP/1.1 against an emulator endpoint, and reads the fan-out consumer and a local registry", () => {
    const s = readConsumerSettings({
      ...REQUIRED,
      KINESIS_ENDPOINT: "http://127.0.0.1:4568",
      RETRIEVAL_MODE: "fanout",
      CONSUMER_ARN: "arn:aws:kinesis:eu-west-1:123456789012:stream/orders/consumer/p:1700000000",
      SCHEMA_REGISTRY_FILE: "/tmp/registry.json",
      INITIAL_POSITION: "LATEST",
    });
    expect(s).to.deep.include({
      kinesisHttp: "1.1",
      retrieval: {
        mode: "fanout",
        consumerArn: "arn:aws:kinesis:eu-west-1:123456789012:stream/orders/consumer/p:1700000000",
      },
      schemaRegistry: { kind: "file", file: "/tmp/registry.json" },
      initialPosition: { kind: "LATEST" },
    });
  });

  const table: [Record<string, string>, string][] = [
    [{ STREAM_NAME: "s", AWS_REGION: "us-east-1" }, "APPLICATION_NAME must be set to"],
    [
      { ...REQUIRED, RETRIEVAL_MODE: "fanout" },
      "CONSUMER_ARN must be set to a registered stream consumer ARN when RETRIEVAL_MODE is fanout",
    ],
    [
      { ...REQUIRED, CONSUMER_ARN: "arn:aws:kinesis:eu-west-1:1:stream/x" },
      "CONSUMER_ARN must be a registered stream consumer ARN, got arn:aws:kinesis:eu-west-1:1:stream/x",
    ],
    [{ ...REQUIRED, FAILOVER_MS: "500" }, "FAILOVER_MS must be an integer from 1000 to 600000, got 500"],
    [
      { ...REQUIRED, INITIAL_POSITION: "AT_TIMESTAMP" },
      "INITIAL_POSITION must be one of TRIM_HORIZON, LATEST, got AT_TIMESTAMP",
    ],
    [{ ...REQUIRED, SCHEMA_REGISTRY_NAME: "r", SCHEMA_REGISTRY_FILE: "f" }, "set at most one of SCHEMA_REGISTRY_NAME"],
    [{ ...REQUIRED, KINESIS_HTTP: "3" }, "KINESIS_HTTP must be"],
  ];
  for (const [env, message] of table) {
    it(`refuses ${JSON.stringify(env).slice(0, 100)}`, () => expect(problemOf(env)).to.contain(message));
  }
});
