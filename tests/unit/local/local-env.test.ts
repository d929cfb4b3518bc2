import path from "node:path";

import { expect } from "chai";

import { parseLocalEnv } from "../../../runtime/local/local-env";
import { UsageError } from "../../../runtime/common/usage-error";

const CWD = "/home/dev/kinesis-pipeline";
const REPO_LOCAL = path.resolve(__dirname, "..", "..", "..", ".local");

describe("parseLocalEnv (npm start settings)", () => {
  const valid: [string, Record<string, string>, Partial<ReturnType<typeof parseLocalEnv>>][] = [
    [
      "defaults when nothing is set",
      {},
      {
        kinesisPort: 4568,
        dynamodbPort: 4569,
        ingestPort: 8080,
        hotspotsPort: 3001,
        scalerPort: 3002,
        shardCount: 4,
        streamName: "kinesis-pipeline-local",
        stateDir: REPO_LOCAL,
        replaySpeedup: 3600,
      },
    ],
    ["the taxi replay off", { LOCAL_REPLAY_SPEEDUP: "0" }, { replaySpeedup: undefined }],
    ["a slower taxi replay", { LOCAL_REPLAY_SPEEDUP: "60" }, { replaySpeedup: 60 }],
    ["empty values count as unset", { LOCAL_SHARDS: "", LOCAL_STATE_DIR: "" }, { shardCount: 4, stateDir: REPO_LOCAL }],
    [
      "custom ports",
      { LOCAL_KINESIS_PORT: "14568", LOCAL_DYNAMODB_PORT: "1" },
      { kinesisPort: 14568, dynamodbPort: 1 },
    ],
    ["highest port", { LOCAL_KINESIS_PORT: "65535" }, { kinesisPort: 65535 }],
    ["custom ingest port", { LOCAL_INGEST_PORT: "18080" }, { ingestPort: 18080 }],
    ["empty ingest port counts as unset", { LOCAL_INGEST_PORT: "" }, { ingestPort: 8080 }],
    ["custom hot-spots port", { LOCAL_HOTSPOTS_PORT: "13001" }, { hotspotsPort: 13001 }],
    ["custom scaler port", { LOCAL_SCALER_PORT: "13002" }, { scalerPort: 13002 }],
    ["one shard", { LOCAL_SHARDS: "1" }, { shardCount: 1 }],
    ["kinesis-local's shard limit", { LOCAL_SHARDS: "50" }, { shardCount: 50 }],
    ["a shipped schema to enforce at ingest", { LOCAL_INGEST_SCHEMA: "taxi-trip" }, { ingestSchema: "taxi-trip" }],
    ["stream name with every allowed character", { LOCAL_STREAM_NAME: "a-Z_0.9" }, { streamName: "a-Z_0.9" }],
    ["128-character stream name", { LOCAL_STREAM_NAME: "s".repeat(128) }, { streamName: "s".repeat(128) }],
    ["relative state dir is resolved against cwd", { LOCAL_STATE_DIR: "tmp/state" }, { stateDir: `${CWD}/tmp/state` }],
    ["absolute state dir", { LOCAL_STATE_DIR: "/var/tmp/stack" }, { stateDir: "/var/tmp/stack" }],
    ["unrelated variables are ignored", { LOCAL_SHARD: "abc", PORT: "x" }, { shardCount: 4 }],
  ];
  for (const [title, env, expected] of valid) {
    it(`accepts: ${title}`, () => {
      expect(parseLocalEnv(env, CWD)).to.include(expected);
    });
  }

  it("lists every port with the variable that sets it, for the check that each is free", () => {
    expect(parseLocalEnv({ LOCAL_PAGE_PORT: "13000" }, CWD).ports).to.deep.equal([
      { variable: "LOCAL_KINESIS_PORT", port: 4568 },
      { variable: "LOCAL_DYNAMODB_PORT", port: 4569 },
      { variable: "LOCAL_INGEST_PORT", port: 8080 },
      { variable: "LOCAL_HOTSPOTS_PORT", port: 3001 },
      { variable: "LOCAL_SCALER_PORT", port: 3002 },
      { variable: "LOCAL_PAGE_PORT", port: 13000 },
    ]);
  });

  const invalid: [string, Record<string, string>, RegExp][] = [
    ["non-numeric port", { LOCAL_KINESIS_PORT: "abc" }, /LOCAL_KINESIS_PORT must be a port from 1 to 65535, got abc/],
    ["port 0", { LOCAL_KINESIS_PORT: "0" }, /LOCAL_KINESIS_PORT must be a port from 1 to 65535, got 0/],
    [
      "port above 65535",
      { LOCAL_DYNAMODB_PORT: "65536" },
      /LOCAL_DYNAMODB_PORT must be a port from 1 to 65535, got 65536/,
    ],
    ["negative port", { LOCAL_DYNAMODB_PORT: "-1" }, /LOCAL_DYNAMODB_PORT must be .*, got -1/],
    ["port with trailing text", { LOCAL_KINESIS_PORT: "4568x" }, /LOCAL_KINESIS_PORT must be .*, got 4568x/],
    ["port with spaces", { LOCAL_KINESIS_PORT: " 4568" }, /LOCAL_KINESIS_PORT must be .*, got " 4568"/],
    ["port in exponent notation", { LOCAL_KINESIS_PORT: "4e3" }, /LOCAL_KINESIS_PORT must be .*, got 4e3/],
    ["fractional port", { LOCAL_KINESIS_PORT: "4568.5" }, /LOCAL_KINESIS_PORT must be .*, got 4568.5/],
    [
      "same port twice",
      { LOCAL_KINESIS_PORT: "5000", LOCAL_DYNAMODB_PORT: "5000" },
      /LOCAL_DYNAMODB_PORT must differ from LOCAL_KINESIS_PORT, got 5000/,
    ],
    ["default port reused", { LOCAL_DYNAMODB_PORT: "4568" }, /LOCAL_DYNAMODB_PORT must differ .*, got 4568/],
    [
      "non-numeric ingest port",
      { LOCAL_INGEST_PORT: "http" },
      /LOCAL_INGEST_PORT must be a port from 1 to 65535, got http/,
    ],
    ["ingest port 0", { LOCAL_INGEST_PORT: "0" }, /LOCAL_INGEST_PORT must be a port from 1 to 65535, got 0/],
    [
      "ingest port above 65535",
      { LOCAL_INGEST_PORT: "80800" },
      /LOCAL_INGEST_PORT must be a port from 1 to 65535, got 80800/,
    ],
    [
      "ingest port the same as Kinesis",
      { LOCAL_KINESIS_PORT: "9000", LOCAL_INGEST_PORT: "9000" },
      /LOCAL_INGEST_PORT must differ from LOCAL_KINESIS_PORT, got 9000/,
    ],
    [
      "ingest port the default DynamoDB port",
      { LOCAL_INGEST_PORT: "4569" },
      /LOCAL_INGEST_PORT must differ from LOCAL_DYNAMODB_PORT, got 4569/,
    ],
    ["hot-spots port 0", { LOCAL_HOTSPOTS_PORT: "0" }, /LOCAL_HOTSPOTS_PORT must be a port from 1 to 65535, got 0/],
    [
      "scaler port taken by the hot spots",
      { LOCAL_HOTSPOTS_PORT: "9100", LOCAL_SCALER_PORT: "9100" },
      /LOCAL_SCALER_PORT must differ from LOCAL_HOTSPOTS_PORT, got 9100/,
    ],
    [
      "hot-spots port the same as ingest",
      { LOCAL_INGEST_PORT: "9000", LOCAL_HOTSPOTS_PORT: "9000" },
      /LOCAL_HOTSPOTS_PORT must differ from LOCAL_INGEST_PORT, got 9000/,
    ],
    [
      "hot-spots port the default Kinesis port",
      { LOCAL_HOTSPOTS_PORT: "4568" },
      /LOCAL_HOTSPOTS_PORT must differ from LOCAL_KINESIS_PORT, got 4568/,
    ],
    ["zero shards", { LOCAL_SHARDS: "0" }, /LOCAL_SHARDS must be an integer from 1 to 50, got 0/],
    ["too many shards", { LOCAL_SHARDS: "51" }, /LOCAL_SHARDS must be an integer from 1 to 50, got 51/],
    ["non-numeric shards", { LOCAL_SHARDS: "four" }, /LOCAL_SHARDS must be an integer from 1 to 50, got four/],
    [
      "a schema that is not shipped",
      { LOCAL_INGEST_SCHEMA: "taxi" },
      /LOCAL_INGEST_SCHEMA must be a schema of schemas\/.*, got taxi/,
    ],
    [
      "a replay speedup that is not a number",
      { LOCAL_REPLAY_SPEEDUP: "fast" },
      /LOCAL_REPLAY_SPEEDUP must be 0 for no replay, or a positive number, got fast/,
    ],
    [
      "stream name with a slash",
      { LOCAL_STREAM_NAME: "a/b" },
      /LOCAL_STREAM_NAME must be 1 to 128 characters.*, got a\/b/,
    ],
    ["stream name with a space", { LOCAL_STREAM_NAME: "my stream" }, /LOCAL_STREAM_NAME must be .*, got "my stream"/],
    [
      "stream name too long",
      { LOCAL_STREAM_NAME: "s".repeat(129) },
      /LOCAL_STREAM_NAME must be 1 to 128 characters.*, got s{129}/,
    ],
  ];
  invalid.push([
    "a port equal to another's default",
    { LOCAL_HOTSPOTS_PORT: "3000" },
    /LOCAL_PAGE_PORT must differ from LOCAL_HOTSPOTS_PORT, got 3000/,
  ]);
  for (const [title, env, message] of invalid) {
    it(`rejects: ${title}`, () => {
      expect(() => parseLocalEnv(env, CWD)).to.throw(UsageError, message);
    });
  }

  it("reports every bad variable in one error", () => {
    expect(() =>
      parseLocalEnv(
        {
          LOCAL_KINESIS_PORT: "x",
          LOCAL_INGEST_PORT: "-8080",
          LOCAL_HOTSPOTS_PORT: "http",
          LOCAL_SHARDS: "99",
          LOCAL_STREAM_NAME: "a b",
          LOCAL_REPLAY_SPEEDUP: "-1",
        },
        CWD,
      ),
    )
      .to.throw(UsageError)
      .with.property("message")
      .that.matches(/LOCAL_KINESIS_PORT must be .*, got x/)
      .and.matches(/LOCAL_INGEST_PORT must be .*, got -8080/)
      .and.matches(/LOCAL_HOTSPOTS_PORT must be .*, got http/)
      .and.matches(/LOCAL_SHARDS must be .*, got 99/)
      .and.matches(/LOCAL_STREAM_NAME must be .*, got "a b"/)
      .and.matches(/LOCAL_REPLAY_SPEEDUP must be .*, got -1/);
  });
});
