// Bounded and unbreakable, on Node over real sockets: each limit and timeout, a flood, and 10,000 requests
// with the heap back to its baseline.
import test from "ava";
// Serial where a test counts live timers: no other test of this file runs meanwhile.
import { intervalsStopped } from "../helpers/timers";
import * as net from "net";
import { HttpServer, HttpRequest, HttpResponse } from "../../src/node";
import { httpRequest, rawRequest } from "../helpers/http";

let nextPort = 18600;
function serve(handler: (req: HttpRequest, res: HttpResponse) => unknown, options: any = {}) {
  const port = nextPort++;
  const server = new HttpServer(port, handler as any, Object.assign({ host: "127.0.0.1", block: false, onError: () => undefined }, options));
  return { server, port };
}

const hello = (req: HttpRequest, res: HttpResponse) => { res.data = "hello"; };
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens a connection, sends `bytes`, and resolves with what came back when the server closed it. */
function stalled(port: number, bytes: string, timeout = 10000): Promise<{ data: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let data = "";
    socket.setEncoding("latin1");
    socket.setTimeout(timeout, () => { socket.destroy(); reject(new Error("the server never closed")); });
    socket.on("data", (chunk: string) => { data += chunk; });
    socket.on("close", () => resolve({ data, ms: Date.now() - started }));
    socket.on("error", () => undefined);
    socket.write(bytes);
  });
}

test("each limit is answered with its status and a closed connection", async (t) => {
  const { server, port } = serve(hello, { maxRequestLine: 100, maxHeaderBytes: 400, maxHeaders: 5, maxBody: 50 });
  try {
    t.regex(await rawRequest(port, "GET /" + "a".repeat(200) + " HTTP/1.0\r\n\r\n"), /^HTTP\/1\.0 414 URI Too Long\r\n/);
    t.regex(await rawRequest(port, "GET / HTTP/1.0\r\n" + "X: y\r\n".repeat(6) + "\r\n"), /^HTTP\/1\.0 431 /);
    t.regex(await rawRequest(port, "GET / HTTP/1.0\r\nX: " + "y".repeat(500) + "\r\n\r\n"), /^HTTP\/1\.0 431 /);
    t.regex(await rawRequest(port, "PUT / HTTP/1.0\r\nContent-Length: 51\r\n\r\n" + "z".repeat(51)), /^HTTP\/1\.0 413 /);
    t.regex(await rawRequest(port, "NONSENSE\r\n\r\n"), /^HTTP\/1\.0 400 Bad Request\r\n/);
    t.is((await httpRequest(port, "/")).text, "hello");
    t.is(server.stats.responses[4], 5);
    t.is(server.stats.responses[2], 1);
  } finally {
    server.close();
  }
});

test.serial("timeouts: slow headers and an idle body get 408, a handler that never settles 503", async (t) => {
  const { server, port } = serve((req, res) => {
    if (req.path[0] === "never") return new Promise(() => undefined);
    res.data = "ok";
  }, { headerTimeout: 300, bodyTimeout: 300, handlerTimeout: 300 });
  try {
    const slowloris = await stalled(port, "GET / HTTP/1.0\r\nX-Slow: ");
    t.regex(slowloris.data, /^HTTP\/1\.0 408 Request Timeout\r\n/);
    t.true(slowloris.ms >= 250 && slowloris.ms < 2000, `${slowloris.ms} ms`);
    t.regex((await stalled(port, "PUT / HTTP/1.0\r\nContent-Length: 10\r\n\r\nabc")).data, /^HTTP\/1\.0 408 /);
    t.regex((await stalled(port, "")).data, /^HTTP\/1\.0 408 /, "an idle connection too");
    t.regex((await stalled(port, "GET /never HTTP/1.0\r\n\r\n")).data, /^HTTP\/1\.0 503 Service Unavailable\r\n/);
    t.is(server.stats.timedOut, 4);
    t.is((await httpRequest(port, "/")).text, "ok");
    await wait(50);
    t.is(server.stats.open, 0);
    // The deadline timer stops at its next tick once nothing is left to watch.
    t.is(await intervalsStopped(), 0, "no timer left once idle");
  } finally {
    server.close();
  }
});

test("a client that does not read its response is dropped after writeTimeout", async (t) => {
  let closed = 0;
  const { server, port } = serve((req, res) => {
    res.data = { length: 1 << 30, read: (offset: number, size: number) => "x".repeat(size), close: () => { closed++; } };
  }, { writeTimeout: 300 });
  try {
    const socket = net.connect(port, "127.0.0.1");
    socket.write("GET / HTTP/1.0\r\n\r\n");
    socket.pause(); // never reads: the server's writes back up
    socket.on("error", () => undefined);
    const deadline = Date.now() + 5000;
    while (server.stats.timedOut === 0 && Date.now() < deadline) await wait(50);
    t.is(server.stats.timedOut, 1);
    await wait(100);
    t.is(closed, 1, "the stream was closed");
    t.is(server.stats.open, 0);
    socket.destroy();
  } finally {
    server.close();
  }
});

test.serial("a client that disconnects mid-request, mid-handler or mid-response releases everything", async (t) => {
  let handled = 0;
  const { server, port } = serve(async (req, res) => {
    if (req.path[0] === "slow") await wait(100);
    handled++;
    if (req.path[0] === "big") res.data = { length: 1 << 30, read: (o: number, n: number) => "y".repeat(n) };
    else res.data = "done";
  });
  try {
    for (const bytes of ["GET / HT", "GET /slow HTTP/1.0\r\n\r\n", "GET /big HTTP/1.0\r\n\r\n"]) {
      const socket = net.connect(port, "127.0.0.1");
      socket.on("error", () => undefined);
      socket.write(bytes);
      await wait(30);
      socket.destroy();
    }
    await wait(300);
    t.is(server.stats.open, 0);
    // The deadline timer stops at its next tick once nothing is left to watch.
    t.is(await intervalsStopped(), 0);
    t.is((await httpRequest(port, "/")).text, "done");
  } finally {
    server.close();
  }
});

test("a flood of 600 concurrent connections gets 200s and 503s, never a hang, and the server answers afterwards", async (t) => {
  const { server, port } = serve(async (req, res) => { await wait(50); res.data = "flood"; }, { maxConnections: 16, maxQueue: 32 });
  try {
    const results = await Promise.all(Array.from({ length: 600 }, () =>
      rawRequest(port, "GET / HTTP/1.0\r\nHost: x\r\n\r\n", 15000).then((raw) => raw.substring(9, 12), (e) => "error: " + e.message)));
    const counts: { [status: string]: number } = {};
    for (const r of results) counts[r] = (counts[r] || 0) + 1;
    t.log(`600 concurrent: ${JSON.stringify(counts)}, peak connections ${server.stats.peakConnections}`);
    t.deepEqual(Object.keys(counts).filter((k) => k !== "200" && k !== "503"), []);
    t.true(counts["200"] >= 48);
    t.true(counts["503"] > 0, "the queue's bound turned some away");
    t.true(server.stats.peakConnections <= 48);
    t.is(server.stats.rejected, counts["503"]);
    t.is((await httpRequest(port, "/")).text, "flood");
  } finally {
    server.close();
  }
});

test("10,000 requests leave the heap at its baseline", async (t) => {
  const gc = (globalThis as any).gc as () => void;
  if (!gc) return t.fail("run with --expose-gc");
  const { server, port } = serve((req, res) => { res.headers["Content-Type"] = "text/plain"; res.data = "hello " + req.query.i; });
  try {
    const run = async (count: number) => {
      let next = 0;
      const worker = async () => {
        while (next < count) {
          const i = next++;
          const raw = await rawRequest(port, `GET /?i=${i} HTTP/1.0\r\nHost: x\r\nAccept: */*\r\n\r\n`);
          if (!raw.endsWith("hello " + i)) throw new Error("bad answer: " + raw);
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
    };
    await run(500); // warm up
    await wait(100);
    gc();
    const before = process.memoryUsage().heapUsed;
    await run(10000);
    await wait(100);
    gc();
    const after = process.memoryUsage().heapUsed;
    t.log(`heap ${(before / 1e6).toFixed(2)} MB before, ${(after / 1e6).toFixed(2)} MB after 10,000 requests`);
    t.true(after - before < 2e6, `heap grew by ${after - before} bytes`);
    t.is(server.stats.requests, 10500);
    t.is(server.stats.open, 0);
  } finally {
    server.close();
  }
});
