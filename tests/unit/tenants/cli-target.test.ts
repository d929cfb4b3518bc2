import { expect } from "chai";
import { LocalStackFile } from "../../../runtime/common/stack-file";
import { cliTarget, TargetFlags } from "../../../runtime/tenants/cli-target";

const OUTPUTS = JSON.stringify({
  tenantsTable: "pipeline-tenants-1a2b",
  region: "eu-west-1",
  ingestUrl: "https://ingest.example.com",
  streamName: "s",
});
const STACK = {
  kinesisEndpoint: "http://127.0.0.1:1",
  dynamodbEndpoint: "http://127.0.0.1:2",
  region: "us-east-1",
  tenantsTable: "kinesis-pipeline-tenants",
  ingestUrl: "http://127.0.0.1:3",
} as unknown as LocalStackFile;

describe("the tenants CLI's target", () => {
  const read = (source: string) => (source === "-" || source === "outputs.json" ? OUTPUTS : "not json");

  const cases: [TargetFlags, object][] = [
    [
      { table: "t", region: "us-west-2" },
      { table: "t", region: "us-west-2", keyKind: "live" },
    ],
    [
      { "stack-outputs": "-" },
      { table: "pipeline-tenants-1a2b", region: "eu-west-1", keyKind: "live", ingestUrl: "https://ingest.example.com" },
    ],
    [
      { local: true },
      {
        table: "kinesis-pipeline-tenants",
        region: "us-east-1",
        endpoint: "http://127.0.0.1:2",
        keyKind: "test",
        ingestUrl: "http://127.0.0.1:3",
      },
    ],
  ];
  for (const [flags, target] of cases) {
    it(`${JSON.stringify(flags)}`, () => expect(cliTarget(flags, read, () => STACK)).to.deep.equal(target));
  }

  const problems: [TargetFlags, RegExp, (() => LocalStackFile | undefined)?][] = [
    [{}, /which tenants table\? name the table with --table <name> --region <region>/],
    [{ local: true, table: "t" }, /give one of --local, --table or --stack-outputs/],
    [{ table: "t" }, /--table needs --region/],
    [{ "stack-outputs": "broken.json" }, /--stack-outputs broken.json: not the JSON of `pulumi stack output --json`/],
    [{ local: true }, /--local: no local stack is running .* start one with `npm start`/, () => undefined],
  ];
  for (const [flags, problem, stack] of problems) {
    it(`refuses ${JSON.stringify(flags)}: ${problem.source}`, () =>
      expect(() => cliTarget(flags, read, stack ?? (() => STACK))).to.throw(problem));
  }

  it("refuses outputs of a stack without tenants (ingestAuth none)", () => {
    expect(() => cliTarget({ "stack-outputs": "-" }, () => JSON.stringify({ streamName: "s" }))).to.throw(
      /name no tenantsTable and region \(a stack with ingestAuth none has no tenants table\)/,
    );
  });
});
