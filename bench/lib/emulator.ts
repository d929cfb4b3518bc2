/**
 * kinesis-local with a fresh stream, for the runs that include the emulator. It is the
 * local stack's own start-up code (a guarded child on a random free port), so it is
 * stopped by `stop()` and also dies with this process if the benchmark is killed.
 */
import { randomUUID } from "node:crypto";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { createKinesisClient } from "../../runtime/common/aws/kinesis-client";
import { Emulator, LOCAL_REGION, startKinesis } from "../../runtime/local/emulators";
import { createLocalStream } from "../../runtime/local/stream-setup";
import { KinesisPort, kinesisPort } from "../../runtime/ingest/kinesis-port";
import { onExit } from "./cleanup";

export interface LocalKinesis {
  emulator: Emulator;
  client: KinesisClient;
  streamName: string;
  port: KinesisPort;
  stop(): Promise<void>;
}

export async function startLocalKinesis(shards: number): Promise<LocalKinesis> {
  const emulator = await startKinesis();
  const forget = onExit(() => emulator.stop());
  // As the ingest service creates its client: HTTP/1.1 (the emulator needs it) and no SDK
  // retries (the producers under test retry on their own).
  const client = createKinesisClient({
    region: LOCAL_REGION,
    endpoint: emulator.endpoint,
    http: "1.1",
    maxAttempts: 1,
  });
  const stop = async () => {
    client.destroy();
    await emulator.stop();
    forget();
  };
  try {
    const streamName = `bench-${randomUUID().slice(0, 8)}`;
    await createLocalStream(client, streamName, shards);
    return { emulator, client, streamName, port: kinesisPort(client, streamName), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
