// One app on picohttp/events, in ES5 as a board runs it (handling one request at a time, so that the
// subscribers held open must give their place to other requests), and a client that holds a stream open:
// used on Node (test/socket/events.test.ts) and on Espruino (test/interpreter/events.espruino.test.ts).
import * as net from "net";

export const eventsApp = (port: number) => `var picohttp = require("picohttp");
var Channel = require("picohttp/events").Channel;
var channel = new Channel({ max: 2, keepAlive: 400 });
// One request handled at a time: the subscribers, open for as long as they listen, must not keep that place.
var server = new picohttp.HttpServer(${port}, function (request, response) {
  if (request.path[0] === "events") return channel.subscribe(request, response);
  if (request.path[0] === "send") {
    response.data = { sent: channel.send({ n: Number(request.query.n) }, "tick") };
    return;
  }
  if (request.path[0] === "lines") {
    response.data = { sent: channel.send("one\\ntwo") };
    return;
  }
  response.data = { subscribers: channel.subscribers.length };
}, { maxConnections: 1 });
`;

/** A subscriber: everything received so far, whether the server closed, and a way to go away. */
export interface Listener {
  received: string;
  closed: boolean;
  socket: net.Socket;
}

export function listen(port: number, path = "/events"): Listener {
  const socket = net.connect(port, "127.0.0.1");
  const listener: Listener = { received: "", closed: false, socket };
  socket.setEncoding("latin1");
  socket.on("data", (chunk: string) => { listener.received += chunk; });
  socket.on("close", () => { listener.closed = true; });
  socket.on("error", () => { listener.closed = true; });
  socket.on("connect", () => socket.write(`GET ${path} HTTP/1.0\r\nAccept: text/event-stream\r\n\r\n`));
  return listener;
}

/** Resolves once `check()` holds, or rejects after `timeout` ms saying what was waited for. */
export async function until(what: string, check: () => boolean, timeout = 10000): Promise<void> {
  const end = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting for " + what);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Asks the app (GET /) how many subscribers its channel holds until it says `count`, for up to `timeout`
 * ms, every `every` ms; resolves with the last answer, so that the test asserts it.
 */
export async function subscribersAfter(ask: () => Promise<{ subscribers: number }>, count: number, timeout: number,
                                       every = 50): Promise<number> {
  const end = Date.now() + timeout;
  for (;;) {
    const now = (await ask()).subscribers;
    if (now === count || Date.now() >= end) return now;
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

export const TICK = (n: number) => `event: tick\ndata: {"n":${n}}\n\n`;
