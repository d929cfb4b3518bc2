import { expect } from "chai";
import ngeohash from "ngeohash";
import {
  AIRPORTS,
  insideBox,
  JOB_DEFAULTS,
  jobConfig,
  JobConfigError,
  NYC_BOX,
} from "../../../runtime/hotspots/job-config";
import { cellCentre, pickupCell, windowStartOf } from "../../../runtime/hotspots/cell";
import { parseCliOptions, UsageError } from "../../../runtime/hotspots/cli-options";

describe("hot spots: job config", () => {
  it("defaults are valid", () => {
    expect(jobConfig()).to.deep.equal(JOB_DEFAULTS);
  });

  const rejected: [string, object, RegExp][] = [
    ["window not dividing a day", { windowMinutes: 7 }, /windowMinutes is 7, allowed: an integer from 1 to 1440/],
    ["window of 0", { windowMinutes: 0 }, /windowMinutes is 0/],
    ["window over a day", { windowMinutes: 2880 }, /windowMinutes is 2880/],
    ["fractional window", { windowMinutes: 1.5 }, /windowMinutes is 1.5/],
    ["precision 0", { geohashPrecision: 0 }, /geohashPrecision is 0, allowed: an integer from 1 to 12/],
    ["precision 13", { geohashPrecision: 13 }, /geohashPrecision is 13/],
    ["minTrips 0", { minTrips: 0 }, /minTrips is 0, allowed: an integer from 1/],
    ["minTrips NaN", { minTrips: NaN }, /minTrips is NaN/],
    [
      "negative out-of-orderness",
      { outOfOrdernessSeconds: -1 },
      /outOfOrdernessSeconds is -1, allowed: an integer from 0 to 86400/,
    ],
  ];
  for (const [what, overrides, message] of rejected) {
    it(`rejects ${what}`, () => {
      expect(() => jobConfig(overrides)).to.throw(JobConfigError, message);
    });
  }

  const accepted: object[] = [
    { windowMinutes: 1 },
    { windowMinutes: 60 },
    { windowMinutes: 1440 },
    { geohashPrecision: 1 },
    { geohashPrecision: 12 },
    { minTrips: 1 },
    { outOfOrdernessSeconds: 0 },
  ];
  for (const overrides of accepted) {
    it(`accepts ${JSON.stringify(overrides)}`, () => {
      expect(jobConfig(overrides)).to.include(overrides);
    });
  }

  it("names every bad value at once", () => {
    expect(() => jobConfig({ windowMinutes: 7, minTrips: 0 }))
      .to.throw(JobConfigError)
      .with.property("problems")
      .that.has.length(2);
  });

  it("the airports lie inside the city box, so airport trips are a subset of city pickups' windows", () => {
    for (const box of Object.values(AIRPORTS)) {
      expect(insideBox(NYC_BOX, box.west, box.south) && insideBox(NYC_BOX, box.east, box.north)).to.equal(true);
    }
  });
});

describe("hot spots: cells", () => {
  const cells: [number, number, number, string][] = [
    // lon, lat, precision, cell (checked with an independent geohash implementation: the Python UDF)
    [-74.00158, 40.719382, 6, "dr5rsh"],
    [-74.00158, 40.719382, 12, "dr5rsh9xw4yx"],
    [-73.9857, 40.7484, 7, "dr5ru6j"], // Empire State Building
    [-73.7781, 40.6413, 5, "dr5x1"], // JFK
    [0, 0, 1, "7"], // on both splits: geohash puts ties in the lower half
  ];
  for (const [lon, lat, precision, cell] of cells) {
    it(`(${lon}, ${lat}) at precision ${precision} is ${cell}`, () => {
      expect(pickupCell(lon, lat, precision)).to.equal(cell);
    });
  }

  it("a cell's centre lies in the cell", () => {
    const { lat, lon } = cellCentre("dr5ru7");
    expect(pickupCell(lon, lat, 6)).to.equal("dr5ru7");
    const [s, w, n, e] = ngeohash.decode_bbox("dr5ru7");
    expect(lat).to.equal((s + n) / 2);
    expect(lon).to.equal((w + e) / 2);
  });

  const windows: [number, number, number][] = [
    [0, 3_600_000, 0],
    [3_599_999, 3_600_000, 0],
    [3_600_000, 3_600_000, 3_600_000],
    [Date.UTC(2009, 0, 24, 21, 18, 23), 21_600_000, Date.UTC(2009, 0, 24, 18)],
  ];
  for (const [time, size, start] of windows) {
    it(`window of ${time} with size ${size} starts at ${start}`, () => {
      expect(windowStartOf(time, size)).to.equal(start);
    });
  }

  it("box edges are inside, as SQL's BETWEEN", () => {
    expect(insideBox(NYC_BOX, NYC_BOX.west, NYC_BOX.north)).to.equal(true);
    expect(insideBox(NYC_BOX, NYC_BOX.west - 1e-9, NYC_BOX.north)).to.equal(false);
    expect(insideBox(NYC_BOX, 0, 0)).to.equal(false);
  });
});

describe("hot spots: CLI options", () => {
  it("takes the defaults and the file: the whole file's answer, as a batch job", () => {
    expect(parseCliOptions(["--file", "a.csv"])).to.deep.equal({ file: "a.csv", config: JOB_DEFAULTS, mode: "batch" });
  });
  it("takes every option, streaming semantics only with --streaming", () => {
    const argv = ["--file", "a.csv", "--window-minutes", "60", "--precision", "7", "--min-trips", "2", "--streaming"];
    expect(parseCliOptions([...argv, "--out-of-orderness-seconds", "0"])).to.deep.equal({
      file: "a.csv",
      config: { windowMinutes: 60, geohashPrecision: 7, minTrips: 2, outOfOrdernessSeconds: 0 },
      mode: "streaming",
    });
  });
  const bad: [string[], RegExp][] = [
    [[], /--file is missing/],
    [["--file", "a", "--precision", "x"], /--precision is "x", allowed: an integer from 1 to 12/],
    [["--file", "a", "--precision", ""], /--precision is "", allowed/],
    [["--file", "a", "--min-trips", "1e3"], /--min-trips is "1e3"/],
    [
      ["--file", "a", "--window-minutes", "7"],
      /--window-minutes is 7, allowed: an integer from 1 to 1440 that divides 1440/,
    ],
    [["--file", "a", "--colour"], /Unknown option '--colour'/],
    [["--file", "a", "--out-of-orderness-seconds", "60"], /--out-of-orderness-seconds needs --streaming/],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${argv.join(" ") || "no arguments"}`, () => {
      expect(() => parseCliOptions(argv)).to.throw(UsageError, message);
    });
  }
});
