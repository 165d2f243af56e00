#!/usr/bin/env node
// Soak: many short requests against a hello-world server on Espruino's Linux build, picohttp (loaded from
// Storage, as `npm run flash` puts it on a board) and, for comparison, the same load against Espruino's own
// `http` module. Prints what was answered, memory at rest before and after, the peak, and server.stats.
//
//   npm run soak [-- --heap 1600|default|both] [--server picohttp|http|both] [--requests 3000]
//                   [--concurrency 50] [--seconds 120] [--timeout 10000] [--slow 0] [--burst 0]
//                   [--out soak-results.json]
//
//   npm run soak -- --mix [--heap 1600|default|both] [--requests 1200] [--concurrency 4] [--hostile 1] [--seconds 120]
//
// --burst N opens N connections at once before the steady load; --slow N adds N slowloris clients (half a
// request, then nothing) alongside it.
//
// --mix soaks a board-like app instead of hello-world (on the 1600-variable heap unless --heap says
// otherwise; with an ESP8266's limits from boards/esp8266.json there, the defaults on the default heap):
// static files from Storage through the asset pipeline (200 B, 4 KB with gzip, 64 KB), JSON API calls
// (GET and PUT) in a fixed random order, `concurrency` at a time; alongside, `hostile` at a time, clients that
// connect and close without sending, slowloris clients and slow bodies (a byte every 1.5 s); the server has
// headerTimeout 2 s, bodyTimeout 2 s, requestTimeout 4 s. Every answer is checked byte for byte; it
// ends with the server holding no connection and memory at rest back at its starting level, and prints
// what each kind got, memory before, after and at its peak (sampled in the request path: on every
// request and every piece a stream reads), and server.stats. It exits 1 unless all of that holds. "timeout" counts connections that got no whole answer in time; on
// the Linux build those are mostly ones the kernel never handed to the interpreter (Espruino listens with a
// backlog of 10): compare with the server's own counts (stats.connections + stats.rejected).
//
// Interpreters: ESPRUINO_BIN (default heap) and ESPRUINO_BIN_1600 (an ESP8266's 1600 variables); SOAK_HEAP
// may stand in for --heap. Without either binary it prints a notice and exits 0. Every interpreter started
// here runs in a fresh temporary directory on free ports and is killed (SIGKILL) before the next starts.
//
// The load helpers (`runLoad`, `request`, `slowClient`, `freePort`) are exported for the flood test.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { prepareAssets } from "./assets.mjs";
import { freePort, request, runLoad, slowClient, statusOf } from "./lib/net.mjs";
import { LIBRARY } from "./lib/library.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// The board library (LIBRARY): the core and its feature modules (the mixed soak serves files).
// The load helpers live in scripts/lib/net.mjs; the flood test imports them from here, as before.
export { freePort, request, runLoad, slowClient };

// ---------------------------------------------------------------------------------------------------------
// The interpreter side.

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

function writeStorage(bin, dir, files) {
  let script = "var S = require('Storage'), fs = require('fs');\n";
  for (const name in files) script += `S.write(${JSON.stringify(name)}, fs.readFileSync(${JSON.stringify(files[name])}));\n`;
  script += "console.log('WRITTEN ' + S.list().length); quit();\n";
  writeFileSync(join(dir, "setup.js"), script);
  const result = spawnSync(bin, ["setup.js"], { cwd: dir, encoding: "latin1", timeout: 30000, killSignal: "SIGKILL", stdio: ["ignore", "pipe", "pipe"] });
  if ((result.stdout || "").indexOf("WRITTEN") < 0) throw new Error("writing Storage failed:\n" + result.stdout + result.stderr);
}

// Shared by both apps: a peak sampler (process.memory() after a collection, every 20 ms while `track` is on)
// and a probe server that evaluates what it is sent (the console replays old lines under load).
const TOOLS = (probePort) => `
var peak = 0, sampler;
function sample() { var used = process.memory().usage; if (used > peak) peak = used; }
function track(on) { if (sampler) clearInterval(sampler); sampler = undefined; if (on) { peak = 0; sampler = setInterval(sample, 20); } return peak; }
require("net").createServer(function (s) { s.on("data", function (d) {
  var r; try { r = JSON.stringify({ v: eval(d) }); } catch (e) { r = JSON.stringify({ e: String(e) }); } s.end(r);
}); }).listen(${probePort});
`;

const APPS = {
  picohttp: (port) => `var picohttp = require("picohttp");
var server = new picohttp.HttpServer(${port}, function (req, res) { res.data = "Hello"; }, { headerTimeout: 2000 });
function stats() { return server.stats; }
`,
  http: (port) => `var served = 0;
require("http").createServer(function (req, res) { served++; res.writeHead(200, {"Content-Type": "text/plain"}); res.end("Hello"); }).listen(${port});
function stats() { return { handled: served }; }
`,
};

const running = new Set();
function killAll() { for (const child of running) child.kill("SIGKILL"); }

class Interpreter {
  constructor(bin, dir, script) {
    this.output = "";
    writeFileSync(join(dir, "app.js"), script);
    this.process = spawn(bin, ["app.js"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    this.process.stdout.setEncoding("latin1");
    this.process.stdout.on("data", (chunk) => { this.output = (this.output + chunk).slice(-20000); });
    this.process.stderr.on("data", (chunk) => { this.output = (this.output + chunk.toString("latin1")).slice(-20000); });
    this.process.on("error", () => {});
    running.add(this.process);
    this.process.on("exit", () => running.delete(this.process));
  }

  get alive() {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** The value of `expression` on the interpreter, or undefined when it does not answer in time. */
  async evaluate(probePort, expression, timeout = 5000) {
    const deadline = Date.now() + timeout;
    while (this.alive) {
      const answer = await new Promise((done) => {
        const socket = net.connect(probePort, "127.0.0.1");
        let text = "";
        socket.setEncoding("latin1");
        socket.setTimeout(2000, () => socket.destroy());
        socket.on("connect", () => socket.write(expression));
        socket.on("data", (chunk) => { text += chunk; });
        socket.on("close", () => done(text || undefined));
        socket.on("error", () => done(undefined));
      });
      if (answer !== undefined) {
        try {
          const parsed = JSON.parse(answer);
          if (parsed.e) throw new Error(expression + ": " + parsed.e);
          return parsed.v;
        } catch (error) {
          if (/^SyntaxError/.test(String(error))) return undefined;
          throw error;
        }
      }
      if (Date.now() > deadline) return undefined;
      await sleep(50);
    }
    return undefined;
  }

  stop() {
    return new Promise((done) => {
      if (!this.alive) return done();
      this.process.on("exit", () => done());
      this.process.kill("SIGKILL");
    });
  }
}

function clean(output) {
  return output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\n>(?=\n|$)/g, "");
}

/** What went wrong on the interpreter's console, in a line (assertions, out of memory, uncaught errors). */
function trouble(output) {
  const lines = output.split(/\r?\n/).map((l) => l.replace(/\x1b\[[0-9;]*[A-Za-z]|>\[J|^>/g, "").trim())
    .filter((l) => /ASSERT|assert|OUT OF MEMORY|LOW_MEMORY|FIFO_FULL|Uncaught|error|Error|HALT|Segmentation|Interrupted|EXITING/.test(l));
  return [...new Set(lines)].slice(0, 6);
}

/** One soak run: an interpreter with `kind`'s app, warmed up, measured at rest, loaded, measured again. */
export async function soak(bin, setupBin, kind, options) {
  const dir = mkdtempSync(join(tmpdir(), "picohttp-soak-"));
  const port = await freePort();
  let probePort = await freePort();
  while (probePort === port) probePort = await freePort();
  const result = { server: kind, port };
  let board;
  try {
    if (kind === "picohttp") writeStorage(setupBin, dir, { ...LIBRARY });
    board = new Interpreter(bin, dir, APPS[kind](port) + TOOLS(probePort));
    const ask = (expression, timeout) => board.evaluate(probePort, expression, timeout);
    const total = await ask("process.memory().total", 10000);
    if (total === undefined) throw new Error("the interpreter did not start:\n" + board.output.slice(-2000));
    result.heap = total;
    // Warm up (a few requests one after another), let 'close' events run, then measure at rest.
    for (let i = 0; i < 3; i++) await request(port, { expect: "Hello" });
    await sleep(300);
    result.usageBefore = await ask("process.memory().usage");
    await ask("track(true)");
    if (options.burst) {
      // `burst` connections opened at once, before the steady load.
      const began = Date.now();
      const burst = await Promise.all(Array.from({ length: options.burst }, () => request(port, { timeout: options.timeout, expect: "Hello" })));
      result.burst = { sent: options.burst, counts: {}, ms: Date.now() - began };
      for (const r of burst) result.burst.counts[r.kind] = (result.burst.counts[r.kind] || 0) + 1;
      result.burst.alive = board.alive;
      if (board.alive) result.burst.stats = await ask("stats()");
      result.burst.afterwards = board.alive ? (await request(port, { timeout: 5000, expect: "Hello" })).kind : "died";
    }
    const slow = [];
    for (let i = 0; i < options.slow; i++) slow.push(slowClient(port, options.timeout + 5000));
    const answering = !result.burst || result.burst.afterwards === "200";
    result.load = board.alive && answering ? await runLoad(port, { ...options, expect: "Hello", stop: () => !board.alive }) : { sent: 0, counts: {} };
    const slowResults = await Promise.all(slow);
    if (options.slow) {
      result.slow = {};
      for (const r of slowResults) result.slow[r.kind] = (result.slow[r.kind] || 0) + 1;
    }
    result.alive = board.alive;
    if (board.alive) {
      result.peakUsage = await ask("track(false)");
      // Let 'close' events and the server's timeouts settle; measure again if not back yet.
      await settledFigures(ask, result, countersBefore);
      const after = await request(port, { expect: "Hello" });
      result.afterwards = after.kind;
    } else {
      result.exit = board.process.exitCode !== null ? "exit code " + board.process.exitCode : "signal " + board.process.signalCode;
    }
    result.console = trouble(board.output);
    const failed = Object.keys(result.load.counts).some((k) => k !== "200" && k !== "503" && k !== "408");
    if (!board.alive || failed || result.afterwards !== "200") result.consoleTail = clean(board.output).slice(-1500);
  } catch (error) {
    result.error = String(error && error.message || error);
    if (board) result.console = trouble(board.output);
  } finally {
    if (board) await board.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// The mixed soak (--mix).

/**
 * One exchange on its own connection, bytes in and out: resolves (never rejects) with `{ status, head, body,
 * complete, failure, ms }`. `drip`: after `bytes`, one more byte every `drip` ms (a slow body) until the
 * server answers or closes. Closed by the client after `timeout`.
 */
export function exchange(port, { bytes, timeout = 10000, drip = 0 }) {
  return new Promise((done) => {
    const started = Date.now();
    const socket = net.connect(port, "127.0.0.1");
    const chunks = [];
    let failure;
    let connected = false;
    let ticker;
    const timer = setTimeout(() => { failure = failure || (connected ? "timeout" : "unaccepted"); socket.destroy(); }, timeout);
    socket.on("connect", () => {
      connected = true;
      socket.write(Buffer.from(bytes, "latin1"));
      if (drip) ticker = setInterval(() => { if (!socket.destroyed && !chunks.length) socket.write("x"); }, drip);
    });
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", (error) => { failure = failure || error.code || String(error); });
    socket.on("close", () => {
      clearTimeout(timer);
      clearInterval(ticker);
      const all = Buffer.concat(chunks);
      const end = all.indexOf("\r\n\r\n");
      const head = end >= 0 ? all.subarray(0, end).toString("latin1") : all.toString("latin1");
      const body = end >= 0 ? all.subarray(end + 4) : Buffer.alloc(0);
      const length = /\r\ncontent-length: *(\d+)/i.exec(head);
      const status = statusOf(head);
      done({ status, head, body, complete: !!(status && end >= 0 && length && body.length === Number(length[1])),
        failure, ms: Date.now() - started, bytes: all.length });
    });
  });
}

/** Connects, and closes at once without sending anything. */
export function connectAndClose(port, timeout = 5000) {
  return new Promise((done) => {
    const started = Date.now();
    const socket = net.connect(port, "127.0.0.1");
    let connected = false;
    const timer = setTimeout(() => { socket.destroy(); }, timeout);
    socket.on("connect", () => { connected = true; socket.destroy(); });
    socket.on("error", () => {});
    socket.on("close", () => { clearTimeout(timer); done({ kind: connected ? "closed" : "unaccepted", ms: Date.now() - started }); });
  });
}

/** The site the mixed soak serves: a small stylesheet, a 4 KB script (gzipped by the pipeline), 64 KB of noise. */
function mixSite() {
  const big = Buffer.alloc(65536);
  let x = 2463534242;
  for (let i = 0; i < big.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    big[i] = x >>> 24;
  }
  let script = "";
  for (let i = 0; script.length < 4096; i++) script += `function step${i}(state) { return state.value + ${i}; }\n`;
  const css = ("body{margin:0;font:16px sans-serif}h1{color:#234}" + "p{line-height:1.4}".repeat(9)).substring(0, 200);
  return { "small.css": css, "app.js": script.substring(0, 4096), "big.bin": big };
}

const MIX_APP = (port, options) => `var picohttp = require("picohttp");
var peak = 0, lowest = -1, calls = 0;
function note() { var m = process.memory(false); if (m.usage > peak) peak = m.usage; if (lowest < 0 || m.free < lowest) lowest = m.free; }
var server = new picohttp.HttpServer(${port}, function (req, res) {
  note();
  if (req.path[0] === "api") { calls++; res.data = { calls: calls, method: req.method, got: req.data.length }; return; }
  picohttp.staticResource(req, res, "www");
  var stream = res.data;
  if (stream && typeof stream.read === "function") {
    var read = stream.read;
    stream.read = function (offset, size) { note(); return read(offset, size); };
  }
}, Object.assign(${JSON.stringify(options)}, { onError: function () {} }));
function stats() { return server.stats; }
function measured() { var r = { peak: peak, lowest: lowest }; peak = 0; lowest = -1; return r; }
`;

// The clients: `concurrency` workers make the answered kinds, drawn in a fixed pseudo-random order by these
// weights (out of 100); alongside them `hostile` workers (1 by default) keep one hostile client in flight at a
// time, in turn: connect-and-close, slowloris, connect-and-close, slow body. (Drawn from the same deck, the
// hostile ones would fill every slot: each holds one for seconds, the others for milliseconds.)
// "200" is a whole answer checked byte for byte; a prompt 503 (under 2 s) is a refusal, also fine; slow clients
// must get 408 (or 503); a connect-and-close client gets nothing, and the server must let go of it.
const MIX = [{ kind: "small", weight: 35 }, { kind: "medium", weight: 20 }, { kind: "large", weight: 5 }, { kind: "api", weight: 40 }];
const HOSTILE = ["closer", "slowloris", "closer", "slowbody"];

async function mixJob(kind, i, port, expected, timeouts) {
  const gzip = i % 2 ? "Accept-Encoding: gzip\r\n" : "";
  const get = (path, extra = "") => `GET ${path} HTTP/1.0\r\nHost: board\r\n${extra}\r\n`;
  const judge = (got, check) => {
    if (!got.complete) {
      if (got.failure === "timeout" || got.failure === "unaccepted") return got.failure;
      return got.bytes ? "incomplete" : got.failure ? "error " + got.failure : "closed";
    }
    if (got.status === 503) return got.ms < 2000 ? "503" : "late 503";
    if (got.status !== 200) return "status " + got.status;
    return check(got) ? "200" : "wrong body";
  };
  if (kind === "closer") return connectAndClose(port);
  if (kind === "slowloris" || kind === "slowbody") {
    const got = kind === "slowloris"
      ? await exchange(port, { bytes: "GET / HTTP/1.0\r\nHost: bo", timeout: timeouts.slow })
      : await exchange(port, { bytes: "PUT /api HTTP/1.0\r\nHost: board\r\nContent-Length: 100\r\n\r\n", drip: 1500, timeout: timeouts.slow });
    const word = got.complete && (got.status === 408 || got.status === 503) ? String(got.status) : judge(got, () => false);
    return { kind: word, ms: got.ms };
  }
  let got;
  if (kind === "small") got = await exchange(port, { bytes: get("/small.css", gzip), timeout: timeouts.request });
  else if (kind === "medium") got = await exchange(port, { bytes: get("/app.js", gzip), timeout: timeouts.request });
  else if (kind === "large") got = await exchange(port, { bytes: get("/big.bin"), timeout: timeouts.request });
  else if (i % 3) got = await exchange(port, { bytes: get("/api/state"), timeout: timeouts.request });
  else {
    const body = JSON.stringify({ on: i % 2 === 0, label: "output " + i });
    got = await exchange(port, { bytes: `PUT /api/output HTTP/1.0\r\nHost: board\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\n\r\n${body}`, timeout: timeouts.request });
    return { kind: judge(got, (g) => JSON.parse(g.body.toString("latin1")).got === body.length), ms: got.ms };
  }
  const file = { small: "www/small.css", medium: "www/app.js", large: "www/big.bin" }[kind];
  return {
    kind: judge(got, (g) => {
      if (!file) return typeof JSON.parse(g.body.toString("latin1")).calls === "number";
      const zipped = /\r\ncontent-encoding: gzip/i.test(g.head);
      return expected[file + (zipped ? ".gz" : "")] !== undefined && g.body.equals(expected[file + (zipped ? ".gz" : "")]);
    }),
    ms: got.ms,
  };
}

/**
 * Memory at rest after a soak, into `result`: usageAfter (measured again, up to four times a second apart,
 * while above usageBefore plus what is allowed), counterBlocks, stats and errorFlags. A number from 1024 up
 * takes a block of its own beside its name (below, it fits in the name's): each counter that passes 1024
 * during the soak costs one block, for good. Allowed for, not a leak.
 */
async function settledFigures(ask, result, countersBefore) {
  await sleep(300);
  result.counterBlocks = countersCrossing(countersBefore, await ask("[stats(), calls]"));
  const allowed = 3 + result.counterBlocks;
  result.usageAfter = await ask("process.memory().usage");
  for (let i = 0; i < 4 && result.usageAfter > result.usageBefore + allowed; i++) {
    await sleep(1000);
    result.usageAfter = await ask("process.memory().usage");
  }
  result.stats = await ask("stats()");
  result.errorFlags = await ask("E.getErrorFlags()");
}

/** How many numbers in `after` (an object or array, walked in step with `before`) passed 1024 since `before`. */
export function countersCrossing(before, after) {
  let crossed = 0;
  for (const key in after) {
    const a = before ? before[key] : undefined;
    const b = after[key];
    if (typeof b === "number" && Math.abs(b) >= 1024 && !(typeof a === "number" && Math.abs(a) >= 1024)) crossed++;
    else if (b && typeof b === "object") crossed += countersCrossing(a, b);
  }
  return crossed;
}

/** The mixed soak on one interpreter; `limits`: the server's options. */
export async function mixSoak(bin, setupBin, limits, options) {
  const dir = mkdtempSync(join(tmpdir(), "picohttp-soak-"));
  const port = await freePort();
  let probePort = await freePort();
  while (probePort === port) probePort = await freePort();
  const timeouts = { request: 10000, slow: 15000 };
  const serverOptions = Object.assign({}, limits, { headerTimeout: 2000, bodyTimeout: 2000, requestTimeout: 4000 });
  const result = { server: "picohttp (mix)", port, options: serverOptions };
  let board;
  try {
    // The site through the asset pipeline (gzip, ETags, manifest), into Storage with picohttp.
    const site = join(dir, "site");
    mkdirSync(site);
    const files = mixSite();
    for (const name in files) writeFileSync(join(site, name), files[name]);
    const prepared = prepareAssets(site, { base: "www", out: join(dir, "prepared") });
    const storage = { ...LIBRARY };
    const expected = {};
    for (const f of prepared.files) {
      storage[f.name] = f.path;
      expected[f.name] = readFileSync(f.path);
    }
    result.files = Object.fromEntries(prepared.files.map((f) => [f.name, f.size]));
    writeStorage(setupBin, dir, storage);
    board = new Interpreter(bin, dir, MIX_APP(port, serverOptions) + TOOLS(probePort));
    const ask = (expression, timeout) => board.evaluate(probePort, expression, timeout);
    const total = await ask("process.memory().total", 10000);
    if (total === undefined) throw new Error("the interpreter did not start:\n" + board.output.slice(-2000));
    result.heap = total;
    // Warm up with each kind of answer (a 200 of each kind, a 408, a 503 for a full house), then measure at
    // rest: what the first of each sets up once is not a leak.
    for (const kind of ["small", "medium", "large", "api"]) {
      for (let i = 0; i < 2; i++) {
        const r = await mixJob(kind, i, port, expected, timeouts);
        if (r.kind !== "200") throw new Error(`warm-up ${kind}: ${r.kind}`);
      }
    }
    const slots = (serverOptions.maxConnections || 4) + (serverOptions.maxQueue === undefined ? 4 : serverOptions.maxQueue);
    const stalled = Array.from({ length: slots }, () => mixJob("slowloris", 0, port, expected, timeouts));
    await sleep(300);
    const refused = await mixJob("small", 0, port, expected, timeouts);
    const timedOut = await Promise.all(stalled);
    if (refused.kind !== "503" || timedOut.some((r) => r.kind !== "408")) {
      throw new Error(`warm-up: a full house got ${refused.kind}, its stalled clients ${timedOut.map((r) => r.kind).join(", ")}`);
    }
    await sleep(1000);
    // Espruino makes the built-in Error's prototype (7 blocks, for good) the first time an Error is made: a
    // socket's first 'error' (a client gone) would otherwise count as a leak.
    await ask("new Error('warm-up') ? 1 : 0");
    await ask("measured()");
    result.usageBefore = await ask("process.memory().usage");
    const countersBefore = await ask("[stats(), calls]");

    // The answered kinds, in a fixed pseudo-random order.
    const deck = [];
    for (const m of MIX) for (let i = 0; i < m.weight; i++) deck.push(m.kind);
    let seed = 42;
    const jobs = [];
    for (let i = 0; i < options.requests; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      jobs.push(deck[(seed >>> 8) % deck.length]);
    }
    const byKind = {};
    const times = {};
    let next = 0;
    let capped = false;
    const began = Date.now();
    const deadline = began + options.seconds * 1000;
    const record = (kind, r) => {
      const counts = byKind[kind] = byKind[kind] || {};
      counts[r.kind] = (counts[r.kind] || 0) + 1;
      (times[kind] = times[kind] || []).push(r.ms);
    };
    let working = options.concurrency;
    const worker = async () => {
      while (next < jobs.length && board.alive) {
        if (Date.now() > deadline) { capped = true; break; }
        const i = next++;
        const r = await mixJob(jobs[i], i, port, expected, timeouts);
        record(jobs[i], r);
        // Refused: come back a little later, as a browser would (not at once, in a loop of 503s).
        if (r.kind === "503") await sleep(250);
      }
      working--;
    };
    let hostileSent = 0;
    const hostile = async (w) => {
      for (let i = w; working > 0 && board.alive; i++) {
        hostileSent++;
        const kind = HOSTILE[i % HOSTILE.length];
        record(kind, await mixJob(kind, i, port, expected, timeouts));
        // The server cannot tell that a connect-and-close client has gone when the platform never reports its
        // 'close' (about half of them, on the Linux build): it holds the place until headerTimeout. Wait for
        // that, so that one hostile worker holds one place at a time.
        if (kind === "closer") await sleep(serverOptions.headerTimeout + 500);
      }
    };
    await Promise.all([...Array.from({ length: options.concurrency }, worker),
      ...Array.from({ length: options.hostile }, (_, w) => hostile(w))]);
    result.load = { sent: next + hostileSent, ms: Date.now() - began, capped, byKind, latency: {} };
    for (const kind in times) {
      const list = times[kind].sort((a, b) => a - b);
      const at = (q) => list[Math.min(list.length - 1, Math.floor(q * list.length))];
      result.load.latency[kind] = `${at(0.5)}/${at(0.95)}/${list[list.length - 1]}`;
    }
    result.alive = board.alive;
    if (board.alive) {
      const inPath = await ask("measured()");
      result.peakUsage = inPath.peak;
      result.lowestFree = inPath.lowest;
      // Connections the server still holds: none, once headerTimeout and the sweep have passed.
      const settleBy = Date.now() + serverOptions.requestTimeout + 5000;
      result.openAtEnd = await ask("server.stats.open");
      while (result.openAtEnd !== 0 && Date.now() < settleBy) {
        await sleep(250);
        result.openAtEnd = await ask("server.stats.open");
      }
      await settledFigures(ask, result, countersBefore);
      result.afterwards = (await mixJob("small", 0, port, expected, timeouts)).kind;
    } else {
      result.exit = board.process.exitCode !== null ? "exit code " + board.process.exitCode : "signal " + board.process.signalCode;
    }
    result.console = trouble(board.output);
    // What each kind may get: answered kinds a checked 200 or a prompt 503; slow ones 408 or 503; closers nothing.
    const allowed = { closer: ["closed"], slowloris: ["408", "503"], slowbody: ["408", "503"] };
    result.unexpected = [];
    for (const kind in byKind) {
      for (const word in byKind[kind]) {
        if (!(allowed[kind] || ["200", "503"]).includes(word)) result.unexpected.push(`${kind}: ${word} × ${byKind[kind][word]}`);
      }
    }
    result.pass = result.alive && !result.unexpected.length && !capped && result.openAtEnd === 0 &&
      result.usageAfter - result.usageBefore <= 3 + result.counterBlocks && result.usageBefore - result.usageAfter <= 3 &&
      result.afterwards === "200";
    if (!result.pass) result.consoleTail = clean(board.output).slice(-1500);
  } catch (error) {
    result.error = String(error && error.message || error);
    result.pass = false;
    if (board) result.console = trouble(board.output);
  } finally {
    if (board) await board.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

function printMix(results) {
  const kinds = MIX.map((m) => m.kind).concat(["closer", "slowloris", "slowbody"]);
  for (const r of results) {
    console.log(`${r.label} heap (${r.heap || "?"} variables), limits ${JSON.stringify(r.options)}`);
    if (r.files) console.log("  files in Storage: " + Object.entries(r.files).map(([n, b]) => `${n} ${b} B`).join(", "));
    if (r.load) {
      const words = [...new Set(Object.values(r.load.byKind).flatMap((c) => Object.keys(c)))].sort();
      const headings = ["kind", "sent", ...words, "p50/p95/max ms"];
      const lines = kinds.filter((k) => r.load.byKind[k]).map((k) => {
        const c = r.load.byKind[k];
        return [k, Object.values(c).reduce((a, b) => a + b, 0), ...words.map((w) => c[w] || 0), r.load.latency[k]];
      });
      const widths = headings.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
      console.log("  " + row(headings, widths));
      for (const line of lines) console.log("  " + row(line, widths));
      console.log(`  ${r.load.sent} clients in ${r.load.ms} ms${r.load.capped ? " (stopped at the --seconds cap)" : ""}`);
    }
    console.log(`  memory at rest ${r.usageBefore} before, ${r.usageAfter} after (${r.counterBlocks} of it counters that passed ` +
      `1024); in the request path: peak usage ${r.peakUsage}, lowest free ${r.lowestFree}; connections held at the end ` +
      `(stats.open) ${r.openAtEnd}`);
    if (r.stats) console.log("  stats " + JSON.stringify(r.stats));
    if (r.errorFlags && r.errorFlags.length) console.log("  E.getErrorFlags() " + JSON.stringify(r.errorFlags));
    if (r.afterwards) console.log("  a request afterwards: " + r.afterwards);
    if (!r.alive && r.exit) console.log("  the interpreter DIED: " + r.exit);
    if (r.unexpected && r.unexpected.length) console.log("  unexpected: " + r.unexpected.join("; "));
    if (r.console && r.console.length) console.log("  console: " + r.console.join(" | "));
    if (r.error) console.log("  error: " + r.error.split("\n")[0]);
    console.log(`  ${r.pass ? "PASS" : "FAIL"}: every client answered or refused as its kind must be, no connection held, ` +
      "memory back at its starting level\n");
  }
}

// ---------------------------------------------------------------------------------------------------------
// The command.

function parseArgs(argv) {
  const options = { heap: process.env.SOAK_HEAP || "both", server: "both", requests: 3000, concurrency: 50, seconds: 120,
    timeout: 10000, slow: 0, burst: 0, out: "soak-results.json", mix: false, hostile: 1 };
  const given = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (!match || !(match[1] in options)) throw new Error("unknown argument " + arg);
    given[match[1]] = true;
    if (typeof options[match[1]] === "boolean") {
      options[match[1]] = match[2] === undefined || match[2] === "true";
      continue;
    }
    const value = match[2] !== undefined ? match[2] : argv[++i];
    if (value === undefined) throw new Error(arg + " needs a value");
    options[match[1]] = typeof options[match[1]] === "number" ? Number(value) : value;
    if (Number.isNaN(options[match[1]])) throw new Error(arg + " needs a number");
  }
  if (options.mix) {
    // The mixed soak's own defaults: the small heap, fewer and slower clients.
    if (!given.heap && !process.env.SOAK_HEAP) options.heap = "1600";
    if (!given.requests) options.requests = 1200;
    if (!given.concurrency) options.concurrency = 4;
    if (!given.out) options.out = "soak-mix-results.json";
  }
  return options;
}

function row(cells, widths) {
  return cells.map((c, i) => String(c === undefined ? "-" : c).padEnd(widths[i])).join("  ");
}

function printTable(results) {
  const headings = ["heap", "server", "sent", "200", "503", "408", "other", "p50/p95/max ms", "usage before", "peak", "after", "process"];
  const lines = results.map((r) => {
    const c = (r.load && r.load.counts) || {};
    const other = Object.keys(c).filter((k) => k !== "200" && k !== "503" && k !== "408").map((k) => `${k}:${c[k]}`).join(" ");
    return [r.label, r.server, r.load ? r.load.sent : undefined, c["200"] || 0, c["503"] || 0, c["408"] || 0, other || 0,
      r.load && r.load.sent ? `${r.load.p50}/${r.load.p95}/${r.load.max}` : undefined, r.usageBefore, r.peakUsage, r.usageAfter,
      r.error ? "ERROR" : !r.alive ? "DIED (" + r.exit + ")" : r.afterwards === "200" ? "up" : "UNRESPONSIVE"];
  });
  const widths = headings.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i] === undefined ? "-" : l[i]).length)));
  console.log(row(headings, widths));
  for (const line of lines) console.log(row(line, widths));
  for (const r of results) {
    const notes = [];
    if (r.stats) notes.push("stats " + JSON.stringify(r.stats));
    if (r.errorFlags && r.errorFlags.length) notes.push("E.getErrorFlags() " + JSON.stringify(r.errorFlags));
    if (r.burst) notes.push(`burst of ${r.burst.sent} at once (${r.burst.ms} ms): ${JSON.stringify(r.burst.counts)}` +
      (r.burst.alive ? ", stats then " + JSON.stringify(r.burst.stats) : ", the interpreter DIED"));
    if (r.slow) notes.push("slow clients " + JSON.stringify(r.slow));
    if (r.afterwards) notes.push("a request afterwards: " + r.afterwards);
    if (r.burst && r.burst.afterwards !== "200") notes.push("after the burst a single request got: " + r.burst.afterwards + " (steady load skipped)");
    if (r.load && r.load.abandoned) notes.push("the steady load was abandoned: nothing answered any more");
    if (r.load && r.load.capped) notes.push(`stopped at the --seconds cap after ${r.load.sent} requests`);
    if (r.console && r.console.length) notes.push("console: " + r.console.join(" | "));
    if (r.error) notes.push("error: " + r.error.split("\n")[0]);
    if (notes.length) console.log(`\n${r.label} / ${r.server}:\n  ` + notes.join("\n  "));
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const heaps = [
    { label: "default", bin: process.env.ESPRUINO_BIN },
    { label: "1600", bin: process.env.ESPRUINO_BIN_1600 },
  ].filter((h) => h.bin && (options.heap === "both" || options.heap === h.label));
  if (!heaps.length) {
    console.log(`soak: no interpreter to run on (--heap ${options.heap}): set ESPRUINO_BIN (default heap) and/or ` +
      "ESPRUINO_BIN_1600 (1600 variables) to Espruino's Linux build. Nothing was run.");
    return;
  }
  if (options.mix) return mixMain(options, heaps);
  const servers = options.server === "both" ? ["picohttp", "http"] : [options.server];
  for (const s of servers) if (!APPS[s]) throw new Error("unknown --server " + s);
  const load = { requests: options.requests, concurrency: options.concurrency, seconds: options.seconds,
    timeout: options.timeout, slow: options.slow, burst: options.burst };
  console.log(`soak: ${load.requests} requests, ${load.concurrency} at a time, at most ${load.seconds} s, ` +
    `client timeout ${load.timeout} ms${load.slow ? `, ${load.slow} slow clients` : ""}` +
    `${load.burst ? `, after a burst of ${load.burst} connections at once` : ""}`);
  const results = [];
  for (const heap of heaps) {
    for (const server of servers) {
      console.log(`... ${heap.label} heap, ${server}`);
      // Storage is written with the default-heap interpreter where there is one: it has room for the bundle.
      const result = await soak(heap.bin, process.env.ESPRUINO_BIN || heap.bin, server, load);
      result.label = heap.label;
      results.push(result);
    }
  }
  console.log("");
  printTable(results);
  const out = resolve(options.out);
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), options: load, results }, null, 2) + "\n");
  console.log(`\nwritten to ${out}`);
}

async function mixMain(options, heaps) {
  const esp8266 = JSON.parse(readFileSync(join(ROOT, "boards", "esp8266.json"), "utf8")).picohttp.options;
  console.log(`soak --mix: ${options.requests} clients, ${options.concurrency} at a time (${MIX.map((m) => `${m.kind} ` +
    `${m.weight}%`).join(", ")}), and ${options.hostile} hostile at a time (${HOSTILE.join(", ")}), at most ${options.seconds} s`);
  const results = [];
  for (const heap of heaps) {
    console.log(`... ${heap.label} heap`);
    const limits = heap.label === "1600" ? esp8266 : {};
    const result = await mixSoak(heap.bin, process.env.ESPRUINO_BIN || heap.bin, limits, options);
    result.label = heap.label;
    results.push(result);
  }
  console.log("");
  printMix(results);
  const out = resolve(options.out);
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), options, results }, null, 2) + "\n");
  console.log(`written to ${out}`);
  if (results.some((r) => !r.pass)) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Interrupted: no interpreter is left behind.
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => { killAll(); process.exit(130); });
  main().catch((error) => {
    console.error("soak:", error && error.stack || error);
    process.exitCode = 1;
  });
}
