import net from "node:net";

import { UsageError } from "../common/usage-error";

/** A port the OS says is free right now. Another process may still take it before we bind it. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}

/**
 * `count` distinct free ports: every listener stays open until all are chosen, so the
 * kernel cannot hand the same port out twice (closing each at once let it do so).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      server.unref();
      ports.push(
        await new Promise<number>((resolve, reject) => {
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port));
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** Thrown when a configured port is taken; names the variable so the fix is obvious. */
export class PortInUseError extends UsageError {
  constructor(
    readonly port: number,
    readonly variable: string,
  ) {
    super(`port ${port} is already in use (set ${variable} to another port)`);
  }
}

/**
 * Fails with PortInUseError when something listens on `port`. We probe the wildcard address
 * (all interfaces) because kinesis-local binds there and has no host option: a listener on
 * any interface would make it fail, and failing here gives a clearer message than its own
 * stack trace.
 */
export function assertPortFree(port: number, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") reject(new PortInUseError(port, variable));
      else if (error.code === "EACCES")
        reject(new UsageError(`port ${port} needs privileges this user lacks (set ${variable} to a port above 1023)`));
      else reject(error);
    });
    server.listen(port, () => server.close(() => resolve()));
  });
}
