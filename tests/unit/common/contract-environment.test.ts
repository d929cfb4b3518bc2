/**
 * A part's environment from its contract (runtime/common/contract.ts), by tables: what is
 * required, what the platform sets, how values are written, which calls a part makes in an
 * environment, and what the stack grants from them.
 */
import { expect } from "chai";
import {
  actionsOn,
  callsOf,
  contractEnvironment,
  defineContract,
  environmentNameProblems,
  serviceActions,
  setByPlatform,
  unsignedActionsOn,
} from "../../../runtime/common/contract";
import { integer, matching, oneOf, switchValue } from "../../../runtime/common/env";

const PART = defineContract({
  part: "processing",
  purpose: "a part for the tables below",
  entry: { kind: "command", script: "dist/runtime/part.js" },
  variables: {
    NAME: { ...matching(/^[a-z]+$/, "lower-case letters"), purpose: "required: no default" },
    COUNT: { ...integer(1, 9), default: "3", purpose: "optional" },
    MODE: { ...oneOf("a", "b"), default: "a", purpose: "decides calls" },
    SWITCH: { ...switchValue, default: "false", purpose: "a switch" },
    TABLE: { ...matching(/^\S+$/, "a table"), default: "" as const, purpose: "optional, empty by default" },
    AWS_REGION: setByPlatform({ ...matching(/^[a-z0-9-]+$/, "a region"), purpose: "the platform's" }, "Lambda"),
  },
  resources: { thing: { named: ["NAME"] }, table: { named: ["TABLE"] } },
  calls: [
    { action: "svc:Always", on: "thing" },
    { action: "svc:InModeB", on: "thing", when: { MODE: "b" } },
    { action: "svc:WithTable", on: "table", when: { TABLE: true } },
    { action: "svc:Switched", on: "thing", when: { SWITCH: "true" } },
    { action: "other:Anywhere", on: "*" },
    { action: "svc:Always", on: "thing", unsigned: true },
  ],
  metrics: [],
});

describe("a part's environment from its contract", () => {
  it("writes numbers and booleans as text, leaves unset values out, keeps the given order", () => {
    expect(contractEnvironment(PART, { NAME: "x", SWITCH: true, COUNT: 4, TABLE: undefined }).variables).to.deep.equal({
      NAME: "x",
      SWITCH: "true",
      COUNT: "4",
    });
    expect(Object.keys(contractEnvironment(PART, { COUNT: 2, NAME: "x" }).variables)).to.deep.equal(["COUNT", "NAME"]);
  });

  it("passes a value known later (an output) through as it is", () => {
    const later = { promise: "an output" };
    expect(
      contractEnvironment<typeof PART, { NAME: typeof later }, typeof later>(PART, { NAME: later }).variables,
    ).to.deep.equal({
      NAME: later,
    });
  });

  const refused: [string, Record<string, unknown>, string][] = [
    ["a required variable missing", { COUNT: 2 }, "NAME must be set to lower-case letters"],
    ["a name the part does not read", { NAME: "x", NAMES: "y" }, "NAMES is not a variable processing reads"],
    ["a variable the platform sets", { NAME: "x", AWS_REGION: "eu-west-1" }, "AWS_REGION is set by Lambda"],
    ["a value the part refuses", { NAME: "x", COUNT: 12 }, "COUNT must be an integer from 1 to 9, got 12"],
    [
      "a switch written on/off",
      { NAME: "x", SWITCH: "on" },
      "SWITCH must be true or false (for on, write true), got on",
    ],
  ];
  for (const [what, values, message] of refused) {
    it(`refuses ${what}, naming it`, () => {
      // The type refuses these too; the check holds for values built at run time.
      expect(() => contractEnvironment(PART, values as never)).to.throw(Error, message);
    });
  }

  it("names every problem of a set of names at once", () => {
    expect(environmentNameProblems(PART, ["COUNT", "BOGUS", "AWS_REGION"])).to.deep.equal([
      "BOGUS is not a variable processing reads",
      "AWS_REGION is set by Lambda",
      "NAME must be set to lower-case letters",
    ]);
    expect(environmentNameProblems(PART, ["NAME"])).to.deep.equal([]);
  });
});

describe("the calls a part makes in an environment", () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ["the defaults", { NAME: "x" }, ["svc:Always", "other:Anywhere", "svc:Always"]],
    ["another mode", { NAME: "x", MODE: "b" }, ["svc:Always", "svc:InModeB", "other:Anywhere", "svc:Always"]],
    [
      "a variable set at all",
      { NAME: "x", TABLE: "t" },
      ["svc:Always", "svc:WithTable", "other:Anywhere", "svc:Always"],
    ],
    [
      "a switch as infra gives it",
      { NAME: "x", SWITCH: true },
      ["svc:Always", "svc:Switched", "other:Anywhere", "svc:Always"],
    ],
    [
      "a value known only later names a resource",
      { NAME: { output: 1 }, TABLE: { output: 2 } },
      ["svc:Always", "svc:WithTable", "other:Anywhere", "svc:Always"],
    ],
  ];
  for (const [what, env, actions] of cases) {
    it(what, () => expect(callsOf(PART, env).map((c) => c.action)).to.deep.equal(actions));
  }

  it("a mode known only later cannot decide: it must be plain at plan time", () => {
    expect(() => callsOf(PART, { NAME: "x", MODE: { output: 1 } })).to.throw(
      "processing: MODE decides which calls it makes, so it must be known at plan time",
    );
  });

  it("what the stack grants: signed actions per resource, each once; unsigned ones apart; per service", () => {
    const env = { NAME: "x", MODE: "b" };
    expect(actionsOn(PART, "thing", env)).to.deep.equal(["svc:Always", "svc:InModeB"]);
    expect(actionsOn(PART, "table", env)).to.deep.equal([]);
    expect(actionsOn(PART, "*", env)).to.deep.equal(["other:Anywhere"]);
    expect(unsignedActionsOn(PART, "thing", env)).to.deep.equal(["svc:Always"]);
    expect(serviceActions(PART, env, "svc")).to.deep.equal(["svc:Always", "svc:InModeB"]);
  });
});
