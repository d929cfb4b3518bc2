import { expect } from "chai";
import { Lease, SHARD_END, TRIM_HORIZON } from "../../../runtime/processing/leases/lease";
import { isExpired, observe, planTakes, Sightings } from "../../../runtime/processing/leases/lease-taker";

const FAILOVER = 10_000;
const identity = <T>(items: T[]) => items;

function lease(key: string, owner?: string, counter = 1): Lease {
  return {
    leaseKey: key,
    owner,
    counter,
    checkpoint: TRIM_HORIZON,
    parentShardIds: [],
    ownerSwitchesSinceCheckpoint: 0,
  };
}

/** Leases all seen at time 0 and still unchanged at `now`. */
function seen(leases: Lease[]): Sightings {
  return observe(new Map(), leases, 0);
}

function plan(workerId: string, leases: Lease[], now = 1000, sightings = seen(leases)) {
  return planTakes({ workerId, leases, sightings, now, failoverMs: FAILOVER, shuffle: identity });
}

describe("lease taking", () => {
  describe("expiry is judged by this worker's clock on the counter, not by timestamps", () => {
    const l = lease("s1", "a", 5);
    it("a lease whose counter moved is alive", () => {
      const s = observe(seen([l]), [{ ...l, counter: 6 }], 20_000);
      expect(isExpired({ ...l, counter: 6 }, s, 25_000, FAILOVER)).to.equal(false);
    });
    it("a lease whose counter stood still past the failover time is expired", () => {
      expect(isExpired(l, seen([l]), FAILOVER + 1, FAILOVER)).to.equal(true);
      expect(isExpired(l, seen([l]), FAILOVER, FAILOVER)).to.equal(false);
    });
    it("a lease without owner is free at once", () => {
      expect(isExpired(lease("s1"), seen([]), 0, FAILOVER)).to.equal(true);
    });
    it("a lease seen for the first time is not expired yet", () => {
      expect(isExpired(l, new Map(), 1_000_000, FAILOVER)).to.equal(false);
    });
  });

  const table: {
    name: string;
    worker: string;
    leases: Lease[];
    now?: number;
    take: string[];
    steal?: string;
    target: number;
  }[] = [
    {
      name: "a lone worker takes every free lease",
      worker: "a",
      leases: [lease("s1"), lease("s2"), lease("s3"), lease("s4")],
      take: ["s1", "s2", "s3", "s4"],
      target: 4,
    },
    {
      name: "a second worker with nothing free steals one from the first",
      worker: "b",
      leases: ["s1", "s2", "s3", "s4"].map((k) => lease(k, "a")),
      take: [],
      steal: "s1",
      target: 2,
    },
    {
      name: "at target, nothing to do",
      worker: "b",
      leases: [lease("s1", "a"), lease("s2", "a"), lease("s3", "b"), lease("s4", "b")],
      take: [],
      target: 2,
    },
    {
      name: "3 workers, 4 shards: a worker with 1 does not steal from one at target 2",
      worker: "c",
      leases: [lease("s1", "a"), lease("s2", "a"), lease("s3", "b"), lease("s4", "c")],
      take: [],
      target: 2,
    },
    {
      name: "3 workers, 4 shards: a worker with 0 steals one even when the others are at target",
      worker: "c",
      leases: [lease("s1", "a"), lease("s2", "a"), lease("s3", "b"), lease("s4", "b")],
      take: [],
      steal: "s1",
      target: 2,
    },
    {
      name: "expired leases of a dead worker are taken before anything is stolen",
      worker: "b",
      leases: [lease("s1", "a"), lease("s2", "a"), lease("s3", "dead"), lease("s4", "dead")],
      now: FAILOVER + 1,
      // All unchanged since time 0: every lease looks expired from b's view, so a and dead
      // both drop out of the worker set and b aims for all 4.
      take: ["s1", "s2", "s3", "s4"],
      target: 4,
    },
    {
      name: "finished shards (SHARD_END) are no work and are never taken",
      worker: "a",
      leases: [{ ...lease("parent"), checkpoint: SHARD_END }, lease("child-1"), lease("child-2")],
      take: ["child-1", "child-2"],
      target: 2,
    },
    {
      name: "steals at most one lease per cycle, from the most loaded worker",
      worker: "d",
      leases: [...["s1", "s2", "s3", "s4", "s5", "s6"].map((k) => lease(k, "a")), lease("s7", "b"), lease("s8", "c")],
      take: [],
      steal: "s1",
      target: 2,
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      const p = plan(c.worker, c.leases, c.now);
      expect(p.take.map((l) => l.leaseKey)).to.deep.equal(c.take);
      expect(p.steal?.leaseKey).to.equal(c.steal);
      expect(p.target).to.equal(c.target);
    });
  }

  it("only the dead worker's leases expire when the others keep renewing", () => {
    const leases = [lease("s1", "a", 1), lease("s2", "a", 1), lease("s3", "dead", 1), lease("s4", "dead", 1)];
    let sightings = observe(new Map(), leases, 0);
    const renewed = leases.map((l) => (l.owner === "a" ? { ...l, counter: 2 } : l));
    sightings = observe(sightings, renewed, 9_000);
    const p = plan("b", renewed, 12_000, sightings);
    expect(p.workers).to.deep.equal(["a", "b"]);
    expect(p.take.map((l) => l.leaseKey)).to.deep.equal(["s3", "s4"]);
  });

  it("converges to a balanced assignment: 3 workers on 4 shards hold 1 or 2 each", () => {
    let leases = ["s1", "s2", "s3", "s4"].map((k) => lease(k));
    const workers = ["w1", "w2", "w3"];
    for (let round = 0; round < 20; round++) {
      for (const w of workers) {
        const p = planTakes({
          workerId: w,
          leases,
          sightings: observe(new Map(), leases, 0),
          now: 1,
          failoverMs: FAILOVER,
          shuffle: identity,
        });
        const chosen = [...p.take, ...(p.steal ? [p.steal] : [])].map((l) => l.leaseKey);
        leases = leases.map((l) => (chosen.includes(l.leaseKey) ? { ...l, owner: w, counter: l.counter + 1 } : l));
      }
    }
    const counts = workers.map((w) => leases.filter((l) => l.owner === w).length);
    expect(counts.reduce((a, b) => a + b)).to.equal(4);
    for (const n of counts) expect(n).to.be.within(1, 2);
  });
});
