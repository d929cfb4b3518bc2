/**
 * The one kit settings are read with (runtime/common/setting.ts and parsers.ts): what each
 * parser takes and refuses, and the sentence a refused value gets, which a stack config key
 * and an environment variable share.
 */
import { expect } from "chai";
import { validateConfig } from "../../../infra/config/config";
import { readEnv, SettingsError } from "../../../runtime/common/env";
import {
  arn,
  httpUrl,
  integer,
  ipv4Cidr,
  matching,
  oneOf,
  oneOfIntegers,
  switchValue,
} from "../../../runtime/common/parsers";
import { missing, outOfBound, Parser, refusal, shown } from "../../../runtime/common/setting";

describe("settings kit", () => {
  describe("parsers", () => {
    const table: [string, Parser<unknown>, string, unknown][] = [
      ["integer: in range", integer(1, 10), "10", 10],
      ["integer: negative in range", integer(-5, 5), "-5", -5],
      ["integer: below", integer(1, 10), "0", undefined],
      ["integer: above", integer(1, 10), "11", undefined],
      ["integer: fraction", integer(1, 10), "2.5", undefined],
      ["integer: exponent", integer(1, 100), "1e1", undefined],
      ["integer: surrounding space", integer(1, 10), " 4", undefined],
      ["integer: empty", integer(0, 10), "", undefined],
      ["one of integers: listed", oneOfIntegers([1, 7, 30]), "7", 7],
      ["one of integers: not listed", oneOfIntegers([1, 7, 30]), "8", undefined],
      ["one of integers: padded", oneOfIntegers([1, 7, 30]), "07", 7],
      ["one of: listed", oneOf("durable", "buffered"), "buffered", "buffered"],
      ["one of: case matters", oneOf("durable", "buffered"), "Durable", undefined],
      ["matching", matching(/^[a-z]+$/, "lowercase letters"), "abc", "abc"],
      ["matching: refused", matching(/^[a-z]+$/, "lowercase letters"), "ab1", undefined],
      ["http URL: trailing slash dropped", httpUrl, "http://127.0.0.1:4568/", "http://127.0.0.1:4568"],
      ["http URL: https", httpUrl, "https://example.com/x", "https://example.com/x"],
      ["http URL: no scheme", httpUrl, "localhost:4568", undefined],
      ["http URL: ftp", httpUrl, "ftp://example.com", undefined],
      ["switch: true", switchValue, "true", true],
      ["switch: false", switchValue, "false", false],
      ["switch: on", switchValue, "on", undefined],
      ["switch: TRUE", switchValue, "TRUE", undefined],
      ["CIDR: /32", ipv4Cidr(16, "a block"), "203.0.113.7/32", "203.0.113.7/32"],
      ["CIDR: the widest allowed", ipv4Cidr(16, "a block"), "10.1.0.0/16", "10.1.0.0/16"],
      ["CIDR: wider than allowed", ipv4Cidr(16, "a block"), "10.0.0.0/8", undefined],
      ["CIDR: an octet above 255", ipv4Cidr(0, "a block"), "10.0.0.256/32", undefined],
      ["CIDR: no prefix", ipv4Cidr(0, "a block"), "10.0.0.1", undefined],
      [
        "ARN: a key",
        arn("kms", /key\/[0-9a-f-]{36}/, "a key ARN"),
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      ],
      [
        "ARN: another partition",
        arn("kms", /key\/[0-9a-f-]{36}/, "a key ARN"),
        "arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      ],
      [
        "ARN: another service",
        arn("kms", /key\/[0-9a-f-]{36}/, "a key ARN"),
        "arn:aws:acm:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        undefined,
      ],
      [
        "ARN: no region",
        arn("kms", /key\/[0-9a-f-]{36}/, "a key ARN"),
        "arn:aws:kms::123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        undefined,
      ],
      ["ARN: an alias", arn("kms", /key\/[0-9a-f-]{36}/, "a key ARN"), "alias/mine", undefined],
    ];
    for (const [title, parser, text, expected] of table) {
      it(`${title}: ${JSON.stringify(text)} -> ${JSON.stringify(expected)}`, () => {
        expect(parser.parse(text)).to.deep.equal(expected);
      });
    }

    it("say what they allow in words that complete 'must be'", () => {
      expect(integer(1, 500).allowed).to.equal("an integer from 1 to 500");
      expect(oneOf("a", "b").allowed).to.equal("one of a, b");
      expect(oneOfIntegers([1, 3]).allowed).to.equal("one of 1, 3");
      expect(switchValue.allowed).to.equal("true or false");
    });

    it("tell a switch set in other words which of true and false was meant", () => {
      expect(refusal("analytics", switchValue, "on")).to.equal(
        "analytics must be true or false (for on, write true), got on",
      );
      expect(refusal("flowLogs", switchValue, "off")).to.equal(
        "flowLogs must be true or false (for off, write false), got off",
      );
      expect(refusal("flowLogs", switchValue, "maybe")).to.equal("flowLogs must be true or false, got maybe");
    });
  });

  describe("sentences", () => {
    it("show a value bare when it is one word, quoted otherwise", () => {
      const table: [string, string][] = [
        ["0", "0"],
        ["arn:aws:kms:eu-west-1:1:key/x", "arn:aws:kms:eu-west-1:1:key/x"],
        ["ops@example.com", "ops@example.com"],
        ["has space", '"has space"'],
        ['["a"]', `'["a"]'`],
        ["", '""'],
      ];
      for (const [text, expected] of table) expect(shown(text), text).to.equal(expected);
    });

    it("name the setting, what is allowed and the value", () => {
      expect(refusal("PORT", integer(1, 65535), "70000")).to.equal(
        "PORT must be an integer from 1 to 65535, got 70000",
      );
      expect(missing("STREAM_NAME", matching(/./, "a stream name"))).to.equal(
        "STREAM_NAME must be set to a stream name",
      );
      expect(outOfBound("ingestMaxTasks", "at least", "ingestMinTasks", 5, 3)).to.equal(
        "ingestMaxTasks must be at least ingestMinTasks (5), got 3",
      );
    });

    it("say a narrower phrase when the parser has one for the value", () => {
      const parser: Parser<string> = {
        allowed: "a name",
        parse: () => undefined,
        allowedFor: (text) => (text.endsWith(".") ? "a name without the trailing dot" : "a name"),
      };
      expect(refusal("ingestDomainName", parser, "a.example.")).to.equal(
        "ingestDomainName must be a name without the trailing dot, got a.example.",
      );
    });

    it("are the same for a stack config key and an environment variable", () => {
      const config = validateConfig({ analytics: "false", ingestAllowPlainHttp: "true", retentionHours: "23" });
      let env: unknown;
      try {
        readEnv({ RETENTION_HOURS: { ...integer(24, 8760), purpose: "how long" } }, { RETENTION_HOURS: "23" });
      } catch (e) {
        env = e;
      }
      expect(env).to.be.instanceOf(SettingsError);
      expect((env as Error).message).to.equal("RETENTION_HOURS must be an integer from 24 to 8760, got 23");
      expect(config.ok ? [] : config.problems).to.deep.equal([
        "retentionHours must be an integer from 24 to 8760, got 23",
      ]);
    });
  });
});
