import { expect } from "chai";
import { CONFIG_KEYS } from "../../../infra/config/config-keys";
import { LOCAL_AS_AWS } from "../../../runtime/cost/local-as-aws";
import { PRICE_TABLE } from "../../../runtime/cost/price-table";

describe("the local stack as AWS (the live page's cost panel)", () => {
  it("uses the dev stack's task sizes and Flink parallelism, as the config keys default them", () => {
    expect(LOCAL_AS_AWS.taskVcpu * 1024).to.equal(CONFIG_KEYS.ingestCpu.default);
    expect(LOCAL_AS_AWS.taskVcpu * 1024).to.equal(CONFIG_KEYS.processingCpu.default);
    expect(LOCAL_AS_AWS.taskMemoryGb * 1024).to.equal(CONFIG_KEYS.ingestMemory.default);
    expect(LOCAL_AS_AWS.taskMemoryGb * 1024).to.equal(CONFIG_KEYS.processingMemory.default);
    expect(LOCAL_AS_AWS.kpus).to.equal(
      Math.ceil(CONFIG_KEYS.flinkParallelism.default / CONFIG_KEYS.flinkParallelismPerKpu.default),
    );
    expect(PRICE_TABLE).to.have.property(LOCAL_AS_AWS.region);
  });
});
