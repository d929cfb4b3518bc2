import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import ngeohash from "ngeohash";
import { HotSpot, HotspotEngine } from "../../runtime/hotspots/engine";
import { JobConfig, jobConfig } from "../../runtime/hotspots/job-config";
import { readHotspotTrips } from "../../runtime/hotspots/trip-file-reader";

const ROOT = path.join(__dirname, "..", "..");
const FILE = path.join(ROOT, "data", "nyc-taxi", "yellow_tripdata_2009-01_10k.csv");

interface Pickup {
  time: number;
  lon: number;
  lat: number;
}

/**
 * The brute force, written apart from the engine: its own CSV split (the file has no quoted
 * fields), January's fixed EST offset, the reference application's NYC box as literals.
 */
function bruteForce(config: JobConfig): string[] {
  const lines = readFileSync(FILE, "utf8").trim().split("\n");
  const header = lines[0].split(",");
  const [time, lon, lat] = ["Trip_Pickup_DateTime", "Start_Lon", "Start_Lat"].map((c) => header.indexOf(c));
  const pickups: Pickup[] = lines.slice(1).map((line) => {
    const f = line.split(",");
    return { time: Date.parse(f[time].replace(" ", "T") + "-05:00"), lon: Number(f[lon]), lat: Number(f[lat]) };
  });
  const windowMs = config.windowMinutes * 60 * 1000;
  const counts = new Map<string, number>();
  for (const p of pickups) {
    if (p.lon < -74.054 || p.lon > -73.722 || p.lat < 40.56 || p.lat > 40.878) continue;
    const key = `${ngeohash.encode(p.lat, p.lon, config.geohashPrecision)} ${Math.floor(p.time / windowMs) * windowMs}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .filter(([, n]) => n >= config.minTrips)
    .map(([key, n]) => `${key} ${n}`)
    .sort();
}

function engineInTimeOrder(config: JobConfig): { spots: HotSpot[]; engine: HotspotEngine } {
  const trips = readHotspotTrips(FILE).sort((a, b) => a.pickupTime - b.pickupTime);
  const engine = new HotspotEngine(config);
  const spots = trips.flatMap((trip) => engine.add(trip).hotSpots);
  spots.push(...engine.flush().hotSpots);
  return { spots, engine };
}

describe("hot spots: the shipped 2009 data", () => {
  const configs = [
    jobConfig(),
    jobConfig({ windowMinutes: 60, geohashPrecision: 5, minTrips: 3 }),
    jobConfig({ windowMinutes: 1440, geohashPrecision: 6, minTrips: 5, outOfOrdernessSeconds: 0 }),
  ];
  for (const config of configs) {
    it(`in time order the engine equals a brute-force count, for ${JSON.stringify(config)}`, () => {
      const { spots, engine } = engineInTimeOrder(config);
      expect(engine.stats.late).to.equal(0);
      const expected = bruteForce(config);
      expect(expected.length).to.be.greaterThan(100); // a real map, not an empty comparison
      expect(spots.map((s) => `${s.cell} ${s.windowStart} ${s.count}`).sort()).to.deep.equal(expected);
      // windows come out in time order, each once
      const starts = spots.map((s) => s.windowStart);
      expect(starts).to.deep.equal([...starts].sort((a, b) => a - b));
      expect(new Set(spots.map((s) => s.documentId)).size).to.equal(spots.length);
    });
  }

  it("the default map: windows with hot spots, and how many per window (the numbers in job-config.ts)", () => {
    const { spots, engine } = engineInTimeOrder(jobConfig());
    const perWindow = new Map<number, number>();
    for (const s of spots) perWindow.set(s.windowStart, (perWindow.get(s.windowStart) ?? 0) + 1);
    const counts = [...perWindow.values()].sort((a, b) => a - b);
    expect({
      windows: engine.stats.windows,
      windowsWithHotSpots: perWindow.size,
      hotSpots: spots.length,
      max: counts[counts.length - 1],
    }).to.deep.equal({ windows: 125, windowsWithHotSpots: 114, hotSpots: 1230, max: 35 });
    expect(engine.stats.outsideBox).to.equal(15);
  });

  // python3 is on every machine of this project (and Managed Flink runs the UDF under Python).
  it("the Python GEOHASH UDF gives ngeohash's cells and centres on every pickup", () => {
    const pickups = readHotspotTrips(FILE).map((t) => [t.pickupLon, t.pickupLat]);
    const script = [
      "import json, sys",
      "sys.path.insert(0, sys.argv[1])",
      "import hotspot_udfs as u",
      "points = json.load(sys.stdin)",
      "print(json.dumps([[u.encode(lon, lat, p) for p in (5, 6, 7, 12)] + [u.centre(u.encode(lon, lat, 6))] for lon, lat in points]))",
    ].join("\n");
    const run = spawnSync("python3", ["-c", script, path.join(ROOT, "runtime", "hotspots", "udf")], {
      input: JSON.stringify(pickups),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.status, run.stderr).to.equal(0);
    const fromPython: string[][] = JSON.parse(run.stdout);
    const fromNode = pickups.map(([lon, lat]) => {
      const cells = [5, 6, 7, 12].map((p) => ngeohash.encode(lat, lon, p));
      const centre = ngeohash.decode(cells[1]);
      return [...cells, `${centre.latitude},${centre.longitude}`];
    });
    expect(fromPython).to.deep.equal(fromNode);
  });

  it("the CLI prints one parseable JSON line per hot spot, as many as its summary says, in file order", () => {
    const run = spawnSync(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "runtime/hotspots/main.ts", "--file", FILE],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(run.status, run.stderr).to.equal(0);
    const lines = run.stdout.trim().split("\n").filter(Boolean);
    const spots = lines.map((line) => JSON.parse(line));
    const { summary } = JSON.parse(run.stderr.trim().split("\n").pop()!);
    expect(spots).to.have.length(summary.hotSpots);
    for (const spot of spots) {
      expect(Object.keys(spot)).to.deep.equal(["cell", "location", "count", "windowStart", "windowEnd"]);
      expect(spot.count).to.be.at.least(3);
      expect(new Date(spot.windowStart).toISOString()).to.equal(spot.windowStart);
    }
    // The file is not in time order: with the default 5 minutes nearly every row is late.
    expect(summary).to.deep.include({ events: 10_000, outsideBox: 15, late: 9876, windows: 6 });
  });

  it("the CLI exits 2 naming a bad option and what is allowed", () => {
    const run = spawnSync(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "runtime/hotspots/main.ts", "--file", FILE, "--min-trips", "0"],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(run.status).to.equal(2);
    expect(run.stderr).to.match(/--min-trips is 0, allowed: an integer from 1 to 1000000/);
    expect(run.stdout).to.equal("");
  });
});
