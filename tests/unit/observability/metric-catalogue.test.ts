/**
 * The metric catalogue (runtime/observability/metrics/): each metric defined there once, and
 * nowhere else. A metric name or namespace spelled in a string outside it is a second
 * definition that a rename would miss; code refers to a metric by its catalogue property.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../../runtime/common/repo-root";
import { METRIC_CATALOGUE } from "../../../runtime/observability/metrics/catalogue";
import { metricKey } from "../../../runtime/observability/metrics/metric";
import { namesInSource, readSource, sourceFiles } from "../../harness/metric-names-in-sources";

const CATALOGUE_DIR = "runtime/observability/metrics";
/** The trees whose code reads or writes metrics. */
const TREES = ["infra", "runtime", "bench", "tools"];
/**
 * The one copy there must be: the hot-spot job's Python UDF cannot import TypeScript;
 * tests/unit/hotspots/udfs.test.ts holds its name equal to the catalogue's.
 */
const ALLOWED = [{ file: "runtime/hotspots/udf/hotspot_udfs.py", name: "skippedTrips" }];

const catalogueNames = [...new Set(METRIC_CATALOGUE.flatMap((m) => [m.name, m.namespace]))];

describe("the metric catalogue", () => {
  it("is the only place a metric name or namespace is spelled: infra/, runtime/, bench/ and tools/ refer to its definitions", () => {
    const files = TREES.flatMap((tree) =>
      sourceFiles(
        path.join(REPO_ROOT, tree),
        (relative) => `${tree}/${relative}` === CATALOGUE_DIR || relative.split("/").includes("node_modules"),
      ).map((relative) => `${tree}/${relative}`),
    );
    expect(files).to.include("infra/observability/dashboard-body.ts");
    const copies = files
      .flatMap((file) => namesInSource(file, readSource(REPO_ROOT, file), catalogueNames))
      .filter((hit) => !ALLOWED.some((a) => a.file === hit.file && a.name === hit.name))
      .map((hit) => `${hit.file}:${hit.line} ${hit.name} in ${JSON.stringify(hit.text)}`);
    expect(copies, `refer to these through ${CATALOGUE_DIR}/ instead`).to.deep.equal([]);
  });

  it("finds a name in strings and template texts, never in comments; inside prose only the names no word could be", () => {
    const source = [
      "// IncomingBytes in a comment",
      "/* KinesisRecordsPut in a block comment */",
      'const a = "IncomingBytes";',
      "const b = `SELECT MAX(MillisBehindLatest) FROM ${ns}`;",
      "const c = `${x} KPUs`;",
      'const d = "KPUs";',
      "const e = 'the GetRecords.IteratorAgeMilliseconds line';",
      "const f = m.IncomingRecords;",
    ].join("\n");
    const found = namesInSource("x.ts", source, catalogueNames).map((h) => `${h.line} ${h.name}`);
    expect(found).to.deep.equal([
      "3 IncomingBytes",
      "4 MillisBehindLatest",
      "6 KPUs",
      "7 GetRecords.IteratorAgeMilliseconds",
    ]);
    const python = ['# "skippedTrips" in a comment', 'SKIPPED = "skippedTrips"'].join("\n");
    expect(namesInSource("x.py", python, catalogueNames).map((h) => h.line)).to.deep.equal([2]);
  });

  it("defines each metric once: a namespace, name and dimension set names one metric", () => {
    const identities = METRIC_CATALOGUE.map((m) => `${m.namespace} ${m.name} {${[...m.dimensions].sort().join(",")}}`);
    expect(identities.filter((id, i) => identities.indexOf(id) !== i)).to.deep.equal([]);
  });

  it("gives every metric its dimensions, a period of whole minutes, a code key, and a reference that exists; ours a unit", () => {
    const problems = METRIC_CATALOGUE.flatMap((m) => {
      const at = `${m.namespace} ${m.name}`;
      const ours = !m.reference.startsWith("https://");
      return [
        ...(m.dimensions.length === 0 ? [`${at}: no dimensions (every metric we read is filed under some)`] : []),
        ...(new Set(m.dimensions).size !== m.dimensions.length ? [`${at}: a dimension twice`] : []),
        ...(m.period > 0 && m.period % 60 === 0 ? [] : [`${at}: period ${m.period} is not whole minutes`]),
        ...(/^[A-Za-z][A-Za-z0-9]*$/.test(metricKey(m.name)) ? [] : [`${at}: key ${metricKey(m.name)}`]),
        ...(!ours && !m.reference.startsWith("https://docs.aws.amazon.com/") ? [`${at}: ${m.reference}`] : []),
        ...(ours && !existsSync(path.join(REPO_ROOT, m.reference)) ? [`${at}: no file ${m.reference}`] : []),
        ...(ours && m.unit === undefined ? [`${at}: an EMF metric without a unit`] : []),
      ];
    });
    expect(METRIC_CATALOGUE.length).to.be.above(50);
    expect(problems).to.deep.equal([]);
  });
});
