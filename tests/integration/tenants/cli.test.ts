/**
 * The tenants CLI against the DynamoDB emulator, as an operator runs it against the local
 * stack (--local): every command, and each mistake's message. The table is the one the
 * ingest service reads: a key it creates resolves, a revoked one does not.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDynamoDbClient } from "../../../runtime/common/aws/dynamodb-client";
import { writeStackFile } from "../../../runtime/common/stack-file";
import { Emulator, LOCAL_REGION, startDynamo } from "../../../runtime/local/emulators";
import { createTenantsTable } from "../../../runtime/local/local-tenants";
import { apiKeyHash } from "../../../runtime/tenants/api-key";
import { resolveKey } from "../../../runtime/tenants/key-resolution";
import { runTenantsCli } from "../../../runtime/tenants/main";
import { TenantTable } from "../../../runtime/tenants/tenant-table";
import { REPO_ROOT } from "../../../runtime/common/repo-root";

const TABLE = "cli-test-tenants";

describe("npm run tenants (against the DynamoDB emulator)", function () {
  this.timeout(60_000);
  let dynamo: Emulator;
  let stateDir: string;
  let table: TenantTable;
  const client = () => createDynamoDbClient({ region: LOCAL_REGION, endpoint: dynamo.endpoint });
  let ddb: ReturnType<typeof client>;
  const previousStateDir = process.env.LOCAL_STATE_DIR;

  before(async () => {
    dynamo = await startDynamo();
    ddb = client();
    await createTenantsTable(ddb, TABLE);
    table = new TenantTable(ddb, TABLE, LOCAL_REGION);
    stateDir = mkdtempSync(path.join(tmpdir(), "tenants-cli-"));
    process.env.LOCAL_STATE_DIR = stateDir;
    await writeStackFile(stateDir, {
      kinesisEndpoint: "http://127.0.0.1:9",
      dynamodbEndpoint: dynamo.endpoint,
      region: LOCAL_REGION,
      streamName: "s",
      streamArn: "arn:aws:kinesis:us-east-1:000000000000:stream/s",
      shardCount: 1,
      stackPid: process.pid,
      pids: {},
      startedAt: new Date().toISOString(),
      tenantsTable: TABLE,
      ingestUrl: "http://127.0.0.1:8080",
    });
  });
  after(async () => {
    ddb?.destroy();
    if (previousStateDir === undefined) delete process.env.LOCAL_STATE_DIR;
    else process.env.LOCAL_STATE_DIR = previousStateDir;
    rmSync(stateDir, { recursive: true, force: true });
    await dynamo?.stop();
  });

  const run = async (...args: string[]) => {
    const lines: string[] = [];
    await runTenantsCli([...args, "--local"], (l) => lines.push(l));
    return lines.join("\n");
  };
  const keyIn = (text: string) => /(kp_test_[A-Za-z0-9_-]{43})/.exec(text)![1];
  const idIn = (text: string) => /(key_[0-9a-f]{12})/.exec(text)![1];

  it("create shows the key once with a working curl line; the table holds only its hash", async () => {
    const out = await run("create", "acme", "--records-per-second", "50");
    const key = keyIn(out);
    expect(out).to.contain(`curl -sS -X POST http://127.0.0.1:8080/ -H "Authorization: Bearer ${key}"`);
    expect(await resolveKey(table, apiKeyHash(key))).to.deep.equal({
      kind: "tenant",
      tenant: "acme",
      limits: { recordsPerSecond: 50 },
    });
    const { keys } = await table.scan();
    expect(JSON.stringify(keys)).to.not.contain(key);
    const list = await run("list");
    expect(list).to.match(/^acme {2}enabled {2}50 records\/s {2}created /m);
    expect(list).to.not.contain(key);
  });

  it("rotate: two keys work; a third is refused until one is revoked; revoke stops the old one", async () => {
    const first = keyIn(await run("create", "rota"));
    const rotated = await run("rotate", "rota");
    const second = keyIn(rotated);
    const firstId = idIn(rotated.slice(rotated.indexOf("stays valid") - 40));
    for (const key of [first, second]) expect((await resolveKey(table, apiKeyHash(key))).kind).to.equal("tenant");
    let error: Error | undefined;
    await run("rotate", "rota").catch((e: Error) => (error = e));
    expect(error?.message).to.match(
      /tenant rota already holds 2 active keys \(key_[0-9a-f]{12}, key_[0-9a-f]{12}\), the most it may: revoke/,
    );
    expect(await run("revoke", firstId)).to.contain(`revoked ${firstId} of tenant rota`);
    expect((await resolveKey(table, apiKeyHash(first))).kind).to.equal("unknown");
    expect((await resolveKey(table, apiKeyHash(second))).kind).to.equal("tenant");
    expect(await run("revoke", firstId)).to.contain("was already revoked");
    expect(keyIn(await run("rotate", "rota"))).to.match(/^kp_test_/);
  });

  it("disable, enable and set-limits change what ingest reads", async () => {
    const key = keyIn(await run("create", "toggle"));
    await run("disable", "toggle");
    expect(await resolveKey(table, apiKeyHash(key))).to.deep.equal({ kind: "disabled", tenant: "toggle" });
    await run("enable", "toggle");
    await run("set-limits", "toggle", "--bytes-per-second", "2048", "--records-per-second", "9");
    expect(await resolveKey(table, apiKeyHash(key))).to.deep.include({
      limits: { recordsPerSecond: 9, bytesPerSecond: 2048 },
    });
    await run("set-limits", "toggle", "--records-per-second", "default");
    expect(await resolveKey(table, apiKeyHash(key))).to.deep.include({
      kind: "tenant",
      limits: { bytesPerSecond: 2048 },
    });
  });

  const mistakes: [string[], RegExp][] = [
    [["create", "acme"], /tenant acme already exists: `rotate acme` gives it another key/],
    [["create", "Bad_Id"], /a tenant id must be 1 to 32 lower-case letters, digits and hyphens.*got "Bad_Id"/],
    [["create", "untenanted"], /untenanted is reserved/],
    [["create", "x", "--records-per-second", "0"], /--records-per-second must be a positive whole number, got "0"/],
    [["rotate", "nobody"], /no tenant nobody in the table/],
    [["disable", "nobody"], /no tenant nobody in the table/],
    [["revoke", "key_000000000000"], /no key key_000000000000 in the table/],
    [["revoke", "kp_test_abc"], /a key id is key_ and 12 hex digits/],
    [["set-limits", "acme"], /set-limits needs --records-per-second and\/or --bytes-per-second/],
    [["rename", "acme"], /no command "rename"/],
    [["create"], /create needs a tenant id/],
  ];
  for (const [args, message] of mistakes) {
    it(`${args.join(" ")}: ${message.source.slice(0, 60)}`, async () => {
      let error: Error | undefined;
      await run(...args).catch((e: Error) => (error = e));
      expect(error?.message).to.match(message);
    });
  }

  it("a table that does not exist: says so with its name and region", async () => {
    await writeStackFile(stateDir, {
      kinesisEndpoint: "http://127.0.0.1:9",
      dynamodbEndpoint: dynamo.endpoint,
      region: LOCAL_REGION,
      streamName: "s",
      streamArn: "arn",
      shardCount: 1,
      stackPid: process.pid,
      pids: {},
      startedAt: new Date().toISOString(),
      tenantsTable: "no-such-table",
    });
    let error: Error | undefined;
    await run("list").catch((e: Error) => (error = e));
    expect(error?.message).to.equal(
      "the tenants table no-such-table does not exist in us-east-1 (check the table name and the region)",
    );
  });

  it("as a command: a mistake exits 2 with its message on stderr", () => {
    const result = spawnSync(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "runtime/tenants/main.ts", "create", "acme"],
      { cwd: REPO_ROOT, encoding: "utf8", timeout: 30_000, env: { PATH: process.env.PATH } },
    );
    expect(result.status).to.equal(2);
    expect(result.stderr).to.match(/^tenants: which tenants table\?/);
  });
});
