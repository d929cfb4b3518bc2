import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import ngeohash from "ngeohash";
import { HotSpot, HotspotEngine } from "../../../runtime/hotspots/engine";
import { JobConfig, jobConfig } from "../../../runtime/hotspots/job-config";
import { readHotspotTrips } from "../../../runtime/hotspots/trip-file-reader";

const ROOT = path.join(__dirname, "..", "..", "..");
const FILE = path.join(ROOT, "data", "nyc-taxi", "yellow_tripdata_2009-01_10k.csv");
const FILE_2015 = path.join(ROOT, "data", "nyc-taxi", "yellow_tripdata_2015-01_head.csv");
/** The columns of a pickup in each shipped file's layout. */
const PICKUP_COLUMNS: Record<string, [string, string, string]> = {
  [FILE]: ["Trip_Pickup_DateTime", "Start_Lon", "Start_Lat"],
  [FILE_2015]: ["tpep_pickup_datetime", "pickup_longitude", "pickup_latitude"],
};

interface Pickup {
  time: number;
  lon: number;
  lat: number;
}

/**
 * The brute force, written apart from the engine: its own CSV split (the files have no
 * quoted fields), January's fixed EST offset, the reference application's NYC box as
 * literals; every pickup counts in its window, whatever its place in the file.
 */
function bruteForce(config: Pick<JobConfig, "windowMinutes" | "geohashPrecision" | "minTrips">, file = FILE): string[] {
  const lines = readFileSync(file, "utf8").trim().split("\n");
  const header = lines[0].split(",").map((c) => c.trim());
  const [time, lon, lat] = PICKUP_COLUMNS[file].map((c) => header.indexOf(c));
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

/** `npm run hotspots -- ...` from source: its hot-spot lines and its summary. */
function cli(...argv: string[]) {
  const run = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "runtime/hotspots/main.ts", ...argv],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  expect(run.status, run.stderr).to.equal(0);
  const spots = run.stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  const { summary } = JSON.parse(run.stderr.trim().split("\n").pop()!);
  return { spots, summary };
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

  // The files are not in time order: a batch answer must not depend on it.
  const CLI_RUNS: [string, string[], Parameters<typeof bruteForce>[0]][] = [
    [FILE, [], { windowMinutes: 360, geohashPrecision: 6, minTrips: 3 }],
    [FILE_2015, ["--window-minutes", "60"], { windowMinutes: 60, geohashPrecision: 6, minTrips: 3 }],
  ];
  for (const [file, options, config] of CLI_RUNS) {
    it(`by default the CLI answers for the whole file, as a brute-force count: ${path.basename(file)} ${options.join(" ")}`, () => {
      const { spots, summary } = cli("--file", file, ...options);
      const expected = bruteForce(config, file);
      expect(expected.length).to.be.greaterThan(100);
      expect(spots.map((s) => `${s.cell} ${Date.parse(s.windowStart)} ${s.count}`).sort()).to.deep.equal(expected);
      expect(summary).to.deep.include({ mode: "batch", late: 0, hotSpots: expected.length, config });
      for (const spot of spots) {
        expect(Object.keys(spot)).to.deep.equal(["cell", "location", "count", "windowStart", "windowEnd"]);
        expect(new Date(spot.windowStart).toISOString()).to.equal(spot.windowStart);
      }
      const starts = spots.map((s) => Date.parse(s.windowStart));
      expect(starts).to.deep.equal([...starts].sort((a, b) => a - b));
    });
  }

  it("with --streaming the CLI reads the file in its order, as the Flink job reads a stream: most trips are late", () => {
    const { spots, summary } = cli("--file", FILE_2015, "--window-minutes", "60", "--streaming");
    expect(spots).to.have.length(summary.hotSpots);
    expect(summary).to.deep.include({ mode: "streaming", events: 4999, outsideBox: 92, late: 4666, hotSpots: 9 });
    expect(summary.config).to.deep.equal({
      windowMinutes: 60,
      geohashPrecision: 6,
      minTrips: 3,
      outOfOrdernessSeconds: 300,
    });
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
