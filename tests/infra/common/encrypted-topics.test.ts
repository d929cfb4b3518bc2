import { expect } from "chai";
import { alarmTopicPolicy, PolicyDocument, topicKeyPolicy } from "../../../infra/common/encrypted-topic";
import { MOCK_ACCOUNT } from "../../../infra/plan/mocks";
import { runPipeline } from "../../harness/pulumi";

const TOPIC = "aws:sns/topic:Topic";
const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const KEY = "aws:kms/key:Key";

const statement = (doc: PolicyDocument, sid: string) => doc.Statement.find((s) => s.Sid === sid);

describe("encrypted topics", () => {
  describe("with every topic of the pipeline (both scalers, alerts by e-mail)", () => {
    let run: Awaited<ReturnType<typeof runPipeline>>;
    before(async () => {
      run = await runPipeline({ alertEmail: "ops@example.com" });
    });

    it("encrypts every topic with the one topics key of the stack, which rotates", () => {
      const topics = run.recorded.all(TOPIC);
      expect(topics.map((t) => t.name).sort()).to.deep.equal(["flink-scaler", "operations-alerts", "shard-scaler"]);
      const topicKeys = run.recorded.all(KEY).filter((k) => k.parentType === "kinesis-pipeline:topics:TopicKey");
      expect(topicKeys).to.have.lengthOf(1);
      const [key] = topicKeys;
      expect(key.inputs).to.include({ enableKeyRotation: true, deletionWindowInDays: 30 });
      for (const topic of topics) expect(topic.inputs.kmsMasterKeyId, topic.name).to.equal(key.state.arn);
    });

    it("the key policy: the account administers, alarms of this account and region and EventBridge may publish", () => {
      const [key] = run.recorded.all(KEY).filter((k) => k.parentType === "kinesis-pipeline:topics:TopicKey");
      expect(JSON.parse(key.inputs.policy as string)).to.deep.equal(topicKeyPolicy("us-east-1", MOCK_ACCOUNT));
    });

    it("every alarm that notifies a topic is named in that topic's access policy, and nothing else may publish", () => {
      const alarms = run.recorded.all(ALARM);
      for (const topic of run.recorded.all(TOPIC)) {
        const notifying = alarms
          .filter((a) =>
            [...((a.inputs.alarmActions as string[]) ?? []), ...((a.inputs.okActions as string[]) ?? [])].includes(
              topic.state.arn as string,
            ),
          )
          .map((a) => a.state.arn as string);
        expect(notifying, topic.name).to.have.length.greaterThan(0);
        const policies = run.recorded.all(TOPIC_POLICY).filter((p) => p.inputs.arn === topic.state.arn);
        expect(policies, topic.name).to.have.lengthOf(1);
        expect(JSON.parse(policies[0].inputs.policy as string), topic.name).to.deep.equal(
          alarmTopicPolicy(topic.state.arn as string, MOCK_ACCOUNT, notifying),
        );
      }
    });
  });

  describe("policies", () => {
    it("the key's publishers hold GenerateDataKey* and Decrypt only while SNS encrypts a topic of this account and region", () => {
      const doc = topicKeyPolicy("eu-west-1", "111122223333");
      expect(statement(doc, "AccountAdministers")).to.deep.include({
        Principal: { AWS: "arn:aws:iam::111122223333:root" },
        Action: "kms:*",
      });
      const ownTopics = { "kms:EncryptionContext:aws:sns:topicArn": "arn:aws:sns:eu-west-1:111122223333:*" };
      expect(statement(doc, "AlarmsPublish")).to.deep.include({
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Condition: {
          StringEquals: { "aws:SourceAccount": "111122223333" },
          ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:*" },
          StringLike: ownTopics,
        },
      });
      expect(statement(doc, "EventRulesPublish")).to.deep.include({
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Condition: { StringLike: ownTopics },
      });
      expect(doc.Statement.map((s) => s.Sid)).to.deep.equal([
        "AccountAdministers",
        "AlarmsPublish",
        "EventRulesPublish",
      ]);
    });

    it("a topic admits exactly its alarms, from this account, to publish and nothing more", () => {
      const topic = "arn:aws:sns:eu-west-1:111122223333:alerts";
      const alarms = [
        "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:b",
        "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:a",
      ];
      expect(alarmTopicPolicy(topic, "111122223333", alarms).Statement).to.deep.equal([
        {
          Sid: "AlarmsPublish",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: ["sns:Publish"],
          Resource: topic,
          Condition: {
            StringEquals: { "aws:SourceAccount": "111122223333" },
            ArnLike: { "aws:SourceArn": [...alarms].sort() },
          },
        },
      ]);
    });

    it("refuses a topic policy that admits no alarm (it would shut every publisher out)", () => {
      expect(() => alarmTopicPolicy("arn:aws:sns:eu-west-1:111122223333:alerts", "111122223333", [])).to.throw(
        /no alarm is admitted to arn:aws:sns:eu-west-1:111122223333:alerts/,
      );
    });
  });
});
