/**
 * The lake's config rules, by table: each refused combination is named by validateConfig
 * with its fix, and what is allowed passes.
 */
import { expect } from "chai";
import { validateConfig } from "../../../infra/config/config";
import { lakeProblems, taskBufferBytes } from "../../../infra/lake/lake-rules";
import { TEST_CLIENT_CIDR, TEST_PLAIN_HTTP } from "../../harness/pulumi";

const problems = (raw: Record<string, string>): string[] => {
  const result = validateConfig({ searchClientCidr: TEST_CLIENT_CIDR, ...TEST_PLAIN_HTTP, ...raw });
  return result.ok ? [] : result.problems;
};

describe("lake config rules", () => {
  const refused: [string, Record<string, string>, RegExp][] = [
    [
      "a memory budget (a quarter of the task) smaller than one segment",
      { lakeRollMegabytes: "512", lakeMemory: "1024" },
      /^lakeMemory must be at least 4 x lakeRollMegabytes \(2048\), got 1024: a worker buffers at most 25% of its memory .*one full segment; raise lakeMemory/,
    ],
    [
      "Standard-IA sooner than S3 allows",
      { lakeInfrequentAccessDays: "7" },
      /^lakeInfrequentAccessDays must be at least 30 .*got 7/,
    ],
    [
      "deleted before moving to Standard-IA",
      { lakeInfrequentAccessDays: "60", lakeRetentionDays: "60" },
      /^lakeRetentionDays must be at least lakeInfrequentAccessDays \+ 1 \(61\), got 60/,
    ],
    [
      "claims expiring while the stream still holds their records",
      { retentionHours: "168", lakeRetentionDays: "7" },
      /^lakeRetentionDays must be at least the stream's retention in days \+ 1 \(8\), got 7: a segment's claim/,
    ],
    [
      "a closed shard's progress expiring while ListShards may still list the shard",
      { retentionHours: "48", lakeRetentionDays: "2" },
      /^lakeRetentionDays must be at least the stream's retention in days \+ 1 \(3\), got 2: .*\(and a closed shard's progress must outlive the shard, or the compactor waits on it\)$/,
    ],
    ["a lake task size Fargate does not run", { lakeCpu: "256", lakeMemory: "4096" }, /^lakeMemory must suit lakeCpu/],
    [
      "fewer max than min tasks",
      { lakeMinTasks: "3", lakeMaxTasks: "2" },
      /^lakeMaxTasks must be at least lakeMinTasks/,
    ],
    ["a roll size beyond the worker's bound", { lakeRollMegabytes: "1024" }, /^lakeRollMegabytes/],
    ["a roll time beyond an hour", { lakeRollSeconds: "3601" }, /^lakeRollSeconds/],
    [
      "a compactor without room for a part's inputs, rows and output",
      { lakeCompactedPartMiB: "512", lakeCompactorMemory: "2047" },
      /^lakeCompactorMemory must be at least 4 x lakeCompactedPartMiB \(2048\), got 2047: .*raise lakeCompactorMemory or lower lakeCompactedPartMiB/,
    ],
    ["a part smaller than Athena reads well", { lakeCompactedPartMiB: "8" }, /^lakeCompactedPartMiB.*16.*1024.*8/],
    ["a compactor memory Lambda does not allow", { lakeCompactorMemory: "10241" }, /^lakeCompactorMemory.*128.*10240/],
  ];
  for (const [what, raw, expected] of refused) {
    it(`refuses ${what}`, () => {
      const found = problems(raw);
      expect(found, JSON.stringify(found)).to.have.lengthOf(1);
      expect(found[0]).to.match(expected);
    });
  }

  it("accepts the defaults, a lifecycle that outlives the stream, and any of it with the lake off", () => {
    expect(problems({})).to.deep.equal([]);
    expect(
      problems({ lakeInfrequentAccessDays: "30", lakeRetentionDays: "400", retentionHours: "8760" }),
    ).to.deep.equal([]);
    expect(problems({ lake: "false", lakeRollMegabytes: "512", lakeMemory: "1024" })).to.deep.equal([]);
    // A budget of exactly one segment: a quarter of 2048 MiB holds one 512 MiB segment.
    expect(problems({ lakeRollMegabytes: "512", lakeMemory: "2048" })).to.deep.equal([]);
    expect(problems({ lakeCompactedPartMiB: "512", lakeCompactorMemory: "2048" })).to.deep.equal([]);
    // Without the compactor its memory says nothing.
    expect(
      problems({ lakeCompaction: "false", lakeCompactedPartMiB: "512", lakeCompactorMemory: "1024" }),
    ).to.deep.equal([]);
  });

  it("turns the config into the lake's settings: MiB to bytes, 0 days to no rule", () => {
    const result = validateConfig({ searchClientCidr: TEST_CLIENT_CIDR, ...TEST_PLAIN_HTTP, lakeRollMegabytes: "32" });
    if (!result.ok) throw new Error(result.problems.join("\n"));
    expect(result.config.lake).to.deep.include({
      retrieval: "fanout",
      rollBytes: 32 * 1024 * 1024,
      rollSeconds: 300,
      infrequentAccessDays: undefined,
      retentionDays: undefined,
      forceDestroy: false,
      leaseDeletionProtection: true,
      compaction: { partBytes: 256 * 1024 * 1024, memory: 3072, reservedConcurrency: false },
    });
    const off = validateConfig({ searchClientCidr: TEST_CLIENT_CIDR, ...TEST_PLAIN_HTTP, lake: "false" });
    expect(off.ok && off.config.lake).to.equal(undefined);
  });

  it("the rule function alone says nothing of a lake that is off", () => {
    expect(lakeProblems({ lake: false, rollMegabytes: 512, memory: 512 })).to.deep.equal([]);
    expect(lakeProblems({ lake: true, rollMegabytes: 512, memory: 512 })).to.have.lengthOf(1);
  });

  it("the stack's memory budget for a task is a quarter of its memory, in bytes", () => {
    const table: [number, number][] = [
      [512, 128 * 2 ** 20],
      [2048, 512 * 2 ** 20],
      [122880, 30720 * 2 ** 20],
    ];
    for (const [memoryMiB, bytes] of table) expect(taskBufferBytes(memoryMiB), String(memoryMiB)).to.equal(bytes);
  });
});
