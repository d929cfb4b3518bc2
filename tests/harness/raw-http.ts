/**
 * Bytes on a TCP connection, for what no well-behaved HTTP client sends: a malformed
 * request, a body cut off half-way.
 */
import net from "node:net";

/**
 * Writes `bytes` to 127.0.0.1:`port`; with `hangUp` the connection is then torn down at
 * once, as a crashing client would. Resolves with whatever came back before the server
 * closed the connection or `timeoutMs` passed.
 */
export function rawExchange(
  port: number,
  bytes: string,
  options: { hangUp?: boolean; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve) => {
    let received = "";
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(bytes);
      if (options.hangUp) socket.destroy();
    });
    const timer = setTimeout(() => socket.destroy(), options.timeoutMs ?? 5_000);
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("utf8")));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}
