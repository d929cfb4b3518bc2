/**
 * Components renamed since stacks were first deployed carry their old type token as an
 * alias (the engine gives their children the matching aliases): `pulumi up` on such a stack
 * updates in place instead of replacing the hot-spot job, the replay task, the schema
 * registry and the fan-out consumer with everything under them.
 */
import { expect } from "chai";
import { runPipeline } from "../../harness/pulumi";

describe("renamed components", () => {
  const cases: [string, string, string][] = [
    ["kinesis-pipeline:hotspots:HotspotJob", "analytics", "kinesis-pipeline:analytics:FlinkAnalytics"],
    ["kinesis-pipeline:replay:ReplayTask", "replay", "kinesis-pipeline:analytics:ReplayTask"],
    ["kinesis-pipeline:schemas:SchemaRegistry", "schemas", "kinesis-pipeline:schema:SchemaRegistry"],
    ["kinesis-pipeline:processing:FanOutConsumer", "processing", "kinesis-pipeline:stream:StreamConsumer"],
  ];
  let run: Awaited<ReturnType<typeof runPipeline>>;
  before(async () => {
    run = await runPipeline();
  });

  for (const [type, name, oldType] of cases) {
    it(`${type} is also known as ${oldType}`, () => {
      expect(run.recorded.one(type, name).aliases).to.deep.equal([`${oldType}::`]);
    });
  }
});
