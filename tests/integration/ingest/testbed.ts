/**
 * What the ingest integration tests share: one kinesis-local per test file, a fresh stream
 * per test, and every ingest process, proxy and HTTP client a test starts, tracked so that
 * afterEach ends them even when the test failed half-way.
 */
import { randomUUID } from "node:crypto";

import { KinesisClient } from "@aws-sdk/client-kinesis";

import { createKinesisClient } from "../../../runtime/common/aws/kinesis-client";
import { Emulator, LOCAL_REGION, startKinesis } from "../../../runtime/local/emulators";
import { createLocalStream } from "../../../runtime/local/stream-setup";
import { IngestClient, IngestClientOptions } from "../../harness/ingest-client";
import { IngestProcess, IngestSettings } from "../../harness/ingest-process";
import { KinesisFaults, KinesisProxy } from "../../harness/kinesis-proxy";
import { readStream, StreamContents } from "../../harness/stream-contents";

export class IngestTestbed {
  private processes: IngestProcess[] = [];
  private proxies: KinesisProxy[] = [];
  private httpClients: IngestClient[] = [];

  private constructor(
    readonly kinesis: Emulator,
    /** HTTP/1.1: kinesis-local fails under the SDK's HTTP/2 handler. */
    readonly client: KinesisClient,
  ) {}

  static async start(): Promise<IngestTestbed> {
    const kinesis = await startKinesis();
    return new IngestTestbed(
      kinesis,
      createKinesisClient({ region: LOCAL_REGION, endpoint: kinesis.endpoint, http: "1.1" }),
    );
  }

  /** A new ACTIVE stream with a name of its own, so tests never see each other's records. */
  async createStream(shards: number): Promise<string> {
    const name = `ingest-test-${randomUUID().slice(0, 8)}`;
    await createLocalStream(this.client, name, shards);
    return name;
  }

  /** An ingest service writing to `streamName`, straight to the emulator unless `endpoint` says otherwise. */
  async startIngest(
    streamName: string,
    settings: Record<string, string> = {},
    endpoint = this.kinesis.endpoint,
  ): Promise<IngestProcess> {
    const full: IngestSettings = { STREAM_NAME: streamName, KINESIS_ENDPOINT: endpoint, ...settings };
    const ingest = await IngestProcess.start(full);
    this.processes.push(ingest);
    return ingest;
  }

  async startProxy(faults: Partial<KinesisFaults> = {}): Promise<KinesisProxy> {
    const proxy = await KinesisProxy.start(this.kinesis.endpoint, faults);
    this.proxies.push(proxy);
    return proxy;
  }

  httpClient(ingest: IngestProcess, options?: IngestClientOptions): IngestClient {
    const client = new IngestClient(ingest.url, options);
    this.httpClients.push(client);
    return client;
  }

  read(streamName: string): Promise<StreamContents> {
    return readStream(this.client, streamName);
  }

  /** afterEach: kills what is still running. Processes first: they must not outlive their proxies' tests. */
  async cleanUp(): Promise<void> {
    for (const ingest of this.processes) ingest.kill();
    await Promise.all(this.processes.map((ingest) => ingest.exitWithin(5_000).catch(() => undefined)));
    this.httpClients.forEach((client) => client.close());
    await Promise.all(this.proxies.map((proxy) => proxy.close()));
    this.processes = [];
    this.proxies = [];
    this.httpClients = [];
  }

  /** after: everything, the emulator last. */
  async stop(): Promise<void> {
    await this.cleanUp();
    this.client.destroy();
    await this.kinesis.stop();
  }
}
