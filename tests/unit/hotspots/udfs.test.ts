/**
 * The hot-spot job's Python UDFs (runtime/hotspots/udf/hotspot_udfs.py) under python3,
 * without PyFlink: a UDF that raises fails the Flink job for good (it restores and meets the
 * record again), so each must answer None to any input; and COUNT_SKIPPED_TRIP must count
 * into the metric and reasons the TypeScript side names. The geohash cells themselves are
 * checked against ngeohash in hotspots-shipped-data.test.ts.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { SKIPPED_TRIPS_METRIC } from "../../../runtime/observability/metrics/flink";
import { TRIP_PROBLEMS } from "../../../runtime/hotspots/usable-trip";

const UDF_DIR = path.join(__dirname, "..", "..", "..", "runtime", "hotspots", "udf");

/** Runs `body` after `import hotspot_udfs as u`; what it prints as JSON is the answer. */
function python(body: string): unknown {
  const script = ["import json, math, sys", "sys.path.insert(0, sys.argv[1])", "import hotspot_udfs as u", body].join(
    "\n",
  );
  const run = spawnSync("python3", ["-c", script, UDF_DIR], { encoding: "utf8", timeout: 20_000 });
  expect(run.status, run.stderr).to.equal(0);
  return JSON.parse(run.stdout);
}

describe("hot spots: the Python UDFs", () => {
  it("GEOHASH answers None, never raises, for a position or precision it cannot encode", () => {
    // [lon, lat, precision] as Python expressions: what Flink could hand over, and worse.
    const inputs = [
      "None, 40.7, 6",
      "-73.9, None, 6",
      "float('nan'), 40.7, 6",
      "-73.9, float('inf'), 6",
      "-181.0, 40.7, 6",
      "-73.9, 90.5, 6",
      "10 ** 400, 40.7, 6",
      "'-73.9', 40.7, 6",
      "True, 40.7, 6",
      "[-73.9], 40.7, 6",
      "{'lon': -73.9}, 40.7, 6",
      "-73.9, 40.7, None",
      "-73.9, 40.7, 0",
      "-73.9, 40.7, 13",
      "-73.9, 40.7, 6.0",
      "-73.9, 40.7, float('nan')",
      "-73.9, 40.7, '6'",
    ];
    const answers = python(`print(json.dumps([u.encode(${inputs.map((i) => `*[${i}]`).join("), u.encode(")})]))`);
    expect(answers).to.deep.equal(inputs.map(() => null));
    // ...and the edges of WGS 84 and of the precision still encode.
    expect(
      python("print(json.dumps([u.encode(-180, -90, 1), u.encode(180.0, 90.0, 12), u.encode(-73.9855, 40.758, 6)]))"),
    ).to.deep.equal(["0", "zzzzzzzzzzzz", "dr5ru7"]);
  });

  it("GEOHASH_CENTRE answers None, never raises, for what is not a cell", () => {
    const inputs = ["None", "''", "'dr5ru7!'", "'DR5RU7'", "'a'", "'dr5ru7dr5ru7d'", "42", "['d']", "b'dr5'"];
    expect(python(`print(json.dumps([u.centre(x) for x in [${inputs.join(", ")}]]))`)).to.deep.equal(
      inputs.map(() => null),
    );
    expect(python("print(json.dumps(u.centre('dr5ru7')))")).to.equal("40.75653076171875,-73.9874267578125");
  });

  it("COUNT_SKIPPED_TRIP counts each reason into skippedTrips{Reason} of the KinesisAnalytics group, and returns it", () => {
    const answer = python(
      [
        "class Counter:",
        "    def __init__(self, path): self.path, self.count = path, 0",
        "    def inc(self, n=1): self.count += n",
        "class Group:",
        "    registered = []",
        "    def __init__(self, path): self.path = path",
        "    def add_group(self, name, extra=None):",
        "        return Group(self.path + ([name] if extra is None else [name + '=' + extra]))",
        "    def counter(self, name):",
        "        c = Counter(self.path + [name]); Group.registered.append(c); return c",
        "class Context:",
        "    def get_metric_group(self): return Group([])",
        "f = u.SkippedTripCounter()",
        "f.open(Context())",
        "returned = [f.eval(r) for r in ['time', 'future', 'time', 'position', 'time', 'unknown', None]]",
        "print(json.dumps({'returned': returned, 'counters': [['/'.join(c.path), c.count] for c in Group.registered],",
        "  'problems': list(u.TRIP_PROBLEMS), 'metric': [u.SKIPPED_TRIPS_METRIC, u.REASON_DIMENSION]}))",
      ].join("\n"),
    );
    expect(answer).to.deep.equal({
      returned: ["time", "future", "time", "position", "time", "unknown", null],
      counters: [
        ["kinesisanalytics/Reason=time/skippedTrips", 3],
        ["kinesisanalytics/Reason=position/skippedTrips", 1],
        ["kinesisanalytics/Reason=future/skippedTrips", 1],
      ],
      problems: Object.keys(TRIP_PROBLEMS),
      // The catalogue's name and the dimension beside Application.
      metric: [SKIPPED_TRIPS_METRIC.name, SKIPPED_TRIPS_METRIC.dimensions[1]],
    });
  });
});
