import { expect } from "chai";
import net from "node:net";
import { freePorts } from "../../../runtime/local/ports";

describe("freePorts (ports for a test's local stack)", () => {
  it("hands out distinct ports, each free to listen on afterwards", async () => {
    const ports = await freePorts(40);
    expect(new Set(ports).size).to.equal(40);
    for (const port of ports.slice(0, 5)) {
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", resolve);
      });
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
