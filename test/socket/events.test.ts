// picohttp/events on Node over real sockets: the app of test/helpers/events-app.ts, subscribers held open.
import test from "ava";
import { resolve } from "path";
import { httpRequest } from "../helpers/http";
import { runOnNode } from "../helpers/node-app";
import { freePort } from "../helpers/browser";
import { TICK, eventsApp, listen, subscribersAfter, until } from "../helpers/events-app";

const dist = resolve(__dirname, "../../dist");

test.serial("picohttp/events on Node: events reach every subscriber at once, 503 past the bound, a subscriber gone is freed", async (t) => {
  const modules: { [name: string]: unknown } = {
    picohttp: require(resolve(dist, "picohttp.node.js")), "picohttp/events": require(resolve(dist, "events.node.js")),
  };
  const port = await freePort();
  const server = runOnNode(eventsApp(port), modules);
  const json = async (path: string) => JSON.parse((await httpRequest(port, path)).text);
  const a = listen(port);
  const b = listen(port);
  try {
    await until("both subscribers' heads", () => a.received.includes("retry: 3000\n\n") && b.received.includes("retry: 3000\n\n"));
    t.regex(a.received, /^HTTP\/1\.0 200 OK\r\n/);
    t.regex(a.received, /\r\nContent-Type: text\/event-stream\r\n/);
    t.notRegex(a.received, /Content-Length/i);
    const third = await httpRequest(port, "/events");
    t.is(third.status, 503);
    t.is(third.headers["retry-after"], "5");

    t.deepEqual(await json("/send?n=1"), { sent: 2 });
    await until("the first event at both", () => a.received.includes(TICK(1)) && b.received.includes(TICK(1)), 2000);
    t.deepEqual(await json("/lines"), { sent: 2 });
    await until("a two-line event", () => a.received.includes("data: one\ndata: two\n\n"), 2000);
    await until("a keep-alive comment", () => a.received.includes("\n:\n\n"), 2000);

    a.socket.destroy();
    t.is(await subscribersAfter(() => json("/"), 1, 5000), 1);
    const c = listen(port);
    await until("a new subscriber in the freed place", () => c.received.includes("retry: 3000"));
    t.deepEqual(await json("/send?n=2"), { sent: 2 });
    await until("the second event", () => b.received.includes(TICK(2)) && c.received.includes(TICK(2)), 2000);
    t.false(a.received.includes(TICK(2)));
    b.socket.destroy();
    c.socket.destroy();
  } finally {
    a.socket.destroy();
    b.socket.destroy();
    server.close();
  }
});

test.serial("picohttp/events on Node: a listener that closes its side (as a browser leaving the page does) is freed at once, not at the next write", async (t) => {
  const modules: { [name: string]: unknown } = {
    picohttp: require(resolve(dist, "picohttp.node.js")), "picohttp/events": require(resolve(dist, "events.node.js")),
  };
  const port = await freePort();
  // No keep-alive for a minute: nothing is written that could find the socket gone.
  const server = runOnNode(eventsApp(port).replace("keepAlive: 400", "keepAlive: 60000"), modules);
  const json = async (path: string) => JSON.parse((await httpRequest(port, path)).text);
  const a = listen(port);
  try {
    await until("the subscriber's head", () => a.received.includes("retry: 3000\n\n"));
    t.is((await json("/")).subscribers, 1);
    a.socket.end();
    const left = Date.now();
    t.is(await subscribersAfter(() => json("/"), 0, 3000), 0);
    t.true(Date.now() - left < 1000, `freed after ${Date.now() - left} ms`);
  } finally {
    a.socket.destroy();
    server.close();
  }
});
