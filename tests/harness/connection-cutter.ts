/**
 * A plain TCP relay in front of an emulator that can cut every open connection at once, as
 * a network fault or AWS's end of a SubscribeToShard subscription does. It relays bytes
 * without reading them, so long streaming answers (an event stream) flow through as they come.
 */
import net from "node:net";

export class ConnectionCutter {
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private readonly server: net.Server;
  port = 0;
  /** Connections cut so far. */
  cuts = 0;

  private constructor(targetPort: number, targetHost: string) {
    this.server = net.createServer((client) => this.relay(client, net.connect(targetPort, targetHost)));
  }

  static async start(targetPort: number, targetHost = "127.0.0.1"): Promise<ConnectionCutter> {
    const cutter = new ConnectionCutter(targetPort, targetHost);
    await new Promise<void>((resolve, reject) => {
      cutter.server.once("error", reject);
      cutter.server.listen(0, "127.0.0.1", () => resolve());
    });
    cutter.port = (cutter.server.address() as net.AddressInfo).port;
    return cutter;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Connections open now. */
  get open(): number {
    return this.pairs.size;
  }

  /** Resets every open connection, both sides; returns how many. New connections are relayed as before. */
  cutAll(): number {
    const cut = this.pairs.size;
    for (const [client, upstream] of this.pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.pairs.clear();
    this.cuts += cut;
    return cut;
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket, upstream: net.Socket): void {
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
