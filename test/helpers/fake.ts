// A picohttp server on the fake network, configured the way the Node build configures it.
import "../../src/node";
import { HttpServer, Handler, ServerOptions } from "../../src/server/server";
import { FakeNet } from "../../src/adapters/fake";

let nextPort = 1;

export function fakeServer(handler: Handler, options: ServerOptions = {}) {
  const net = new FakeNet();
  const port = nextPort++;
  const server = new HttpServer(port, handler, Object.assign({ net: net, block: false }, options));
  return {
    server,
    net,
    port,
    request: (raw: string, pieceSize?: number) => net.request(port, raw, pieceSize),
    connect: () => net.connect(port),
  };
}

export const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
