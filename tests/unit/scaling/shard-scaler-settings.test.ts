import { expect } from "chai";
import { readShardScalerSettings } from "../../../runtime/scaling/shard-scaler-settings";

const env = {
  STREAM_NAME: "trips",
  AWS_REGION: "us-east-1",
  MIN_SHARDS: "1",
  MAX_SHARDS: "8",
  HISTORY_TABLE: "shard-scaler-history",
  SCALE_UP_ALARM: "up",
  SCALE_DOWN_ALARM: "down",
  ALARM_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:shard-scaler",
};

describe("shard scaler settings: the target usage", () => {
  it("defaults to the policy's 50%", () => expect(readShardScalerSettings(env).TARGET_USAGE_PERCENT).to.equal(50));
  it("takes 30..70", () => {
    expect(readShardScalerSettings({ ...env, TARGET_USAGE_PERCENT: "30" }).TARGET_USAGE_PERCENT).to.equal(30);
    expect(readShardScalerSettings({ ...env, TARGET_USAGE_PERCENT: "70" }).TARGET_USAGE_PERCENT).to.equal(70);
  });
  it("refuses a target the thresholds would undo, naming it and the range", () => {
    expect(() => readShardScalerSettings({ ...env, TARGET_USAGE_PERCENT: "75" })).to.throw(
      /TARGET_USAGE_PERCENT.*an integer from 30 to 70.*75|TARGET_USAGE_PERCENT.*75.*30 to 70/,
    );
  });
});
