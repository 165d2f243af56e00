// Issue 10 (robustness audit) on Espruino's Linux build, picohttp loaded from Storage as `npm run flash` puts
// it on a board. Each test reproduces a defect the audit found and fails on the code it found it in:
// - small streamed files (the whole body in the first read) leaked their connection (34 variables each):
//   a call chain of 15 frames on the connection saturated its lock count, and Espruino never freed it;
// - clients that connect and close at once, without sending: most of their sockets never get 'close' on
//   the Linux build, and each such connection held a slot for ever (then only 503s);
// - a slow body (one byte every 1.5 s) restarted the body timeout with every piece and held every slot;
// - three concurrent 64 KB downloads beside the control app: two arrived, the third got nothing (the heap
//   ran out mid-stream) until writeTimeout;
// - a handler the interpreter stopped (out of memory) was answered only at handlerTimeout (30 s), its
//   place held till then: four such requests took every place for half a minute;
// and a guard: the control page's own load (static files and API calls at once, an ESP8266's limits).
// Each request here has a bounded wait, every interpreter is killed in `finally`, and every port is free.
import test from "ava";
import { readFileSync, writeFileSync } from "fs";
import * as net from "net";
import { join, resolve } from "path";
import { Board, LIBRARY, interpreters, noticeSkips, storageWithSite, tempDir, writeStorage } from "../helpers/espruino";

noticeSkips("hardening.espruino.test.ts");

const soak = import("../../scripts/soak.mjs");

const ROOT = resolve(__dirname, "../..");
const ESP8266 = JSON.parse(readFileSync(join(ROOT, "boards/esp8266.json"), "utf8")).picohttp.options;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

// ---------------------------------------------------------------------------------------------------------
// The client side.

interface Got {
  /** "complete" (a status line, and the whole body by Content-Length), "incomplete", "closed" (nothing at
   * all), "timeout", "unaccepted" (never connected in time), or the socket error's code. */
  kind: string;
  status: number;
  head: string;
  body: Buffer;
  /** From connect() to the server's close; `first`: to the first byte of the answer. */
  ms: number;
  first: number;
}

/**
 * One GET on its own connection; never rejects, never waits past `timeout`. `split`: the request goes in
 * two pieces, 40 ms apart, the first `split` bytes long (so that connections overlap on the server).
 */
function fetchRaw(port: number, path: string, options: { headers?: string; timeout?: number; split?: number } = {}): Promise<Got> {
  const timeout = options.timeout || 10000;
  const bytes = `GET ${path} HTTP/1.0\r\nHost: board\r\n${options.headers || ""}\r\n`;
  return new Promise((done) => {
    const started = Date.now();
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let first = 0;
    let connected = false;
    let failure = "";
    const timer = setTimeout(() => { failure = failure || (connected ? "timeout" : "unaccepted"); socket.destroy(); }, timeout);
    let rest: any;
    socket.setNoDelay(true);
    socket.on("connect", () => {
      connected = true;
      const split = options.split || bytes.length;
      socket.write(Buffer.from(bytes.substring(0, split), "latin1"));
      if (split < bytes.length) {
        rest = setTimeout(() => { if (!socket.destroyed) socket.write(Buffer.from(bytes.substring(split), "latin1")); }, 40);
      }
    });
    socket.on("data", (chunk: Buffer) => { if (!first) first = Date.now() - started; chunks.push(chunk); });
    socket.on("error", (error: any) => { failure = failure || error.code || String(error); });
    socket.on("close", () => {
      clearTimeout(timer);
      clearTimeout(rest);
      done(parse(Buffer.concat(chunks), failure, Date.now() - started, first));
    });
  });
}

function parse(all: Buffer, failure: string, ms: number, first: number): Got {
  const end = all.indexOf("\r\n\r\n");
  const head = end >= 0 ? all.subarray(0, end).toString("latin1") : all.toString("latin1");
  const body = end >= 0 ? all.subarray(end + 4) : Buffer.alloc(0);
  const status = /^HTTP\/1\.[01] (\d\d\d) /.test(head) ? Number(head.substring(9, 12)) : 0;
  const length = /\r\ncontent-length: *(\d+)/i.exec(head);
  let kind = failure === "timeout" || failure === "unaccepted" ? failure : failure || (all.length ? "incomplete" : "closed");
  if (status && end >= 0 && length && body.length === Number(length[1])) kind = "complete";
  return { kind, status, head, body, ms, first };
}

/** "200", "503 after 12 ms", "timeout after 10003 ms": a result in a word, for tallies and messages. */
function describe(got: Got): string {
  return got.kind === "complete" ? String(got.status) : `${got.kind} after ${got.ms} ms`;
}

function tally(words: string[]): { [word: string]: number } {
  const counts: { [word: string]: number } = {};
  for (const word of words) counts[word] = (counts[word] || 0) + 1;
  return counts;
}

/**
 * `count` requests, `concurrency` at a time, each made by `request(i)`; `check(i, got)` says whether the
 * answer is right ("ok", or a word for the tally). Gives up after 10 wrong answers in a row or 20 in all, and
 * starts none after 45 s: the server is gone or only refusing, and each failure may have cost a timeout.
 */
async function load(count: number, concurrency: number, request: (i: number) => Promise<Got>,
                    check: (i: number, got: Got) => string): Promise<{ sent: number; counts: { [word: string]: number }; ms: number; wrong: string[] }> {
  const words: string[] = [];
  const wrong: string[] = [];
  let next = 0;
  let inARow = 0;
  let okCount = 0;
  const begin = Date.now();
  const worker = async () => {
    while (next < count && inARow < 10 && words.length - okCount < 20 && Date.now() - begin < 45000) {
      const i = next++;
      const word = check(i, await request(i));
      words.push(word);
      if (word === "ok") { inARow = 0; okCount++; }
      else {
        inARow++;
        if (wrong.length < 5) wrong.push(`#${i}: ${word}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { sent: next, counts: tally(words), ms: Date.now() - begin, wrong };
}

/**
 * Memory at rest: after a collection, once 'close' events have run; one more look if not back yet. NaN when
 * the interpreter has stopped answering (it ran out of memory and exited, say).
 */
// Ended sockets whose 'close' has not come are held for half a second, let go at the next sweep (another
// half second at most): memory "at rest" is measured after that, or it counts them some times and not others.
const ENDING_HELD_MS = 1300;

async function atRest(board: Board, baseline: number): Promise<number> {
  try {
    await sleep(ENDING_HELD_MS);
    let usage = await board.memoryUsage();
    for (let i = 0; i < 3 && usage > baseline + 3; i++) {
      await sleep(1000);
      usage = await board.memoryUsage();
    }
    return usage;
  } catch (error) {
    return NaN;
  }
}

/** What went wrong on the interpreter's console (out of memory, uncaught errors), in a line; and whether it exited. */
function lastWords(board: Board): string {
  const lines = board.output.split(/\r?\n/).map((l) => l.replace(/\x1b\[[0-9;]*[A-Za-z]|\[J/g, "").trim())
    .filter((l) => /MEMORY|ASSERT|Uncaught|Error|error|Interrupted/.test(l));
  const words = Array.from(new Set(lines)).slice(0, 4).join(" | ");
  return board.alive ? (words ? "; console: " + words : "") : "; THE INTERPRETER EXITED: " + words;
}

/**
 * Memory at rest before a load, the baseline. Espruino makes the built-in Error's prototype (7 blocks, for
 * good) the first time an error needs it, a socket's first 'error' say: made here, it is not counted as a leak.
 */
async function baselineOf(board: Board): Promise<number> {
  await board.evaluate("new Error('warm-up') ? 1 : 0");
  await sleep(ENDING_HELD_MS);
  return board.memoryUsage();
}

/** Waits until `expression` on the board is true, polling; resolves with how long it took, or -1. */
async function until(board: Board, expression: string, timeout: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeout) {
    if (await board.evaluate(expression)) return Date.now() - started;
    await sleep(200);
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------------
// The board side.

/**
 * A temp dir whose Storage holds picohttp, `site` prepared by the asset pipeline under www/ (gzip, ETags,
 * manifest), `options` as picohttp.json (the board's limits, as `npm run flash` writes them) and `extra`
 * (Storage name -> local file). Returns the dir and what each Storage name holds.
 */
async function prepare(site: { [name: string]: string | Buffer }, options?: object,
                       extra: { [name: string]: string } = {}): Promise<{ dir: string; stored: { [name: string]: Buffer } }> {
  const config: { [name: string]: string } = {};
  if (options) {
    // The limits file, beside the Storage that storageWithSite makes.
    const path = join(tempDir(), "picohttp.json.src");
    writeFileSync(path, JSON.stringify(options));
    config["picohttp.json"] = path;
  }
  const { dir, files } = await storageWithSite(site, Object.assign({}, extra, config));
  const stored: { [name: string]: Buffer } = {};
  for (const name in files) stored[name] = readFileSync(files[name]);
  return { dir, stored };
}

/**
 * The test app: static files from www/ and a small JSON API. `newest()` finds the connection being handled
 * (in the server's list, whose name is mangled in the bundle: found by shape) for the lock-count probe.
 */
const APP = (port: number, options: object) => `var picohttp = require("picohttp");
var watch = false, watched;
var server = new picohttp.HttpServer(${port}, function (req, res) {
  if (watch) { watch = false; watched = newest(); }
  if (req.path[0] === "api") { res.data = { ok: true, requests: server.stats.requests }; return; }
  picohttp.staticResource(req, res, "www");
}, Object.assign(${JSON.stringify(options)}, { onError: function () {} }));
function newest() {
  for (var k in server) {
    var v = server[k];
    if (v instanceof Array && v !== server.args && v.length && typeof v[0] === "object") return v[v.length - 1];
  }
}
// trace() prints the whole tree below an object (the server, sockets...: seconds of output): its fields go
// first (the connection is over), which leaves its lock count as it was.
function locks() {
  print("LOCKS>");
  if (watched) {
    Object.keys(watched).forEach(function (k) { delete watched[k]; });
    delete watched.__proto__;
    trace(watched);
  }
  print("<LOCKS");
  watched = undefined;
}
`;

/**
 * The lock count of the connection that served `path` (the `l` in trace()'s `#123[r1,l2]`), measured once
 * it has closed; -1 when it could not be found. Espruino never frees a variable whose count reached 15.
 */
async function lockCount(board: Board, port: number, path: string): Promise<number> {
  await board.evaluate("watch = true");
  const got = await fetchRaw(port, path);
  if (got.kind !== "complete") return -1;
  await sleep(300);
  const from = board.output.length;
  await board.evaluate("setTimeout(locks, 1), 1");
  const deadline = Date.now() + 15000;
  while (board.output.indexOf("<LOCKS", from) < 0 && Date.now() < deadline) await sleep(100);
  const printed = board.output.substring(board.output.indexOf("LOCKS>", from));
  const match = /#\d+\[r\d+,l(\d+)\]/.exec(printed.substring(0, printed.indexOf("<LOCKS")));
  return match ? Number(match[1]) : -1;
}

const on1600 = interpreters.filter((i) => i.label === "1600-variable heap");

// ---------------------------------------------------------------------------------------------------------
// 1. Small streamed files.

const SMALL = {
  "small.css": "body{margin:0;padding:0}" + "p{color:#123456}".repeat(4) + "/*" + "x".repeat(8) + "*/", // 100 bytes
  "tiny.txt": "hello, board\n",
  "page.html": "<!doctype html><title>small</title>" + "<p>one paragraph of text</p>".repeat(13),
  "data.json": JSON.stringify({ name: "board", outputs: [false, true], readings: [21.5, 21.6, 21.4, 21.7] }),
};

for (const interpreter of interpreters) {
  const run = interpreter.bin ? test.serial : test.skip;
  const label = interpreter.label;

  run(`${label}: 300 small static files one at a time and 300 four at a time, every one whole, memory back at rest`, async (t) => {
    t.timeout(150000);
    t.is(SMALL["small.css"].length, 100);
    const { freePort } = await soak;
    const { dir, stored } = await prepare(SMALL);
    const port = await freePort();
    const board = new Board(interpreter.bin as string, dir, APP(port, {}));
    try {
      const total = await board.evaluate("process.memory().total", 10000);
      // The small files, each no longer than chunkSize (512): its whole body comes from the first read.
      const paths = ["/small.css", "/tiny.txt", "/data.json", "/page.html"];
      const expected = paths.map((p) => stored["www/" + p.substring(1)]);
      for (const body of expected) t.true(body.length > 0 && body.length <= 512);
      // One at a time: each request whole. Four at a time: each in two pieces, so that the four overlap.
      let split = 0;
      const request = (i: number) => fetchRaw(port, i % 5 === 4 ? "/api" : paths[i % 5], { timeout: 5000, split: split ? split + (i % 7) : 0 });
      const check = (i: number, got: Got) => {
        if (got.kind !== "complete" || got.status !== 200) return describe(got);
        if (i % 5 === 4) return JSON.parse(got.body.toString("latin1")).ok === true ? "ok" : "wrong JSON";
        return got.body.equals(expected[i % 5]) ? "ok" : "wrong body";
      };
      for (let i = 0; i < 5; i++) t.is(check(i, await request(i)), "ok", "warm-up");
      // The root cause, measured (before the baseline: a pinned connection would stay in it): the lock count of
      // a connection at rest, 15 = pinned for ever. Found by shape in the server's internals, so only logged:
      // the memory figures below are the test.
      const small = await lockCount(board, port, "/small.css");
      const api = await lockCount(board, port, "/api");
      t.log(`${label}: lock count of a closed connection (trace()'s l, 15 = never freed): small file ${small}, ` +
        `JSON answer ${api}${small < 0 || api < 0 ? " (-1: not found)" : ""}`);
      const baseline = await baselineOf(board);

      const one = await load(300, 1, request, check);
      const afterOne = await atRest(board, baseline);
      t.log(`${label}: ${one.sent} one at a time in ${one.ms} ms: ${JSON.stringify(one.counts)}; memory at rest ${baseline} → ` +
        `${afterOne} of ${total} (${((afterOne - baseline) / (one.sent * 0.8)).toFixed(1)} per small file)${one.wrong.length ? "; first wrong: " + one.wrong.join(", ") : ""}${lastWords(board)}`);
      split = 10;
      const four = board.alive ? await load(300, 4, request, check) : { sent: 0, counts: {}, ms: 0, wrong: [] };
      const afterFour = board.alive ? await atRest(board, baseline) : NaN;
      const stats = board.alive ? await board.evaluate("server.stats") : undefined;
      t.log(`${label}: ${four.sent} four at a time in ${four.ms} ms: ${JSON.stringify(four.counts)}; memory at rest ` +
        `${afterFour}${four.wrong.length ? "; first wrong: " + four.wrong.join(", ") : ""}; stats ` +
        JSON.stringify(stats) + lastWords(board));
      t.true(board.alive, "the interpreter is still running");
      t.deepEqual(one.counts, { ok: 300 }, "every small file, one at a time, answered 200 with its exact body");
      t.deepEqual(four.counts, { ok: 300 }, "every small file, four at a time, answered 200 with its exact body");
      t.true(afterOne <= baseline + 3, `memory back at rest after 300 one at a time: ${baseline} → ${afterOne}`);
      t.true(afterFour <= baseline + 3, `memory back at rest after 300 four at a time: ${baseline} → ${afterFour}`);
      t.true(stats.peakConnections >= 3, `the four at a time overlapped on the server (peakConnections ${stats.peakConnections})`);
    } finally {
      await board.stop();
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// 2. Clients that connect and close at once.

/** Connects, and closes as soon as the connection is up, without sending anything. */
function connectAndClose(port: number): Promise<string> {
  return new Promise((done) => {
    const socket = net.connect(port, "127.0.0.1");
    const timer = setTimeout(() => { socket.destroy(); done("unaccepted"); }, 3000);
    socket.on("connect", () => socket.destroy());
    socket.on("error", () => undefined);
    socket.on("close", () => { clearTimeout(timer); done("closed"); });
  });
}

// As many as the issue's finding (ten) on the 1600-variable heap: an ESP8266 has 10 sockets in all, so
// more could never be open at once there; twice that on the default heap.
const closersOn = (label: string) => (label === "1600-variable heap" ? 10 : 20);

for (const interpreter of interpreters) {
  const run = interpreter.bin ? test.serial : test.skip;
  const label = interpreter.label;

  const CLOSERS = closersOn(label);
  run(`${label}: ${CLOSERS} clients that connect and close without sending leave no connection behind, no lasting 503`, async (t) => {
    t.timeout(60000);
    const { freePort } = await soak;
    const { dir } = await prepare(SMALL);
    const port = await freePort();
    const headerTimeout = 2000;
    const board = new Board(interpreter.bin as string, dir, APP(port, { headerTimeout }));
    try {
      await board.evaluate("process.memory().total", 10000);
      for (let i = 0; i < 3; i++) t.is(describe(await fetchRaw(port, i ? "/api" : "/tiny.txt")), "200", "warm-up");
      const baseline = await baselineOf(board);
      // Two rounds: each ends with normal requests and memory at rest. The first 408 and 503 a board sends set
      // up a few blocks for good; a connection left behind would cost more again in the second round.
      const rounds: number[] = [];
      for (let round = 1; round <= 2; round++) {
        // One after another, so that each is admitted (a default board has 4 slots and a queue of 4).
        const closers: string[] = [];
        for (let i = 0; i < CLOSERS; i++) {
          closers.push(await connectAndClose(port));
          await sleep(30);
        }
        const shortly = await board.evaluate("server.stats");
        // headerTimeout, the server's half-second sweep, and a few seconds for whatever the fix waits.
        const bound = headerTimeout + 500 + 4000;
        const drained = await until(board, "server.stats.open === 0", bound);
        const open = await board.evaluate("server.stats.open");
        const after = await Promise.all([0, 1, 2, 3, 4, 5].map(() => fetchRaw(port, "/tiny.txt", { timeout: 5000 })));
        const later: Got[] = [];
        for (let i = 0; i < 6; i++) later.push(await fetchRaw(port, "/api", { timeout: 5000 }));
        const usage = await atRest(board, baseline);
        const stats = await board.evaluate("server.stats");
        rounds.push(usage);
        t.log(`${label}: round ${round}, after ${CLOSERS} connect-and-close clients: stats.open ${open} (${drained >= 0 ?
          `0 after ${drained} ms` : `not 0 within ${bound} ms`}); then 6 at once ${JSON.stringify(tally(after.map(describe)))}, ` +
          `6 in turn ${JSON.stringify(tally(later.map(describe)))}; memory at rest ${baseline} → ${usage}; stats just after ` +
          `${JSON.stringify(shortly)}, at the end ${JSON.stringify(stats)}`);
        t.true(board.alive);
        t.deepEqual(tally(closers), { closed: CLOSERS }, "each client connected and closed");
        t.deepEqual(after.map(describe), ["200", "200", "200", "200", "200", "200"], "served normally afterwards, six at once");
        t.deepEqual(later.map(describe), ["200", "200", "200", "200", "200", "200"], "and one after another");
        t.true(drained >= 0, `server.stats.open drops to 0 within ${bound} ms (it is ${open})`);
      }
      t.true(rounds[0] <= baseline + 10, `a few blocks set up once at most: ${baseline} → ${rounds[0]}`);
      t.true(rounds[1] <= rounds[0] + 3, `nothing left behind by the second round: ${baseline} → ${rounds[0]} → ${rounds[1]}`);
    } finally {
      await board.stop();
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// 3. A slow body.

/**
 * Sends a whole head announcing `length` bytes of body, then one byte every `interval` ms, until the server
 * answers or closes, or `cap` ms have passed.
 */
function slowBody(port: number, length: number, interval: number, cap: number): Promise<Got> {
  return new Promise((done) => {
    const started = Date.now();
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let first = 0;
    let failure = "";
    let sent = 0;
    let ticker: any;
    const timer = setTimeout(() => { failure = "timeout"; socket.destroy(); }, cap);
    socket.on("connect", () => {
      socket.write(`PUT /api HTTP/1.0\r\nHost: board\r\nContent-Type: text/plain\r\nContent-Length: ${length}\r\n\r\n`);
      ticker = setInterval(() => { if (sent < length && !socket.destroyed && !first) { sent++; socket.write("x"); } }, interval);
    });
    socket.on("data", (chunk: Buffer) => { if (!first) first = Date.now() - started; chunks.push(chunk); });
    socket.on("error", (error: any) => { failure = failure || error.code || String(error); });
    socket.on("close", () => {
      clearTimeout(timer);
      clearInterval(ticker);
      done(parse(Buffer.concat(chunks), failure, Date.now() - started, first));
    });
  });
}

for (const interpreter of on1600) {
  const run = interpreter.bin ? test.serial : test.skip;
  const label = interpreter.label;

  run(`${label}: 4 clients sending a body a byte every 1.5 s get 408 within requestTimeout, and the next client is served`, async (t) => {
    t.timeout(60000);
    const { freePort } = await soak;
    const { dir } = await prepare(SMALL);
    const port = await freePort();
    const options = { requestTimeout: 4000, bodyTimeout: 2000, headerTimeout: 2000, maxConnections: 4, maxQueue: 0 };
    const board = new Board(interpreter.bin as string, dir, APP(port, options));
    try {
      await board.evaluate("process.memory().total", 10000);
      t.is(describe(await fetchRaw(port, "/api")), "200", "warm-up");
      const slow = [0, 1, 2, 3].map(() => slowBody(port, 100, 1500, 15000));
      await sleep(1000);
      // While they hold every slot (and the queue is 0), a new client is refused at once.
      const meanwhile = await fetchRaw(port, "/api", { timeout: 5000 });
      const results = await Promise.all(slow);
      const next = await fetchRaw(port, "/api", { timeout: 5000 });
      const stats = await board.evaluate("server.stats");
      t.log(`${label}: slow bodies got ${results.map((r) => `${describe(r)} at ${r.first || "-"} ms`).join(", ")}; ` +
        `meanwhile a new client got ${describe(meanwhile)}; the next one ${describe(next)}; stats ${JSON.stringify(stats)}`);
      t.is(describe(meanwhile), "503", "the four slow clients did hold every slot");
      t.true(meanwhile.ms < 2000, "and the refusal was prompt");
      const bound = options.requestTimeout + 500 + 1500;
      for (const r of results) {
        t.is(describe(r), "408", "a slow body gets 408");
        t.true(r.first > 0 && r.first <= bound, `within requestTimeout (+ the sweep and slack): ${r.first} ms <= ${bound}`);
      }
      t.is(describe(next), "200", "the next client is served at once");
      t.true(board.alive);
    } finally {
      await board.stop();
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// 4. Large downloads and the control page's load, beside the real control app (examples/control).

/** A 64 KB file that does not compress (so no .gz: every client gets these bytes). */
function bigFile(): Buffer {
  const big = Buffer.alloc(65536);
  let x = 12345;
  for (let i = 0; i < big.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    big[i] = x >>> 24;
  }
  return big;
}

/**
 * The control app, required from Storage (as on a board), with two instruments: the server it starts is
 * kept in `server`, and every piece a static stream reads from Storage first records memory
 * (process.memory(false), no collection: a sample in the request path, not a timer's). One shared wrapper
 * around Storage.read, not one per stream: the instrument itself must cost next to nothing.
 */
const CONTROL = `var picohttp = require("picohttp");
var server, pieces = 0, peak = 0, lowest = -1;
var PicoServer = picohttp.HttpServer;
picohttp.HttpServer = function (port, handler, options) { server = new PicoServer(port, handler, options); return server; };
var storage = require("Storage"), storageRead = storage.read;
storage.read = function (name, offset, length) {
  if (length !== undefined) {
    var m = process.memory(false);
    pieces++;
    if (m.usage > peak) peak = m.usage;
    if (lowest < 0 || m.free < lowest) lowest = m.free;
  }
  return storageRead.call(storage, name, offset, length);
};
function measured() { var r = [pieces, peak, lowest]; pieces = 0; peak = 0; lowest = -1; return r; }
require("control");
`;

async function controlBoard(bin: string, options: object): Promise<{ board: Board; port: number; stored: { [name: string]: Buffer } }> {
  const { freePort } = await soak;
  const www = join(ROOT, "examples/control/www");
  const site: { [name: string]: Buffer } = { "big.bin": bigFile() };
  for (const name of ["index.html", "files.html"]) site[name] = readFileSync(join(www, name));
  const port = await freePort();
  const { dir, stored } = await prepare(site, Object.assign({ port }, options), { control: join(ROOT, "examples/control/app.js") });
  const board = new Board(bin, dir, CONTROL);
  return { board, port, stored };
}

for (const interpreter of on1600) {
  const run = interpreter.bin ? test.serial : test.skip;
  const label = interpreter.label;

  run(`${label}: three concurrent 64 KB downloads beside the control app: each whole or a prompt 503, memory back at rest`, async (t) => {
    t.timeout(90000);
    // The default limits (4 connections, a queue of 4, 512-byte pieces): nothing in picohttp.json but the port.
    const { board, port, stored } = await controlBoard(interpreter.bin as string, {});
    try {
      const total = await board.evaluate("process.memory().total", 10000);
      const big = stored["www/big.bin"];
      t.is(big.length, 65536);
      t.true(stored["www/big.bin.gz"] === undefined, "the big file has no .gz");
      t.true(fetched(await fetchRaw(port, "/big.bin"), big), "warm-up: one download alone arrives whole");
      t.is(describe(await fetchRaw(port, "/api/state")), "200");
      await board.evaluate("measured()");
      const baseline = await baselineOf(board);
      const rounds: Got[][] = [];
      const samples: number[][] = [];
      for (let round = 0; round < 3; round++) {
        rounds.push(await Promise.all([0, 1, 2].map(() => fetchRaw(port, "/big.bin", { timeout: 10000 }))));
        samples.push(await board.evaluate("measured()"));
        if (rounds[round].some((r) => r.kind !== "complete")) break; // one wait for a timeout is enough
      }
      const usage = await atRest(board, baseline);
      const stats = await board.evaluate("server.stats");
      t.log(`${label}: 3 × 64 KB at once: ${rounds.map((r, i) => r.map((g) => `${describe(g)} in ${g.ms} ms`).join(", ") +
        ` (pieces read ${samples[i][0]}, peak usage ${samples[i][1]}, lowest free ${samples[i][2]} of ${total})`).join("; ")}; ` +
        `memory at rest ${baseline} → ${usage}; stats ${JSON.stringify(stats)}${lastWords(board)}`);
      t.true(board.alive);
      for (let round = 0; round < rounds.length; round++) {
        let whole = 0;
        for (const got of rounds[round]) {
          if (fetched(got, big)) whole++;
          else t.true(got.kind === "complete" && got.status === 503 && got.ms < 2000,
            `round ${round + 1}: each download arrives whole or gets a prompt 503, not ${describe(got)}`);
        }
        t.true(whole >= 1, `round ${round + 1}: at least one download arrives whole`);
        // Every piece of every whole download was read once, and nothing else was (128 pieces of 512 bytes).
        t.is(samples[round][0], 128 * whole, `round ${round + 1}: pieces read`);
      }
      t.is(rounds.length, 3, "three rounds, none waiting for a timeout");
      t.true(usage <= baseline + 3, `memory back at rest: ${baseline} → ${usage}`);
    } finally {
      await board.stop();
    }
  });

  run(`${label}: the control page's load, 6 requests at a time on an ESP8266's limits: each whole or a prompt 503, memory back at rest`, async (t) => {
    t.timeout(90000);
    const { board, port, stored } = await controlBoard(interpreter.bin as string, ESP8266);
    try {
      const total = await board.evaluate("process.memory().total", 10000);
      t.is(await board.evaluate("server.limits.maxConnections + ',' + server.limits.maxQueue + ',' + server.limits.chunkSize"), "2,2,256",
        "the ESP8266's limits, from picohttp.json");
      // What a browser asks for when the page loads (gzip accepted): the page (one file) and its first API
      // calls; two tabs at once.
      const gzip = "Accept-Encoding: gzip, deflate\r\n";
      const page = [
        { path: "/", file: "www/index.html" }, { path: "/api/settings" }, { path: "/api/state" },
        { path: "/", file: "www/index.html" }, { path: "/api/settings" }, { path: "/api/state" },
      ];
      const expect = (p: { file?: string; path: string }, got: Got): string => {
        if (got.kind !== "complete") return `${describe(got)} (${p.path}: ${got.body.length} bytes of the body)`;
        if (got.status === 503) return got.ms < 2000 ? "503" : `503 after ${got.ms} ms`;
        if (got.status !== 200) return describe(got);
        if (!p.file) {
          try { JSON.parse(got.body.toString("latin1")); return "200"; } catch (e) { return "bad JSON"; }
        }
        const zipped = /\r\ncontent-encoding: gzip/i.test(got.head);
        return got.body.equals(stored[p.file + (zipped ? ".gz" : "")]) ? "200" : "wrong body";
      };
      for (const p of page) t.is(expect(p, await fetchRaw(port, p.path, { headers: gzip })), "200", "warm-up " + p.path);
      await board.evaluate("measured()");
      const baseline = await baselineOf(board);
      const words: string[] = [];
      let lowest = -1;
      let peak = 0;
      const rounds = 15;
      const began = Date.now();
      for (let round = 0; round < rounds; round++) {
        const results = await Promise.all(page.map((p) => fetchRaw(port, p.path, { headers: gzip, timeout: 10000 })));
        results.forEach((got, i) => words.push(expect(page[i], got)));
        const [, high, low] = await board.evaluate("measured()");
        if (high > peak) peak = high;
        if (low >= 0 && (lowest < 0 || low < lowest)) lowest = low;
        if (words.some((w) => w !== "200" && w !== "503")) break;
      }
      const ms = Date.now() - began;
      const usage = await atRest(board, baseline);
      const stats = await board.evaluate("server.stats");
      const counts = tally(words);
      t.log(`${label}: ${words.length} requests, 6 at a time, in ${ms} ms: ${JSON.stringify(counts)}; while streaming: peak usage ` +
        `${peak}, lowest free ${lowest} of ${total}; memory at rest ${baseline} → ${usage}; stats ${JSON.stringify(stats)}` +
        lastWords(board));
      t.true(board.alive);
      t.is(words.length, rounds * page.length, "every round ran");
      t.deepEqual(Object.keys(counts).filter((w) => w !== "200" && w !== "503"), [], "each answered whole or refused promptly with 503");
      t.true((counts["200"] || 0) >= words.length / 3, `most are served (${counts["200"]})`);
      t.true(usage <= baseline + 3, `memory back at rest: ${baseline} → ${usage}`);
    } finally {
      await board.stop();
    }
  });
}

/** A board with the core in Storage and `app(port)` running: a test's own app on a port of its own. */
async function libraryBoard(bin: string, app: (port: number) => string): Promise<{ board: Board; port: number }> {
  const { freePort } = await soak;
  const port = await freePort();
  const dir = tempDir();
  writeStorage(dir, LIBRARY);
  return { board: new Board(bin, dir, app(port)), port };
}

/** A whole 200 whose body is `expected`. */
function fetched(got: Got, expected: Buffer): boolean {
  return got.kind === "complete" && got.status === 200 && got.body.equals(expected);
}

for (const interpreter of on1600) {
  const run = interpreter.bin ? test.serial : test.skip;
  run(`${interpreter.label}: a handler the interpreter stops (out of memory) is answered 503 within a second or so, and its place comes back`, async (t) => {
    t.timeout(60000);
    const { board, port } = await libraryBoard(interpreter.bin!, (port) => `var picohttp = require("picohttp");
var server = new picohttp.HttpServer(${port}, function (request, response) {
  if (request.path[0] === "hog") { var held = []; for (;;) held.push("a string that takes room " + held.length); }
  response.data = "ok";
}, { maxConnections: 1, maxQueue: 0 });`);
    try {
      await board.evaluate("1", 10000);
      t.is(describe(await fetchRaw(port, "/")), "200");
      const baseline = await board.evaluate("process.memory().usage");
      for (let round = 0; round < 3; round++) {
        const got = await fetchRaw(port, "/hog", { timeout: 5000 });
        t.is(describe(got), "503", `round ${round}`);
        t.true(got.ms < 1600, `answered after ${got.ms} ms`);
        // One place: had the stopped handler kept it, this would be a 503 too.
        t.is(describe(await fetchRaw(port, "/")), "200", `after round ${round}`);
      }
      t.true(await board.evaluate("process.memory().usage") <= baseline + 2, "memory back at rest");
      t.is((await board.evaluate("server.stats.timedOut")), 3);
    } finally {
      await board.stop();
    }
  });
}

for (const interpreter of on1600) {
  const run = interpreter.bin ? test.serial : test.skip;
  run(`${interpreter.label}: a download whose next piece finds the heap nearly full waits for room, and arrives whole`, async (t) => {
    t.timeout(60000);
    // 16 pieces of 256 bytes (the ESP8266's chunkSize). Before the fifth, something else takes the heap
    // until some two dozen variables are free, and gives it back 300 ms later; a piece written into
    // that would be cut short by the interpreter.
    const { board, port } = await libraryBoard(interpreter.bin!, (port) => `var picohttp = require("picohttp");
var PIECE = "";
while (PIECE.length < 256) PIECE += "0123456789abcdef";
var hog = null;
var squeezed = -1;
function squeeze() {
  setTimeout(function () { hog = null; }, 300);
  hog = [];
  while (process.memory(false).free > 34) hog.push(hog.length);
  squeezed = process.memory(false).free;
}
var server = new picohttp.HttpServer(${port}, function (request, response) {
  if (request.path[0] !== "squeezed") { response.data = "ok"; return; }
  var stream = { length: 4096, read: function (at, size) {
    if (at !== 1024 || squeezed >= 0) return PIECE.substr(0, size);
    setTimeout(function () { squeeze(); stream.resume(); }, 20);
    return null;
  } };
  response.data = stream;
}, ${JSON.stringify(ESP8266)});`);
    try {
      await board.evaluate("1", 10000);
      t.is(describe(await fetchRaw(port, "/")), "200");
      const baseline = await board.evaluate("process.memory().usage");
      const got = await fetchRaw(port, "/squeezed", { timeout: 5000 });
      const squeezed = await board.evaluate("squeezed");
      t.log(`${interpreter.label}: free when squeezed ${squeezed}; ${describe(got)} in ${got.ms} ms, ${got.body.length} bytes${lastWords(board)}`);
      t.true(squeezed >= 0 && squeezed <= 38, "the heap was squeezed");
      t.is(describe(got), "200");
      t.true(got.body.equals(Buffer.from("0123456789abcdef".repeat(256), "latin1")), "the body arrives whole");
      t.true(got.ms >= 300 && got.ms < 2000, `it waited for the room, not for a timeout: ${got.ms} ms`);
      await board.evaluate("squeezed = -1; 1");
      t.is(describe(await fetchRaw(port, "/")), "200");
      t.true(await board.evaluate("process.memory().usage") <= baseline + 2, "memory back at rest");
    } finally {
      await board.stop();
    }
  });
}

for (const interpreter of on1600) {
  const run = interpreter.bin ? test.serial : test.skip;
  run(`${interpreter.label}: a query the heap cannot hold is refused with 503 before it is split (running out while making strings can stop the interpreter)`, async (t) => {
    t.timeout(60000);
    // The ESP8266's limits, and an app that keeps all but some 350 variables for itself (above the
    // minFreeMemory of 300, so the request is taken): a query of 110 fields (within maxRequestLine)
    // takes more than that to hold.
    const { board, port } = await libraryBoard(interpreter.bin!, (port) => `var picohttp = require("picohttp");
var server = new picohttp.HttpServer(${port}, function (request, response) {
  response.data = "fields " + Object.keys(request.query).length;
}, ${JSON.stringify(ESP8266)});
var hog = [];
function fill(left) { hog = []; while (process.memory().free > left) hog.push(hog.length); return process.memory().free; }`);
    try {
      await board.evaluate("1", 10000);
      t.is(describe(await fetchRaw(port, "/?a=1&b=2")), "200");
      const baseline = await board.evaluate("process.memory().usage");
      const free = await board.evaluate("fill(350)");
      const query = "/?" + Array.from({ length: 110 }, (_, i) => "k" + i.toString(36)).join("&");
      const results: string[] = [];
      for (let round = 0; round < 3; round++) {
        const got = await fetchRaw(port, query, { timeout: 12000 });
        results.push(`${describe(got)} in ${got.ms} ms`);
        t.true(got.kind === "complete" && (got.status === 503 || got.status === 200) && got.ms < 1600,
          `round ${round + 1}: a 503 (or the answer) at once, not ${describe(got)} after ${got.ms} ms${lastWords(board)}`);
        t.is(describe(await fetchRaw(port, "/?a=1")), "200", `after round ${round + 1}`);
      }
      const stats = await board.evaluate("server.stats");
      t.log(`${interpreter.label}: ${free} free; ${results.join(", ")}; stats ${JSON.stringify(stats)}${lastWords(board)}`);
      await board.evaluate("hog = []; 1");
      t.is(describe(await fetchRaw(port, query)), "200", "with the memory back, the same query is answered");
      t.true(await board.evaluate("process.memory().usage") <= baseline + 2, "memory back at rest");
    } finally {
      await board.stop();
    }
  });
}
