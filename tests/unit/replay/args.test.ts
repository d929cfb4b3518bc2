/** The replay's command line: what it takes, and every refusal naming the value and what is allowed. */
import { expect } from "chai";

import { parseReplayArgs } from "../../../runtime/replay/replay-args";
import { UsageError } from "../../../runtime/common/usage-error";

describe("replay arguments", () => {
  const GOOD: [string, string[], object][] = [
    [
      "defaults to the local target",
      ["--file", "a.csv", "--speedup", "60"],
      { file: "a.csv", speedup: 60, loop: false },
    ],
    [
      "takes --loop and = forms",
      ["--file=a.csv", "--speedup=0.5", "--loop"],
      { file: "a.csv", speedup: 0.5, loop: true, resumeAtMs: 0 },
    ],
    [
      "takes --resume-at in event-time milliseconds",
      ["--file", "a.csv", "--speedup", "60", "--resume-at", "3600000"],
      { resumeAtMs: 3_600_000 },
    ],
  ];
  for (const [what, argv, expected] of GOOD) {
    it(what, () => {
      const args = parseReplayArgs(argv);
      expect(args).to.deep.include(expected);
      expect(args.target).to.deep.equal({ kind: "local" });
    });
  }

  it("takes an ingest URL, with the API's routes below it", () => {
    const args = parseReplayArgs(["--file", "a.csv", "--speedup", "1", "--target", "http://127.0.0.1:8080"]);
    expect(args.target.kind).to.equal("ingest");
    expect(new URL("batch", (args.target as { url: URL }).url).href).to.equal("http://127.0.0.1:8080/batch");
  });

  const BAD: [string, string[], string][] = [
    ["no --file", ["--speedup", "60"], "--file is missing (allowed: a TLC trip CSV file)"],
    ["no --speedup", ["--file", "a.csv"], "--speedup is missing (allowed: a positive number, e.g. 60)"],
    ["speedup 0", ["--file", "a.csv", "--speedup", "0"], '--speedup is "0" (allowed: a positive number, e.g. 60)'],
    [
      "a negative --resume-at",
      ["--file", "a.csv", "--speedup", "1", "--resume-at", "-1"],
      '--resume-at is "-1" (allowed: 0 or more milliseconds of event time)',
    ],
    ["speedup -5", ["--file", "a.csv", "--speedup", "-5"], '--speedup is "-5" (allowed: a positive number, e.g. 60)'],
    [
      "speedup fast",
      ["--file", "a.csv", "--speedup", "fast"],
      '--speedup is "fast" (allowed: a positive number, e.g. 60)',
    ],
    ["--file without a value", ["--file", "--speedup", "60"], "--file needs a value"],
    [
      "a target that is no URL",
      ["--file", "a.csv", "--speedup", "1", "--target", "kinesis"],
      '--target is "kinesis" (allowed: local, or an http:// or https:// ingest URL)',
    ],
    [
      "an ftp target",
      ["--file", "a.csv", "--speedup", "1", "--target", "ftp://x/"],
      '--target is "ftp://x/" (allowed: local, or an http:// or https:// ingest URL)',
    ],
    [
      "an unknown option",
      ["--file", "a.csv", "--speedup", "1", "--fast"],
      '"--fast" is not an option (allowed: --file, --speedup, --loop, --target, --resume-at, --help)',
    ],
    [
      "everything wrong at once",
      ["--speedup", "x"],
      '--file is missing (allowed: a TLC trip CSV file); --speedup is "x" (allowed: a positive number, e.g. 60)',
    ],
  ];
  for (const [what, argv, message] of BAD) {
    it(`refuses ${what}`, () => {
      expect(() => parseReplayArgs(argv)).to.throw(UsageError, message);
    });
  }
});
