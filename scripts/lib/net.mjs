// The network side of the scripts: free ports, one request per connection, a load of many, and
// connections held open. Every wait has a bound; nothing here rejects on a network failure, it reports it.
import * as net from "node:net";

/**
 * A port nothing listens on now (ports 10000–17999, away from the fixed ones other tests use), checked
 * on 0.0.0.0: Espruino's `net` listens on every interface. `avoid` lists ports already handed out.
 */
export async function freePort(avoid = []) {
  for (let i = 0; i < 50; i++) {
    // Below Linux's ephemeral range (32768 and up): a port the kernel hands to an outgoing connection
    // between this check and the listen() that follows fails that listen (the likely cause of one failed
    // listen in a full test run).
    // Below the interpreter wrapper's probe ports (20000-29999) and limits.test.ts's (18600 on) too.
    const port = 10000 + Math.floor(Math.random() * 8000);
    if (avoid.includes(port)) continue;
    const free = await new Promise((done) => {
      const server = net.createServer();
      server.on("error", () => done(false));
      server.listen(port, "0.0.0.0", () => server.close(() => done(true)));
    });
    if (free) return port;
  }
  throw new Error("no free port found");
}

/** `n` distinct free ports. */
export async function freePorts(n) {
  const ports = [];
  while (ports.length < n) ports.push(await freePort(ports));
  return ports;
}

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * Source for a Node server script: prints `word` once 127.0.0.1:`port` takes a connection. Node binds a
 * listener a tick after listen() (after its address lookup), so a word printed right after it can reach
 * a waiting client before the port is open, and that client's first connections are refused.
 */
export function sayWhenListening(port, word) {
  return `(function probe() {
  const socket = require("net").connect(${port}, "127.0.0.1");
  socket.on("connect", () => { socket.destroy(); console.log(${JSON.stringify(word)}); });
  socket.on("error", () => setTimeout(probe, 20));
})();`;
}

/** The status code of a response's text, or 0. */
export function statusOf(text) {
  const match = /^HTTP\/1\.[01] (\d\d\d)/.exec(text);
  return match ? Number(match[1]) : 0;
}

function classify(text, failure, expect) {
  const status = statusOf(text);
  const end = text.indexOf("\r\n\r\n");
  let complete = false;
  if (status && end >= 0) {
    const body = text.substring(end + 4);
    const length = /\r\ncontent-length: *(\d+)/i.exec(text.substring(0, end));
    if (length) complete = body.length === Number(length[1]);
    else complete = expect === undefined ? !failure : body === expect;
  }
  if (complete) return status === 200 || status === 503 || status === 408 ? String(status) : "status " + status;
  if (failure === "timeout" || failure === "unaccepted") return failure;
  if (text) return "incomplete";
  if (failure === "ECONNRESET" || failure === "EPIPE") return "reset";
  if (failure === "ECONNREFUSED") return "refused";
  return failure ? "error " + failure : "closed";
}

/**
 * One request on its own connection: resolves (never rejects) with `{ kind, status, ms, bytes, text, error }`
 * where kind is "200" (complete: the whole body, by Content-Length or `expect`), "503", "408", "status <n>"
 * (any other complete response), "incomplete" (closed part-way), "reset", "refused", "timeout" (connected, no
 * whole answer in time), "unaccepted" (never connected in time: the listen queue was full and the kernel
 * dropped the SYNs) or "error <code>"; `text` is what was received (latin1), `error` the failure, if any.
 */
export function request(port, { timeout = 10000, bytes = "GET / HTTP/1.0\r\nHost: board\r\n\r\n", expect } = {}) {
  return new Promise((done) => {
    const started = Date.now();
    const socket = net.connect(port, "127.0.0.1");
    let received = "";
    let failure;
    let connected = false;
    socket.setEncoding("latin1");
    const timer = setTimeout(() => { failure = failure || (connected ? "timeout" : "unaccepted"); socket.destroy(); }, timeout);
    socket.on("connect", () => { connected = true; socket.write(Buffer.from(bytes, "latin1")); });
    socket.on("data", (chunk) => { received += chunk; });
    socket.on("error", (error) => { failure = failure || error.code || String(error); });
    socket.on("close", () => {
      clearTimeout(timer);
      done({ kind: classify(received, failure, expect), status: statusOf(received), ms: Date.now() - started,
        bytes: received.length, text: received, error: failure });
    });
  });
}

/**
 * A slowloris client: sends half a request and stalls. Resolves like `request`, when the server closes the
 * connection or after `timeout`.
 */
export function slowClient(port, timeout = 15000) {
  return request(port, { timeout, bytes: "GET / HTTP/1.0\r\nHost: bo" });
}

/**
 * `requests` requests, `concurrency` in flight at a time, none started after `seconds`; stops early when
 * `stop()` says so (the server died), or when nothing answers any more (2 × concurrency, at least 10,
 * failures in a row: `abandoned`). Each request sends `bytes`; `check(result)` says whether its answer was
 * right (by default: a whole 200). Resolves with the counts by kind, latency figures, and `ok`, `failed`
 * (by `check`), `failures` (the kinds that failed) and `firstFailure` (the first wrong answer, shortened).
 */
export async function runLoad(port, { requests = 3000, concurrency = 50, seconds = 120, timeout = 10000, expect, stop,
  bytes, check } = {}) {
  const counts = {};
  const failures = {};
  const times = [];
  let started = 0;
  let ok = 0;
  let failed = 0;
  let firstFailure;
  const begin = Date.now();
  const t0 = process.hrtime.bigint();
  const deadline = begin + seconds * 1000;
  let capped = false;
  // A server that stopped answering altogether: give up after this many failures in a row.
  let inARow = 0;
  let abandoned = false;
  const right = check || ((result) => result.kind === "200");
  async function worker() {
    while (started < requests) {
      if (Date.now() > deadline) { capped = true; return; }
      if (abandoned || (stop && stop())) return;
      started++;
      const result = await request(port, { timeout, expect, ...(bytes === undefined ? {} : { bytes }) });
      counts[result.kind] = (counts[result.kind] || 0) + 1;
      times.push(result.ms);
      if (right(result)) ok++;
      else {
        failed++;
        failures[result.kind] = (failures[result.kind] || 0) + 1;
        if (firstFailure === undefined) firstFailure = (result.error ? result.error + " " : "") + result.text.slice(0, 200);
      }
      inARow = ["200", "503", "408"].includes(result.kind) ? 0 : inARow + 1;
      if (inARow >= Math.max(2 * concurrency, 10)) abandoned = true;
    }
  }
  const workers = [];
  for (let i = 0; i < concurrency; i++) workers.push(worker());
  await Promise.all(workers);
  times.sort((a, b) => a - b);
  const at = (q) => (times.length ? times[Math.min(times.length - 1, Math.floor(q * times.length))] : 0);
  return { sent: started, counts, ms: Number(process.hrtime.bigint() - t0) / 1e6, capped, abandoned,
    p50: at(0.5), p95: at(0.95), max: at(1), ok, failed, failures, firstFailure };
}

/** Adds one load's figures to a running total (null to start one). */
export function addLoad(total, part) {
  if (!total) return { ...part, counts: { ...part.counts }, failures: { ...part.failures } };
  for (const key of ["sent", "ok", "failed", "ms"]) total[key] += part[key];
  total.capped = total.capped || part.capped;
  total.abandoned = total.abandoned || part.abandoned;
  for (const key in part.counts) total.counts[key] = (total.counts[key] || 0) + part.counts[key];
  for (const key in part.failures) total.failures[key] = (total.failures[key] || 0) + part.failures[key];
  if (total.firstFailure === undefined) total.firstFailure = part.firstFailure;
  return total;
}

/**
 * Opens `n` connections, one after another, each sending `bytes` and then left open:
 * [{ socket, received, closed }]. Rejects (and closes what it opened) when one cannot connect in `timeout`.
 */
export async function holdConnections(port, n, bytes, { timeout = 5000, gap = 5 } = {}) {
  const held = [];
  try {
    for (let i = 0; i < n; i++) {
      const socket = net.connect(port, "127.0.0.1");
      const entry = { socket, received: "", closed: false };
      held.push(entry);
      socket.setEncoding("latin1");
      socket.on("error", () => { /* seen through `closed` */ });
      socket.on("data", (chunk) => { entry.received += chunk; });
      socket.on("close", () => { entry.closed = true; });
      await new Promise((connected, failed) => {
        const timer = setTimeout(() => failed(new Error("connection " + (i + 1) + " of " + n + ": no connect in " + timeout + " ms")), timeout);
        socket.once("connect", () => { clearTimeout(timer); connected(); });
        socket.once("close", () => { clearTimeout(timer); failed(new Error("connection " + (i + 1) + " of " + n + " refused or closed")); });
      });
      socket.write(bytes, "latin1");
      await sleep(gap); // Espruino accepts one connection per pass of its idle loop
    }
  } catch (error) {
    closeConnections(held);
    throw error;
  }
  return held;
}

export function closeConnections(held) {
  for (const entry of held) entry.socket.destroy();
}

/** Resolves with `test()`'s first truthy value, polling every `every` ms; rejects after `timeout` ms. */
export async function poll(what, test, { timeout = 10000, every = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await test();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out after " + timeout + " ms waiting for " + what);
    await sleep(every);
  }
}
