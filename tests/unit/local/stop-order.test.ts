import { setTimeout as sleep } from "node:timers/promises";

import { expect } from "chai";

import { Layer, StackChild, stopInOrder } from "../../../runtime/local/stop-order";

/** A child whose stop takes `stopMs` and writes its start and end into `events`. */
function fakeChild(name: string, stopMs: number, events: string[]): StackChild["child"] {
  return {
    stop: async () => {
      events.push(`${name} stopping`);
      await sleep(stopMs);
      events.push(`${name} gone`);
      return { code: 0, signal: null };
    },
  };
}

describe("stopInOrder (the local stack's shutdown)", () => {
  it("stops the services first and the emulators only once the services are gone", async () => {
    const events: string[] = [];
    const children: { name: string; layer: Layer; stopMs: number }[] = [
      { name: "kinesis", layer: "emulator", stopMs: 5 },
      { name: "dynamodb", layer: "emulator", stopMs: 5 },
      // Started last, but draining takes longest: the emulators must wait for it.
      { name: "ingest", layer: "service", stopMs: 40 },
    ];
    await stopInOrder(children.map((c) => ({ child: fakeChild(c.name, c.stopMs, events), layer: c.layer })));
    expect(events.slice(0, 2)).to.deep.equal(["ingest stopping", "ingest gone"]);
    expect(events.slice(2, 4)).to.have.members(["kinesis stopping", "dynamodb stopping"]);
    expect(events.slice(4)).to.have.members(["kinesis gone", "dynamodb gone"]);
  });

  it("ends other work (a control under way) alongside the services, not before them, and before the emulators", async () => {
    const events: string[] = [];
    const children = [
      { child: fakeChild("kinesis", 5, events), layer: "emulator" as const },
      { child: fakeChild("ingest", 30, events), layer: "service" as const },
    ];
    const control = (async () => {
      events.push("control going on");
      await sleep(60);
      events.push("control done");
    })();
    await stopInOrder(children, control);
    // The services did not wait for the control to end before they began stopping.
    expect(events.indexOf("ingest stopping")).to.be.below(events.indexOf("control done"));
    expect(events.indexOf("kinesis stopping")).to.be.above(events.indexOf("control done"));
  });

  it("stops the writers (the replay posts to ingest) before the services, and those before the emulators", async () => {
    const events: string[] = [];
    const children: { name: string; layer: Layer; stopMs: number }[] = [
      { name: "kinesis", layer: "emulator", stopMs: 5 },
      { name: "ingest", layer: "service", stopMs: 5 },
      // Started last, it posts to ingest: ingest must still answer while it stops.
      { name: "replay", layer: "writer", stopMs: 30 },
    ];
    await stopInOrder(children.map((c) => ({ child: fakeChild(c.name, c.stopMs, events), layer: c.layer })));
    expect(events).to.deep.equal([
      "replay stopping",
      "replay gone",
      "ingest stopping",
      "ingest gone",
      "kinesis stopping",
      "kinesis gone",
    ]);
  });

  it("stops the children of one layer in parallel", async () => {
    const events: string[] = [];
    await stopInOrder(
      ["kinesis", "dynamodb"].map((name) => ({ child: fakeChild(name, 20, events), layer: "emulator" as const })),
    );
    expect(events.slice(0, 2)).to.have.members(["kinesis stopping", "dynamodb stopping"]);
  });
});
