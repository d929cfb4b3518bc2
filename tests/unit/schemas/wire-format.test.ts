/**
 * The Glue wire format against vectors printed by a Java program that follows the AWS
 * library's encoder (tests/fixtures/glue-wire/): byte for byte, compressed records too.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { deflateSync } from "node:zlib";
import { Compression, decode, encode, HEADER_BYTES } from "../../../runtime/schemas/wire-format";
import { SchemaWireError } from "../../../runtime/schemas/schema-wire-error";

interface Vector {
  name: string;
  schemaVersionId: string;
  compression: Compression;
  payload: string;
  encodedHex: string;
}

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "glue-wire");
const VECTORS: Vector[] = JSON.parse(readFileSync(path.join(FIXTURES, "vectors.json"), "utf8")).vectors;
const ID = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6";

function header(compressionByte: number): Buffer {
  return Buffer.concat([Buffer.from([3, compressionByte]), Buffer.from(ID.replace(/-/g, ""), "hex")]);
}

describe("Glue wire format", () => {
  it("has vectors for both compressions, non-ASCII text and a payload over 1024 compressed bytes", () => {
    expect(VECTORS.map((v) => v.compression)).to.include.members(["none", "zlib"]);
    expect(VECTORS.some((v) => [...v.payload].some((c) => c.charCodeAt(0) > 0x7f))).to.equal(true);
    expect(VECTORS.some((v) => v.compression === "zlib" && v.encodedHex.length / 2 - HEADER_BYTES > 1024)).to.equal(
      true,
    );
  });

  for (const vector of VECTORS) {
    it(`encodes "${vector.name}" byte for byte as the Java library`, () => {
      const encoded = encode(Buffer.from(vector.payload, "utf8"), vector.schemaVersionId, {
        compression: vector.compression,
      });
      expect(encoded.toString("hex")).to.equal(vector.encodedHex);
    });

    it(`decodes "${vector.name}"`, () => {
      const decoded = decode(Buffer.from(vector.encodedHex, "hex"));
      expect(decoded).to.deep.equal({
        kind: "registry",
        schemaVersionId: vector.schemaVersionId,
        compression: vector.compression,
        payload: Buffer.from(vector.payload, "utf8"),
      });
    });
  }

  it("round-trips payloads of many sizes with both compressions", () => {
    for (const size of [0, 1, 17, 1023, 1024, 1025, 70_000]) {
      const payload = Buffer.from(JSON.stringify({ pad: "x".repeat(size), n: size }), "utf8");
      for (const compression of ["none", "zlib"] as const) {
        const decoded = decode(encode(payload, ID, { compression }));
        expect(decoded, `${size} bytes, ${compression}`).to.deep.equal({
          kind: "registry",
          schemaVersionId: ID,
          compression,
          payload,
        });
      }
    }
  });

  it("reads an upper-case schema version id and gives it back as Java prints it (lower case)", () => {
    const decoded = decode(encode(Buffer.from("{}"), ID.toUpperCase(), { compression: "none" }));
    expect(decoded).to.include({ kind: "registry", schemaVersionId: ID });
  });

  it("reads a header with an empty payload (18 bytes, the smallest registry record)", () => {
    expect(decode(header(0))).to.deep.equal({
      kind: "registry",
      schemaVersionId: ID,
      compression: "none",
      payload: Buffer.alloc(0),
    });
  });

  it("passes records without the header through untouched", () => {
    const cases = [Buffer.from('{"trip":1}'), Buffer.alloc(0), Buffer.from([0xf3, 0x89, 0x9a, 0xc2]), Buffer.from([2])];
    for (const record of cases) {
      const decoded = decode(record);
      expect(decoded.kind, record.toString("hex")).to.equal("plain");
      expect(decoded.kind === "plain" && decoded.data.equals(record)).to.equal(true);
    }
  });

  it("ignores bytes after the end of the zlib stream, as Java's Inflater does", () => {
    const record = Buffer.concat([header(5), deflateSync(Buffer.from("{}")), Buffer.from([1, 2, 3])]);
    expect(decode(record)).to.deep.include({ payload: Buffer.from("{}") });
  });

  const malformed: [string, Buffer, RegExp][] = [
    ["only the version byte", Buffer.from([3]), /too short: 1 bytes, but the header alone takes 18/],
    ["a header cut inside the id", header(0).subarray(0, 17), /too short: 17 bytes/],
    [
      "an unknown compression byte",
      Buffer.concat([header(7), Buffer.from("{}")]),
      /unknown compression byte 7 .*0 for none, 5 for zlib/,
    ],
    [
      "zlib flagged but not zlib",
      Buffer.concat([header(5), Buffer.from("{}")]),
      /f81d4fae-7dec-11d0-a765-00a0c91e6bf6 is refused: it does not inflate/,
    ],
    ["zlib with no bytes", header(5), /\(0 bytes\).*does not inflate/],
    [
      "truncated zlib",
      Buffer.concat([header(5), deflateSync(Buffer.from("{}".repeat(50))).subarray(0, 8)]),
      /does not inflate/,
    ],
  ];
  for (const [name, record, message] of malformed) {
    it(`refuses ${name}`, () => {
      expect(() => decode(record)).to.throw(SchemaWireError, message);
    });
  }

  it("refuses a zlib payload that inflates past the limit", () => {
    const record = encode(Buffer.alloc(100_000, 0x20), ID, { compression: "zlib" });
    expect(() => decode(record, { maxPayloadBytes: 50_000 })).to.throw(
      SchemaWireError,
      /past the limit of 50000 bytes/,
    );
    expect(decode(record, { maxPayloadBytes: 100_000 })).to.deep.include({ payload: Buffer.alloc(100_000, 0x20) });
  });

  it("refuses to encode with a schema version id that is not a UUID, naming it", () => {
    for (const id of ["", "f81d4fae7dec11d0a76500a0c91e6bf6", "f81d4fae-7dec-11d0-a765-00a0c91e6bfg", `${ID}0`]) {
      expect(() => encode(Buffer.from("{}"), id, { compression: "none" })).to.throw(
        SchemaWireError,
        `schema version id ${JSON.stringify(id)} is not a UUID`,
      );
    }
  });

  it("refuses to encode with an unknown compression, naming it", () => {
    const options = { compression: "gzip" as Compression };
    expect(() => encode(Buffer.from("{}"), ID, options)).to.throw(SchemaWireError, 'unknown compression "gzip"');
  });

  it("vectors.json is what GlueWireVectors.java prints (skipped without java)", function () {
    if (spawnSync("java", ["-version"]).status !== 0) this.skip();
    this.timeout(60_000);
    const printed = execFileSync("java", [path.join(FIXTURES, "GlueWireVectors.java")], { encoding: "utf8" });
    expect(JSON.parse(printed).vectors).to.deep.equal(VECTORS);
  });
});
