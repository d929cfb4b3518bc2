import { expect } from "chai";
import { EventEmitter } from "node:events";
import { ServerResponse } from "node:http";
import { SnapshotStreams } from "../../../runtime/local/page/snapshot-streams";

/** A stand-in response that keeps what is written to it. */
function page() {
  const written: string[] = [];
  let ended = false;
  const out = {
    writeHead: () => out,
    write: (chunk: string) => written.push(chunk),
    end: () => (ended = true),
  } as unknown as ServerResponse;
  return { out, request: new EventEmitter(), written, ended: () => ended };
}

describe("the live page's event streams", () => {
  it("sends one snapshot at once to a new page, and a broadcast serializes one snapshot for all pages", () => {
    let taken = 0;
    // A tick an hour away: nothing below comes from the timer.
    const streams = new SnapshotStreams(() => ({ n: ++taken }), 3_600_000);
    const [a, b] = [page(), page()];
    streams.add(a.out, a.request);
    streams.add(b.out, b.request);
    expect([a.written, b.written]).to.deep.equal([['data: {"n":1}\n\n'], ['data: {"n":2}\n\n']]);
    streams.broadcast();
    expect(taken).to.equal(3);
    expect(a.written[1]).to.equal('data: {"n":3}\n\n');
    expect(b.written[1]).to.equal('data: {"n":3}\n\n');
    streams.endAll();
  });

  it("stops writing to a page whose request closed, and ends the others on endAll", () => {
    const streams = new SnapshotStreams(() => ({}), 3_600_000);
    const [a, b] = [page(), page()];
    streams.add(a.out, a.request);
    streams.add(b.out, b.request);
    a.request.emit("close");
    streams.broadcast();
    expect([a.written.length, b.written.length]).to.deep.equal([1, 2]);
    streams.endAll();
    expect([a.ended(), b.ended()]).to.deep.equal([false, true]);
    streams.broadcast();
    expect(b.written.length).to.equal(2);
  });

  it("ticks while a page is open, and not after the last one closed", async () => {
    let taken = 0;
    const streams = new SnapshotStreams(() => ({ n: ++taken }), 20);
    const a = page();
    streams.add(a.out, a.request);
    // Bounded: two ticks are due within 40 ms; 2 s leaves room for a loaded machine.
    for (let waited = 0; a.written.length < 3 && waited < 2_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(a.written.length).to.be.at.least(3);
    a.request.emit("close");
    const after = taken;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(taken).to.equal(after);
  });
});
