#!/usr/bin/env node
// Benchmarks picohttp against the alternatives, on Espruino's Linux build and on Node, in one run.
// Prints a table and writes JSON (bench-results.json in the working directory, or --out PATH).
//
//   node scripts/bench.mjs [--out PATH] [--count N] [--node-count N] [--rounds N] [--quick] [--keep]
//                          [--only cpu,memory,node] [--heaps default,1600]
//
// ESPRUINO_BIN (default heap) and ESPRUINO_BIN_1600 (1600-variable heap) name the interpreters; the
// parts that need one are skipped, with a notice, when it is not set. Run `npm run build` first
// (`npm run bench` does).
//
// How it measures:
// - CPU per request: utime+stime of the server process from /proc/<pid>/stat over a fixed number of
//   requests, after a warm-up. Only the server under load runs: the others are held with SIGSTOP
//   (Espruino's idle loop never sleeps while a server socket is open, so an idle interpreter would
//   take a core from the one being measured). Cases are interleaved in rounds so that a change in
//   the machine's load touches them all alike.
// - Load: a client in this process on 127.0.0.1, a new connection per request, a fixed count per
//   case, at a fixed concurrency, with a per-request timeout and a time cap per case.
// - Memory: process.memory().usage (after a garbage collection) read on the interpreter's console, or
//   printed by the app itself while connections are held.
// - The Linux build is fragile under this kind of probing (its console thread and main loop share
//   unlocked queues; sockets nothing in JavaScript refers to get garbage-collected while open): a memory
//   measurement whose interpreter crashes or garbles its answer is run again, up to three times, and
//   the notes say so. Code evaluated from Storage runs far slower there than on a board (its emulated
//   flash opens and reads a file at every access), so the CPU target is judged on the RAM upload.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUNDLE = join(ROOT, "dist", "picohttp.js");
const NODE_BUNDLE = join(ROOT, "dist", "picohttp.node.js");

// ---------------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const options = { out: "bench-results.json", count: 1200, nodeCount: 2000, rounds: 3, keep: false,
    only: ["cpu", "memory", "node"], heaps: ["default", "1600"] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(arg + " needs a value");
      return argv[++i];
    };
    if (arg === "--out") options.out = value();
    else if (arg === "--count") options.count = positive(arg, value());
    else if (arg === "--node-count") options.nodeCount = positive(arg, value());
    else if (arg === "--rounds") options.rounds = positive(arg, value());
    else if (arg === "--quick") { options.count = 300; options.nodeCount = 600; options.rounds = 2; }
    else if (arg === "--keep") options.keep = true;
    else if (arg === "--only") options.only = value().split(",");
    else if (arg === "--heaps") options.heaps = value().split(",");
    else if (arg === "--help" || arg === "-h") {
      console.log("usage: node scripts/bench.mjs [--out PATH] [--count N] [--node-count N] [--rounds N] [--quick] [--keep]\n" +
        "                          [--only cpu,memory,node] [--heaps default,1600]\n" +
        "Espruino parts need ESPRUINO_BIN (default heap) and ESPRUINO_BIN_1600 (1600-variable heap).");
      process.exit(0);
    } else throw new Error("unknown argument: " + arg);
  }
  return options;
}

function positive(name, text) {
  const n = Number(text);
  if (!(n > 0) || Math.floor(n) !== n) throw new Error(name + " wants a positive integer, not " + text);
  return n;
}

const CONCURRENCY_ESPRUINO = [1, 4];
const CONCURRENCY_NODE = [1, 4, 16];
const CASE_CAP_MS = 60000; // time cap for one case's requests
const REQUEST_TIMEOUT_MS = 10000;
const WARMUP = 20;
// Connections held at once in the in-flight measurement: few enough to leave a good margin of free
// blocks (near a full heap, typing on the Linux build's console can crash it).
const INFLIGHT_N = { "default": 10, "1600": 4 };
const STREAM_SIZE = 65536;

const TARGETS = {
  cpuRatio: 1.3, // picohttp CPU per request / lean responder's, on Espruino
  gzipBytes: 3000,
  storageBlocks: 200,
  ramBlocks: 700,
  inflightBlocks: 30,
  streamBlocks: 60,
  nodeRatio: 1, // picohttp req/s / node:http req/s
};

// The request every server answers: GET with three header fields, HTTP/1.0, one per connection.
const HELLO_REQUEST = "GET /hello HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: picohttp-bench\r\nAccept: */*\r\n\r\n";
const HELLO_BODY = "Hello world!";

// ---------------------------------------------------------------------------------------------------
// Child processes: every one is tracked and killed on the way out, whatever happens.

const children = new Set();

function track(child) {
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

function killAll() {
  for (const child of children) {
    try { child.kill("SIGKILL"); } catch (ignored) { /* already gone */ }
  }
}

let keepTemp = false;

process.on("exit", () => {
  killAll();
  if (!keepTemp) {
    for (const dir of tempDirs) {
      try { rmSync(dir, { recursive: true, force: true }); } catch (ignored) { /* best effort */ }
    }
  }
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    console.error("\nbench: " + signal + ", stopping");
    killAll();
    process.exit(130);
  });
}

function alive(child) {
  return child.exitCode === null && child.signalCode === null;
}

/** Kills a child and resolves once it has exited (so it leaves no zombie behind). */
function stopChild(child) {
  return new Promise((resolveStop) => {
    if (!alive(child)) return resolveStop();
    const timer = setTimeout(resolveStop, 5000);
    child.once("exit", () => { clearTimeout(timer); resolveStop(); });
    try { child.kill("SIGKILL"); } catch (ignored) { resolveStop(); }
  });
}

const sleep = (ms) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

let clockTicks = 100;

function readClockTicks() {
  const result = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8", timeout: 5000 });
  const n = parseInt(result.stdout, 10);
  return n > 0 ? n : 100;
}

/** CPU time a process has used, in clock ticks (utime + stime from /proc/<pid>/stat). */
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of the whole line
}

const tempDirs = [];

function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), "picohttp-bench-" + prefix + "-"));
  tempDirs.push(dir);
  return dir;
}

// ---------------------------------------------------------------------------------------------------
// Ports: free ones, checked on all interfaces (Espruino's net binds them all; clients use 127.0.0.1).

let nextPort = 20000 + Math.floor(Math.random() * 8000);

function portIsFree(port) {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once("error", () => resolveFree(false));
    server.listen(port, () => server.close(() => resolveFree(true)));
  });
}

async function freePort() {
  for (let tries = 0; tries < 200; tries++) {
    const port = nextPort++;
    if (nextPort > 30000) nextPort = 20000;
    if (await portIsFree(port)) return port;
  }
  throw new Error("no free port found");
}

// ---------------------------------------------------------------------------------------------------
// The load: a connection per request, from 127.0.0.1.

/** Sends `bytes` on a new connection; resolves with everything received before the server closed. */
function exchange(port, bytes, timeout = REQUEST_TIMEOUT_MS) {
  return new Promise((resolveExchange) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    let done = false;
    const finish = (error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolveExchange({ text: received, error });
    };
    const timer = setTimeout(() => finish("timeout"), timeout);
    socket.setEncoding("latin1");
    socket.on("connect", () => socket.write(bytes, "latin1"));
    socket.on("data", (chunk) => { received += chunk; });
    socket.on("error", (error) => finish(error.code || String(error)));
    socket.on("close", () => finish(undefined));
  });
}

function statusOf(text) {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return match ? Number(match[1]) : 0;
}

function isHello(reply) {
  return !reply.error && statusOf(reply.text) === 200 && reply.text.endsWith("\r\n\r\n" + HELLO_BODY);
}

/** `count` requests, `concurrency` at a time, within `cap` ms. */
async function runLoad(port, { count, concurrency, cap = CASE_CAP_MS, bytes = HELLO_REQUEST, check = isHello }) {
  let started = 0;
  const result = { requests: 0, ok: 0, failed: 0, statuses: {}, firstFailure: undefined, ms: 0, capped: false };
  const deadline = Date.now() + cap;
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    while (started < count) {
      if (Date.now() > deadline) { result.capped = true; return; }
      started++;
      const reply = await exchange(port, bytes);
      result.requests++;
      if (check(reply)) {
        result.ok++;
      } else {
        result.failed++;
        const key = reply.error ? reply.error : String(statusOf(reply.text) || "garbled");
        result.statuses[key] = (result.statuses[key] || 0) + 1;
        if (result.firstFailure === undefined) result.firstFailure = (reply.error || "") + " " + reply.text.slice(0, 200);
      }
    }
  };
  const workers = [];
  for (let i = 0; i < concurrency; i++) workers.push(worker());
  await Promise.all(workers);
  result.ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return result;
}

function addLoad(total, part) {
  if (!total) return { ...part, statuses: { ...part.statuses } };
  total.requests += part.requests;
  total.ok += part.ok;
  total.failed += part.failed;
  total.ms += part.ms;
  total.capped = total.capped || part.capped;
  for (const key in part.statuses) total.statuses[key] = (total.statuses[key] || 0) + part.statuses[key];
  if (total.firstFailure === undefined) total.firstFailure = part.firstFailure;
  return total;
}

// ---------------------------------------------------------------------------------------------------
// Espruino: a board is an interpreter running app.js in its own directory (Storage in ./espruino.flash).

class Board {
  constructor(label, bin, dir, script) {
    this.label = label;
    this.output = "";
    this.marker = 0;
    writeFileSync(join(dir, "app.js"), script);
    this.process = track(spawn(bin, ["app.js"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] }));
    this.process.stdout.setEncoding("latin1");
    this.process.stdout.on("data", (chunk) => { this.output += chunk; });
    this.process.stderr.on("data", (chunk) => { this.output += chunk.toString("latin1"); });
    this.process.stdin.on("error", () => { /* the interpreter exited */ });
  }

  get alive() {
    return alive(this.process);
  }

  get pid() {
    return this.process.pid;
  }

  /** Resolves once `text` appears in the output after `from`; rejects on exit or timeout. */
  async waitFor(text, timeout = 10000, from = 0) {
    const deadline = Date.now() + timeout;
    for (;;) {
      if (this.output.indexOf(text, from) >= 0) return;
      if (!this.alive) throw new Error(this.label + ": the interpreter exited:\n" + this.tail());
      if (Date.now() > deadline) throw new Error(this.label + ": no '" + text + "' within " + timeout + " ms:\n" + this.tail());
      await sleep(20);
    }
  }

  tail() {
    return this.output.slice(-(Number(process.env.BENCH_TAIL) || 1500));
  }

  /** Types a line on the console with echo off (and so out of the history). */
  send(code) {
    this.process.stdin.write("\x10" + code + "\n");
  }

  /**
   * Evaluates an expression on the console and resolves with its JSON value. The Linux build's console
   * output is sometimes garbled (its console thread and main loop share unlocked queues): an answer
   * that cannot be read is asked for again. Do not use it for expressions with side effects.
   */
  async evaluate(expression, timeout = 5000) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.evaluateOnce(expression, timeout);
      } catch (error) {
        if (attempt >= 3 || !(error.garbled || error.unanswered)) throw error;
      }
    }
  }

  /** Evaluates once, for expressions with side effects. */
  async evaluateOnce(expression, timeout = 10000) {
    const tag = "@@" + ++this.marker + "@@";
    const start = this.output.length;
    this.send(`print("${tag}"+JSON.stringify(${expression})+"${tag}")`);
    const deadline = Date.now() + timeout;
    for (;;) {
      const text = this.output.substring(start);
      const at = text.indexOf(tag);
      const end = at < 0 ? -1 : text.indexOf(tag, at + tag.length);
      if (end >= 0) {
        const json = text.substring(at + tag.length, end);
        if (json === "undefined" || json === "") return undefined;
        try {
          return JSON.parse(json);
        } catch (parseError) {
          const error = new Error(this.label + ": cannot read the answer to " + expression + ": " + JSON.stringify(json));
          error.garbled = true;
          throw error;
        }
      }
      if (!this.alive) throw new Error(this.label + ": the interpreter exited:\n" + this.tail());
      if (Date.now() > deadline) {
        const error = new Error(this.label + ": no answer to " + expression + ":\n" + this.tail());
        error.unanswered = true;
        throw error;
      }
      await sleep(10);
    }
  }

  /** Blocks in use after a garbage collection. */
  usage() {
    return this.evaluate("process.memory().usage");
  }

  pause() {
    if (this.alive) this.process.kill("SIGSTOP");
  }

  resume() {
    if (this.alive) this.process.kill("SIGCONT");
  }

  stop() {
    return stopChild(this.process);
  }
}

async function startBoard(label, bin, dir, script, timeout = 15000) {
  const board = new Board(label, bin, dir, script);
  try {
    await board.waitFor("READY", timeout);
  } catch (error) {
    await board.stop();
    throw error;
  }
  return board;
}

function espruinoVersion(bin) {
  const result = spawnSync(bin, ["-e", "print('V='+process.version);quit()"], {
    encoding: "latin1", timeout: 10000, stdio: ["ignore", "pipe", "pipe"] });
  const match = /V=(\S+)/.exec(result.stdout || "");
  return match ? match[1] : "unknown";
}

/** Runs `script` once with `bin` in `dir` (where Storage lives) and checks that it printed `DONE`. */
function runOnce(bin, dir, script, what) {
  writeFileSync(join(dir, "setup.js"), script);
  const result = spawnSync(bin, ["setup.js"], { cwd: dir, encoding: "latin1", timeout: 60000,
    stdio: ["ignore", "pipe", "pipe"] });
  if ((result.stdout || "").indexOf("DONE") < 0) {
    throw new Error(what + " failed:\n" + (result.stdout || "").slice(-1500) + (result.stderr || "") +
      (result.error ? String(result.error) : ""));
  }
}

/** Byte `j` of the 512-byte piece `i` of the streamed file (the same rule on both sides). */
function streamByte(i, j) {
  return 97 + ((i + j) % 26);
}

function expectedStream() {
  const bytes = Buffer.alloc(STREAM_SIZE);
  for (let i = 0; i < STREAM_SIZE / 512; i++) {
    for (let j = 0; j < 512; j++) bytes[i * 512 + j] = streamByte(i, j);
  }
  return bytes.toString("latin1");
}

/**
 * A directory whose Storage holds the bundle as "picohttp" (and, with `big`, a 64 KB file "big.txt"),
 * written by the default-heap interpreter, which has room for them.
 */
function storageDir(prefix, big) {
  const dir = tempDir(prefix);
  let script = "var S = require('Storage');\n" +
    `S.write("picohttp", require("fs").readFileSync(${JSON.stringify(BUNDLE)}));\n`;
  if (big) {
    script += `for (var i = 0; i < ${STREAM_SIZE / 512}; i++) { var c = "";
  for (var j = 0; j < 512; j++) c += String.fromCharCode(97 + ((i + j) % 26));
  S.write("big.txt", c, i * 512, ${STREAM_SIZE}); }\n` +
      `if (S.read("big.txt").length !== ${STREAM_SIZE}) throw new Error("big.txt has the wrong size");\n` +
      `S.write("small.txt", ${JSON.stringify(HELLO_BODY)});\n`;
  }
  script += `if (S.read("picohttp").length !== ${readFileSync(BUNDLE).length}) throw new Error("picohttp has the wrong size");\n` +
    "print('DONE'); quit();\n";
  runOnce(process.env.ESPRUINO_BIN, dir, script, "writing Storage");
  return dir;
}

function uploadedModule(bundle) {
  return `Modules.addCached("picohttp",function(){${bundle}});`;
}

// The three servers, as Espruino apps answering GET /hello with "Hello world!".

function picoApp(port, ram, bundle) {
  return (ram ? uploadedModule(bundle) + "\n" : "") +
    `var picohttp = require("picohttp");
new picohttp.HttpServer(${port}, function (request, response) {
  if (request.path[0] === "hello") {
    response.data = "Hello world!";
  } else {
    response.status = 404;
    response.data = "Not Found";
  }
});
print("READY");
`;
}

function builtinApp(port) {
  return `require("http").createServer(function (req, res) {
  if (req.url === "/hello") {
    res.writeHead(200, { "Content-Length": 12 });
    res.end("Hello world!");
  } else {
    res.writeHead(404, { "Content-Length": 9 });
    res.end("Not Found");
  }
}).listen(${port});
print("READY");
`;
}

// The floor for a parser in JavaScript: request line and header fields split into an object with
// indexOf/substring, an HTTP/1.0 answer with Content-Length, then close. With `hold`, it keeps a
// reference to each open socket: on the Linux build a garbage collection frees sockets that nothing in
// JavaScript refers to, while they are still open (they go on working, until their blocks are reused
// and the interpreter crashes), so a memory measurement must hold them.
function leanApp(port, hold) {
  return (hold ? "var held = [];\n" : "") + `require("net").createServer(function (socket) {
  var buffer = "";${hold ? `
  held.push(socket);
  socket.on("close", function () { held.splice(held.indexOf(socket), 1); });` : ""}
  socket.on("data", function (chunk) {
    buffer += chunk;
    var end = buffer.indexOf("\\r\\n\\r\\n");
    if (end < 0) return;
    var head = buffer.substring(0, end);
    buffer = "";
    var eol = head.indexOf("\\r\\n");
    if (eol < 0) eol = head.length;
    var line = head.substring(0, eol);
    var first = line.indexOf(" "), last = line.lastIndexOf(" ");
    var request = { method: line.substring(0, first), target: line.substring(first + 1, last),
      protocol: line.substring(last + 1), headers: {} };
    var at = eol + 2;
    while (at < head.length) {
      var next = head.indexOf("\\r\\n", at);
      if (next < 0) next = head.length;
      var colon = head.indexOf(":", at);
      if (colon > at && colon < next) request.headers[head.substring(at, colon)] = head.substring(colon + 1, next).trim();
      at = next + 2;
    }
    var found = request.target === "/hello";
    var body = found ? "Hello world!" : "Not Found";
    socket.write("HTTP/1.0 " + (found ? "200 OK" : "404 Not Found") + "\\r\\nContent-Length: " + body.length +
      "\\r\\n\\r\\n" + body);
    socket.end();
  });
}).listen(${port});
print("READY");
`;
}

// ---------------------------------------------------------------------------------------------------
// Espruino: CPU per request

async function espruinoCpu(heap, bin, bundle, ramFits, options, notes) {
  const servers = [
    { name: "picohttp (Storage)", key: "picohttp", app: (port) => picoApp(port, false), storage: true },
  ];
  if (ramFits) servers.push({ name: "picohttp (RAM)", key: "picohttpRam", app: (port) => picoApp(port, true, bundle) });
  servers.push({ name: "built-in http", key: "builtin", app: builtinApp });
  servers.push({ name: "lean net", key: "lean", app: leanApp });
  const boards = [];
  const results = [];
  try {
    for (const server of servers) {
      const port = await freePort();
      const dir = server.storage ? storageDir("cpu-" + heap, false) : tempDir("cpu-" + heap);
      const board = await startBoard(heap + "/" + server.key, bin, dir, server.app(port));
      // One request to check it answers before anything is measured.
      const check = await exchange(port, HELLO_REQUEST);
      if (!isHello(check)) throw new Error(server.name + " on the " + heap + " heap does not answer:\n" + check.text + "\n" + board.tail());
      board.pause();
      boards.push({ server, board, port });
    }
    const perRound = Math.max(1, Math.ceil(options.count / options.rounds));
    for (const concurrency of CONCURRENCY_ESPRUINO) {
      const totals = boards.map(() => ({ load: undefined, ticks: 0 }));
      for (let round = 0; round < options.rounds; round++) {
        for (let i = 0; i < boards.length; i++) {
          const { board, port } = boards[i];
          board.resume();
          try {
            await sleep(30);
            await runLoad(port, { count: WARMUP, concurrency });
            const before = cpuTicks(board.pid);
            const load = await runLoad(port, { count: perRound, concurrency });
            const after = cpuTicks(board.pid);
            totals[i].load = addLoad(totals[i].load, load);
            totals[i].ticks += after - before;
          } finally {
            board.pause();
          }
          if (!board.alive) throw new Error(board.label + " exited under load:\n" + board.tail());
        }
      }
      for (let i = 0; i < boards.length; i++) {
        const { load, ticks } = totals[i];
        const cpuMs = ticks * 1000 / clockTicks;
        results.push({
          heap, server: boards[i].server.key, name: boards[i].server.name, concurrency,
          requests: load.requests, ok: load.ok, failed: load.failed, statuses: load.statuses,
          firstFailure: load.firstFailure, capped: load.capped,
          cpuMsPerRequest: load.requests ? cpuMs / load.requests : null,
          requestsPerSecond: load.ms ? load.requests * 1000 / load.ms : null,
          cpuShare: load.ms ? cpuMs / load.ms : null,
        });
        if (load.failed) {
          notes.push(`${heap} heap, ${boards[i].server.name}, c=${concurrency}: ${load.failed} of ${load.requests} requests ` +
            `not answered with 200 + body (${JSON.stringify(load.statuses)}); first: ${JSON.stringify(load.firstFailure)}`);
        }
      }
    }
  } finally {
    for (const { board } of boards) await board.stop();
  }
  return results;
}

// ---------------------------------------------------------------------------------------------------
// Espruino: memory

/**
 * Blocks the library takes, evaluated from Storage or uploaded to RAM. The upload is an app that starts
 * with `Modules.addCached("picohttp", function () {<bundle>})`, as the espruino tool sends it (sending
 * it on the console instead can crash the Linux build: 14 KB of input at once upsets its input queue);
 * the blocks are counted after the app has run, against the same app without the module.
 */
async function libraryBlocks(heap, bin, bundle, mode) {
  const app = "var picohttp;\nsetInterval(function () {}, 60000);\nprint(\"READY\");\n";
  let before;
  let uploaded;
  let board;
  if (mode === "storage") {
    board = await startBoard(heap + "/library-storage", bin, storageDir("lib-" + heap, false), app);
    before = await board.usage().catch(async (error) => { await board.stop(); throw error; });
  } else {
    const baseline = await startBoard(heap + "/library-baseline", bin, tempDir("lib-" + heap), app);
    try { before = await baseline.usage(); } finally { await baseline.stop(); }
    try {
      board = await startBoard(heap + "/library-ram", bin, tempDir("lib-" + heap), uploadedModule(bundle) + "\n" + app);
    } catch (error) {
      return { fits: false, reason: oneLine(String(error.message).split("\n").slice(1).join(" ")).slice(-300) };
    }
    if (/out of memory|low_memory/i.test(board.output)) {
      await board.stop();
      return { fits: false, reason: oneLine(board.output.slice(board.output.indexOf("READY") - 300)) };
    }
  }
  try {
    if (mode === "ram") uploaded = (await board.usage()) - before;
    const from = board.output.length;
    board.send('try { picohttp = require("picohttp"); } catch (e) { print("REQUIRE FAILED " + e); }');
    const loaded = await board.evaluate("typeof (picohttp && picohttp.HttpServer)", 30000);
    const said = board.output.slice(from);
    if (loaded !== "function" || /out of memory/i.test(said)) {
      return { fits: false, reason: oneLine(said) || "require() gave no HttpServer" };
    }
    const after = await board.usage();
    const free = await board.evaluate("process.memory().free");
    return { fits: true, blocks: after - before, uploadedBlocks: uploaded, freeAfter: free };
  } catch (error) {
    if (!board.alive && !/ASSERT/.test(board.output)) {
      return { fits: false, reason: "the interpreter exited: " + oneLine(board.output.slice(-400)) };
    }
    throw error;
  } finally {
    await board.stop();
  }
}

/**
 * Runs a measurement, again (up to three times in all) when the interpreter crashed on an assertion:
 * the Linux build's console thread and main loop share an unlocked event queue.
 */
async function withRetry(what, notes, measure) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await measure();
    } catch (error) {
      const text = String(error && error.message || error);
      if (attempt >= 3 || !/ASSERT|exited|cannot read the answer|no answer to/.test(text)) throw error;
      const assert = /ASSERT\([^)]*\)[^\n]*/.exec(text);
      notes.push(what + ": " + (assert ? "the interpreter crashed (" + assert[0].trim() + ")" :
        /exited/.test(text) ? "the interpreter exited" : /no answer/.test(text) ? "its console did not answer" :
        "its console output was garbled") + "; measured again");
    }
  }
}

function oneLine(text) {
  return text.replace(/\s+/g, " ").trim().slice(0, 300);
}

async function poll(what, test, timeout = 10000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await test();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting for " + what);
    await sleep(100);
  }
}

/** Opens `n` connections that each send `bytes` and are then left open: [{socket, received, closed}]. */
async function openHeld(port, n, bytes) {
  const held = [];
  for (let i = 0; i < n; i++) {
    const socket = connect(port, "127.0.0.1");
    const entry = { socket, received: "", closed: false };
    held.push(entry);
    socket.setEncoding("latin1");
    socket.on("error", () => { /* seen through `closed` */ });
    socket.on("data", (chunk) => { entry.received += chunk; });
    socket.on("close", () => { entry.closed = true; });
    await new Promise((resolveConnect, rejectConnect) => {
      const timer = setTimeout(() => rejectConnect(new Error("connect timed out")), 5000);
      socket.once("connect", () => { clearTimeout(timer); resolveConnect(); });
      socket.once("close", () => { clearTimeout(timer); rejectConnect(new Error("connection refused or closed")); });
    });
    socket.write(bytes, "latin1");
    await sleep(5); // Espruino accepts one connection per pass of its idle loop
  }
  return held;
}

function closeAll(held) {
  for (const entry of held) entry.socket.destroy();
}

/**
 * Blocks per in-flight connection with picohttp (from Storage): requests with three header fields whose
 * (asynchronous) handler has not answered yet. (Connections that sent only part of their head are not
 * measured: on the Linux build such a socket sometimes gets 'end' and 'close' while it is still open.)
 */
async function picoInflight(heap, bin, n) {
  const dir = storageDir("inflight-" + heap, false);
  const port = await freePort();
  // While the connections are held, the app measures itself and prints the figures: typing on the
  // console then has been seen to crash the Linux build.
  const board = await startBoard(heap + "/inflight", bin, dir, `var picohttp = require("picohttp");
var waiting = [], expect = 0;
var server = new picohttp.HttpServer(${port}, function (request, response) {
  return new Promise(function (resolve) {
    waiting.push(resolve);
    if (waiting.length === expect) setTimeout(measure, 300);
  });
}, { maxConnections: ${n}, maxQueue: ${n}, headerTimeout: 120000, handlerTimeout: 120000,
  minFreeMemory: 0 }); // the default (200 free, counted without a GC) turns some of them away on 1600 blocks
function measure() {
  var pending = process.memory().usage;
  var handler = handlerShare(expect);
  print("MEASURED " + JSON.stringify({ count: waiting.length, pending: pending, handler: handler }));
  var w = waiting;
  waiting = [];
  for (var i = 0; i < w.length; i++) w[i]();
}
// What the handler itself holds per request (a Promise and its resolve function), measured alike.
function handlerShare(count) {
  var held = [], kept = [], a = {}, b = {};
  var handler = function (request, response) { return new Promise(function (resolve) { kept.push(resolve); }); };
  for (var i = 0; i < count; i++) held.push(0);
  var before = process.memory().usage;
  for (i = 0; i < count; i++) held[i] = handler(a, b);
  var after = process.memory().usage;
  return (after - before) / count;
}
setInterval(function () {}, 60000);
print("READY");
`);
  let sockets = [];
  const measured = async (count, from) => {
    await board.waitFor("MEASURED", 15000, from);
    const text = board.output.slice(board.output.indexOf("MEASURED", from) + 9);
    await board.waitFor("}", 5000, board.output.indexOf("MEASURED", from));
    return JSON.parse(text.slice(0, text.indexOf("}") + 1));
  };
  try {
    // One request first, so that what is created once (the sweep timer...) is not counted per connection.
    await board.evaluateOnce("expect = 1");
    let from = board.output.length;
    sockets = await openHeld(port, 1, HELLO_REQUEST);
    await measured(1, from);
    await poll("the warm-up reply", () => sockets.every((s) => s.closed));
    await sleep(700); // the sweep timer stops once no connection is left
    const base = await board.usage();

    await board.evaluateOnce("expect = " + n);
    from = board.output.length;
    sockets = await openHeld(port, n, HELLO_REQUEST);
    let figures;
    try {
      figures = await measured(n, from);
    } catch (error) {
      if (!board.alive) throw error;
      throw new Error(`not all ${n} requests reached the handler; the clients got: ` +
        JSON.stringify(sockets.map((s) => (s.closed ? "closed " : "") + s.received.slice(0, 40))));
    }
    await poll("the replies", () => sockets.every((s) => s.closed));
    const answered = sockets.filter((s) => statusOf(s.received) === 200).length;
    await sleep(700);
    const afterRelease = await board.usage();
    return {
      n, base, answered,
      pendingPerConnection: (figures.pending - base) / n,
      handlerSharePerConnection: figures.handler,
      picohttpPerConnection: (figures.pending - base) / n - figures.handler,
      leakedAfterRelease: afterRelease - base,
    };
  } finally {
    closeAll(sockets);
    await board.stop();
  }
}

/** Memory while streaming a 64 KB file from Storage with staticResource. */
async function streamPeak(heap, bin) {
  const dir = storageDir("stream-" + heap, true);
  const port = await freePort();
  const board = await startBoard(heap + "/stream", bin, dir, `var picohttp = require("picohttp");
var peak = 0, live = 0, collect = false;
function sample() { var u = process.memory(false).usage; if (u > peak) peak = u; }
function sampleLive() { var u = process.memory().usage; if (u > live) live = u; }
new picohttp.HttpServer(${port}, function (request, response) {
  picohttp.staticResource(request, response);
  var data = response.data;
  if (data && typeof data.read === "function") {
    var read = data.read;
    data.read = function (offset, size) {
      sample();
      if (collect) sampleLive();
      var piece = read(offset, size);
      sample();
      if (collect) sampleLive();
      return piece;
    };
  }
});
setInterval(sample, 1);
function reset(gc) { collect = gc; var u = process.memory().usage; peak = u; live = u; return u; }
print("READY");
`);
  try {
    const expected = expectedStream();
    const get = "GET /big.txt HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: picohttp-bench\r\nAccept: */*\r\n\r\n";
    const check = (reply) => !reply.error && statusOf(reply.text) === 200 && reply.text.endsWith("\r\n\r\n" + expected);
    const warm = await exchange(port, get, 30000);
    if (!check(warm)) throw new Error("the 64 KB file did not arrive whole: " + (warm.error || "") + " " + warm.text.slice(0, 200));
    await sleep(700);
    const result = {};
    for (const gc of [false, true]) {
      const base = await board.evaluateOnce(`reset(${gc})`);
      const t0 = Date.now();
      const reply = await exchange(port, get, 30000);
      const ms = Date.now() - t0;
      if (!check(reply)) throw new Error("the 64 KB file did not arrive whole: " + (reply.error || "") + " " + reply.text.slice(0, 200));
      await sleep(100);
      const peak = await board.evaluate(gc ? "live" : "peak");
      result[gc ? "live" : "noGc"] = { base, peak, added: peak - base, ms };
    }
    // The same with a 12-byte file: what any response costs, to compare with.
    const small = "GET /small.txt HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: picohttp-bench\r\nAccept: */*\r\n\r\n";
    const base = await board.evaluateOnce("reset(true)");
    const reply = await exchange(port, small, 30000);
    if (!isHello(reply)) throw new Error("small.txt did not arrive: " + (reply.error || "") + " " + reply.text.slice(0, 200));
    await sleep(100);
    const peak = await board.evaluate("live");
    result.smallLive = { base, peak, added: peak - base };
    return result;
  } finally {
    await board.stop();
  }
}

// ---------------------------------------------------------------------------------------------------
// Node

function nodeServerScript(kind, port) {
  if (kind === "picohttp") {
    return `const { HttpServer } = require(${JSON.stringify(NODE_BUNDLE)});
new HttpServer(${port}, function (request, response) {
  if (request.path[0] === "hello") {
    response.data = "Hello world!";
  } else {
    response.status = 404;
    response.data = "Not Found";
  }
}, { host: "127.0.0.1" });
console.log("READY");
`;
  }
  if (kind === "node:http") {
    return `require("node:http").createServer(function (req, res) {
  const found = req.url === "/hello";
  const body = found ? "Hello world!" : "Not Found";
  res.writeHead(found ? 200 : 404, { "Content-Length": body.length, "Connection": "close" });
  res.end(body);
}).listen(${port}, "127.0.0.1", () => console.log("READY"));
`;
  }
  // The floor: answer as soon as the head is complete, without looking at it.
  return `require("node:net").createServer(function (socket) {
  let head = "";
  socket.setEncoding("latin1");
  socket.on("error", () => {});
  socket.on("data", (chunk) => {
    head += chunk;
    if (head.indexOf("\\r\\n\\r\\n") >= 0) socket.end("HTTP/1.0 200 OK\\r\\nContent-Length: 12\\r\\n\\r\\nHello world!");
  });
}).listen(${port}, "127.0.0.1", () => console.log("READY"));
`;
}

async function startNodeServer(kind, port) {
  const dir = tempDir("node");
  const file = join(dir, "server.js");
  writeFileSync(file, nodeServerScript(kind, port));
  const child = track(spawn(process.execPath, [file], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] }));
  let output = "";
  child.stdout.on("data", (chunk) => { output += chunk; });
  child.stderr.on("data", (chunk) => { output += chunk; });
  const deadline = Date.now() + 10000;
  while (output.indexOf("READY") < 0) {
    if (!alive(child)) throw new Error(kind + " exited:\n" + output);
    if (Date.now() > deadline) { await stopChild(child); throw new Error(kind + " did not start:\n" + output); }
    await sleep(20);
  }
  return { child, port, kind, output: () => output };
}

async function nodeBench(options, notes) {
  const kinds = ["picohttp", "node:http", "net floor"];
  const servers = [];
  const results = [];
  try {
    for (const kind of kinds) servers.push(await startNodeServer(kind, await freePort()));
    for (const server of servers) {
      const check = await exchange(server.port, HELLO_REQUEST);
      if (!isHello(check)) throw new Error(server.kind + " on Node does not answer:\n" + check.text);
    }
    const perRound = Math.max(1, Math.ceil(options.nodeCount / options.rounds));
    for (const concurrency of CONCURRENCY_NODE) {
      const totals = servers.map(() => ({ load: undefined, ticks: 0 }));
      for (let round = 0; round < options.rounds; round++) {
        for (let i = 0; i < servers.length; i++) {
          const { child, port } = servers[i];
          await runLoad(port, { count: WARMUP * 5, concurrency });
          const before = cpuTicks(child.pid);
          const load = await runLoad(port, { count: perRound, concurrency });
          const after = cpuTicks(child.pid);
          totals[i].load = addLoad(totals[i].load, load);
          totals[i].ticks += after - before;
        }
      }
      for (let i = 0; i < servers.length; i++) {
        const { load, ticks } = totals[i];
        const cpuMs = ticks * 1000 / clockTicks;
        results.push({
          server: servers[i].kind, concurrency, requests: load.requests, ok: load.ok, failed: load.failed,
          statuses: load.statuses, capped: load.capped,
          requestsPerSecond: load.ms ? load.requests * 1000 / load.ms : null,
          cpuMsPerRequest: load.requests ? cpuMs / load.requests : null,
        });
        if (load.failed) {
          notes.push(`Node, ${servers[i].kind}, c=${concurrency}: ${load.failed} of ${load.requests} requests failed ` +
            `(${JSON.stringify(load.statuses)}); first: ${JSON.stringify(load.firstFailure)}`);
        }
      }
    }
  } finally {
    for (const server of servers) await stopChild(server.child);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------------
// Report

function fmt(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "-";
  return value.toFixed(digits);
}

function pad(text, width, right) {
  text = String(text);
  return right ? text.padStart(width) : text.padEnd(width);
}

function table(headers, rows, rightFrom = 1) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => pad(c, widths[i], i >= rightFrom)).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** A target's verdict: measured against limit, with by how much it is met or missed. */
function verdict(name, measured, limit, kind, unit = "") {
  if (measured === null || measured === undefined || Number.isNaN(measured)) {
    return { name, measured: null, limit, kind, met: null, note: "not measured" };
  }
  let met;
  if (kind === "<") met = measured < limit;
  else if (kind === "<=") met = measured <= limit;
  else met = measured >= limit; // ">="
  const ratio = measured / limit;
  const by = kind === ">=" ? (1 - ratio) * 100 : (ratio - 1) * 100;
  const note = met ? "met" : `MISSED by ${fmt(Math.abs(measured - limit), Number.isInteger(limit) && Number.isInteger(measured) ? 0 : 2)}${unit} (${fmt(Math.abs(by), 0)}%)`;
  return { name, measured, limit, kind, met, note };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  keepTemp = options.keep;
  if (!existsSync(BUNDLE) || !existsSync(NODE_BUNDLE)) {
    throw new Error("dist/picohttp.js or dist/picohttp.node.js is missing: run `npm run build` (or `npm run bench`)");
  }
  clockTicks = readClockTicks();
  const started = new Date();
  const bundle = readFileSync(BUNDLE, "latin1");
  const report = {
    date: started.toISOString(),
    node: process.version,
    clockTicks,
    options: { count: options.count, nodeCount: options.nodeCount, rounds: options.rounds,
      concurrencyEspruino: CONCURRENCY_ESPRUINO, concurrencyNode: CONCURRENCY_NODE },
    request: HELLO_REQUEST,
    bundle: {
      file: "dist/picohttp.js",
      bytes: Buffer.byteLength(bundle, "latin1"),
      gzipBytes: gzipSync(Buffer.from(bundle, "latin1"), { level: 9 }).length,
    },
    espruino: {},
    nodeResults: [],
    targets: [],
    notes: [],
  };
  const notes = report.notes;
  const heaps = [
    { heap: "default", bin: process.env.ESPRUINO_BIN, env: "ESPRUINO_BIN" },
    { heap: "1600", bin: process.env.ESPRUINO_BIN_1600, env: "ESPRUINO_BIN_1600" },
  ];
  const log = (text) => console.error("bench: " + text);

  const want = (part) => options.only.indexOf(part) >= 0;
  for (const { heap, bin, env } of heaps) {
    if (options.heaps.indexOf(heap) < 0 || !(want("cpu") || want("memory"))) continue;
    if (!bin || !process.env.ESPRUINO_BIN) {
      const why = !bin ? env + " is not set" : "ESPRUINO_BIN is not set (it writes Storage)";
      console.log(`NOTICE: ${why}: the Espruino figures for the ${heap} heap are skipped.`);
      report.espruino[heap] = { skipped: why };
      continue;
    }
    const entry = { bin, version: espruinoVersion(bin) };
    report.espruino[heap] = entry;
    log(`${heap} heap: library memory`);
    entry.total = await startBoard(heap + "/total", bin, tempDir("total"),
      "setInterval(function () {}, 60000);\nprint(\"READY\");\n").then(async (board) => {
      try { return await board.evaluate("process.memory().total"); } finally { await board.stop(); }
    });
    entry.library = {
      storage: await withRetry(heap + " heap, library from Storage", notes, () => libraryBlocks(heap, bin, bundle, "storage")),
      ram: await withRetry(heap + " heap, library in RAM", notes, () => libraryBlocks(heap, bin, bundle, "ram")),
    };
    if (!entry.library.ram.fits) notes.push(`${heap} heap: the library uploaded to RAM does not fit: ${entry.library.ram.reason}`);
    if (want("cpu")) {
      log(`${heap} heap: CPU per request`);
      entry.cpu = await espruinoCpu(heap, bin, bundle, entry.library.ram.fits, options, notes);
    }
    if (want("memory")) {
      log(`${heap} heap: in-flight connections`);
      const n = INFLIGHT_N[heap];
      entry.inflight = {
        picohttp: await withRetry(heap + " heap, picohttp in-flight", notes, () => picoInflight(heap, bin, n)),
      };
      if (entry.inflight.picohttp.answered !== n) {
        notes.push(`${heap} heap, in-flight: only ${entry.inflight.picohttp.answered} of ${n} held requests were answered with 200`);
      }
      log(`${heap} heap: streaming 64 KB`);
      entry.stream = await withRetry(heap + " heap, streaming", notes, () => streamPeak(heap, bin));
    }
  }

  if (want("node")) {
    log("Node");
    report.nodeResults = await nodeBench(options, notes);
  }

  // Targets
  const targets = report.targets;
  targets.push(verdict("library gzipped (bytes)", report.bundle.gzipBytes, TARGETS.gzipBytes, "<", " B"));
  for (const { heap } of heaps) {
    const entry = report.espruino[heap];
    if (!entry || entry.skipped) continue;
    if (entry.cpu) {
      const at = (server, c) => entry.cpu.find((r) => r.server === server && r.concurrency === c);
      // Judged on the RAM upload where it fits: code evaluated from Storage runs far slower on the Linux
      // build than on a board, whose flash is memory-mapped (the Linux build opens and reads its flash
      // file for every access).
      for (const c of CONCURRENCY_ESPRUINO) {
        const ram = at("picohttpRam", c);
        const pico = ram || at("picohttp", c), lean = at("lean", c);
        if (pico && lean) {
          const t = verdict(`${heap} heap: CPU/request picohttp (${ram ? "RAM" : "Storage"}) / lean, c=${c}`,
            pico.cpuMsPerRequest / lean.cpuMsPerRequest, TARGETS.cpuRatio, "<=", "x");
          if (!ram) t.note += " (from Storage: emulated flash, not comparable)";
          targets.push(t);
        }
      }
    }
    const lib = entry.library;
    targets.push(verdict(`${heap} heap: library evaluated from Storage (blocks)`, lib.storage.fits ? lib.storage.blocks : null,
      TARGETS.storageBlocks, "<"));
    const ram = verdict(`${heap} heap: library uploaded to RAM (blocks)`, lib.ram.fits ? lib.ram.blocks : null, TARGETS.ramBlocks, "<");
    if (!lib.ram.fits) { ram.met = false; ram.note = "MISSED: does not fit"; }
    targets.push(ram);
    if (entry.inflight) {
      targets.push(verdict(`${heap} heap: blocks per in-flight connection, three headers (less the handler's Promise)`,
        entry.inflight.picohttp.picohttpPerConnection, TARGETS.inflightBlocks, "<="));
    }
    if (entry.stream) {
      targets.push(verdict(`${heap} heap: streaming 64 KB adds (blocks, live)`, entry.stream.live.added, TARGETS.streamBlocks, "<="));
    }
  }
  for (const c of CONCURRENCY_NODE) {
    const pico = report.nodeResults.find((r) => r.server === "picohttp" && r.concurrency === c);
    const http = report.nodeResults.find((r) => r.server === "node:http" && r.concurrency === c);
    if (pico && http) {
      targets.push(verdict(`Node req/s picohttp / node:http, c=${c}`, pico.requestsPerSecond / http.requestsPerSecond,
        TARGETS.nodeRatio, ">=", "x"));
    }
  }

  printReport(report, heaps);
  writeFileSync(resolve(options.out), JSON.stringify(report, null, 2) + "\n");
  console.log(`\nJSON written to ${resolve(options.out)}`);
  if (options.keep) console.log("temporary directories kept:\n  " + tempDirs.join("\n  "));
}

function printReport(report, heaps) {
  const out = [];
  out.push(`picohttp benchmarks, ${report.date}  (Node ${report.node}, CLK_TCK ${report.clockTicks})`);
  out.push("");
  out.push(`Bundle dist/picohttp.js: ${report.bundle.bytes} bytes minified, ${report.bundle.gzipBytes} bytes gzipped ` +
    `(target < ${TARGETS.gzipBytes})`);

  for (const { heap } of heaps) {
    const entry = report.espruino[heap];
    out.push("");
    if (!entry || entry.skipped) {
      out.push(`Espruino, ${heap} heap: skipped (${entry ? entry.skipped : "not run"})`);
      continue;
    }
    out.push(`Espruino ${entry.version}, ${heap} heap (${entry.total} blocks): hello world, GET with 3 header fields, ` +
      `a connection per request`);
    const leanAt = (c) => entry.cpu.find((r) => r.server === "lean" && r.concurrency === c);
    const builtinAt = (c) => entry.cpu.find((r) => r.server === "builtin" && r.concurrency === c);
    if (entry.cpu) out.push("CPU ms/req: interpreter CPU time per request (/proc). Its idle loop never sleeps while a server is\n" +
      "open, so this includes the passes spent waiting for the client; \"(Storage)\" runs from the Linux build's\n" +
      "emulated flash, which opens and reads a file at every access: far slower than a board's flash.");
    if (entry.cpu) out.push(table(["server", "c", "requests", "failed", "req/s", "CPU ms/req", "x lean", "x built-in"],
      entry.cpu.map((r) => [r.name, r.concurrency, r.requests, r.failed, fmt(r.requestsPerSecond), fmt(r.cpuMsPerRequest, 3),
        fmt(r.cpuMsPerRequest / leanAt(r.concurrency).cpuMsPerRequest, 2),
        fmt(r.cpuMsPerRequest / builtinAt(r.concurrency).cpuMsPerRequest, 2)])));
    const lib = entry.library;
    out.push("");
    out.push(`Memory (blocks), ${heap} heap:`);
    const rows = [];
    rows.push(["library evaluated from Storage", lib.storage.fits ? lib.storage.blocks : "does not fit",
      `< ${TARGETS.storageBlocks}`]);
    rows.push(["library uploaded to RAM (after require)", lib.ram.fits ? lib.ram.blocks : "does not fit", `< ${TARGETS.ramBlocks}`]);
    if (lib.ram.fits) rows.push(["  of which the uploaded code before require", lib.ram.uploadedBlocks, ""]);
    const inflight = entry.inflight ? entry.inflight.picohttp : undefined;
    if (inflight) rows.push([`per in-flight connection, handler pending (N=${inflight.n})`, fmt(inflight.pendingPerConnection, 1), ""]);
    if (inflight) rows.push(["  less the handler's own Promise + resolve", fmt(inflight.picohttpPerConnection, 1), `<= ${TARGETS.inflightBlocks}`]);
    if (inflight) rows.push(["  the handler's own Promise + resolve", fmt(inflight.handlerSharePerConnection, 1), ""]);
    if (inflight) rows.push(["left over once they were answered and closed", inflight.leakedAfterRelease, "0"]);
    if (entry.stream) rows.push(["streaming 64 KB from Storage: peak added, live (GC at each read)", entry.stream.live.added, `<= ${TARGETS.streamBlocks}`]);
    if (entry.stream) rows.push(["                              peak added, no GC (garbage included)", entry.stream.noGc.added, ""]);
    if (entry.stream) rows.push(["  the same for a 12-byte file, live", entry.stream.smallLive.added, ""]);
    out.push(table(["what", "blocks", "target"], rows));
  }

  if (report.nodeResults.length) {
  out.push("");
  out.push("Node: hello world, a connection per request (server CPU from /proc)");
  const httpAt = (c) => report.nodeResults.find((r) => r.server === "node:http" && r.concurrency === c);
  out.push(table(["server", "c", "requests", "failed", "req/s", "CPU ms/req", "x node:http req/s"],
    report.nodeResults.map((r) => [r.server, r.concurrency, r.requests, r.failed, fmt(r.requestsPerSecond),
      fmt(r.cpuMsPerRequest, 3), fmt(r.requestsPerSecond / httpAt(r.concurrency).requestsPerSecond, 2)])));
  }

  out.push("");
  out.push("Targets");
  out.push(table(["target", "measured", "limit", "verdict"], report.targets.map((t) =>
    [t.name, typeof t.measured === "number" ? fmt(t.measured, Number.isInteger(t.measured) ? 0 : 2) : "-",
      t.kind + " " + t.limit, t.note]), 1));
  if (report.notes.length) {
    out.push("");
    out.push("Notes");
    for (const note of report.notes) out.push("- " + note);
  }
  console.log(out.join("\n"));
}

main().catch(async (error) => {
  console.error("bench failed: " + (error && error.stack ? error.stack : error));
  killAll();
  process.exitCode = 1;
});
