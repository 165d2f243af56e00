// Memory on Espruino: variables in use (process.memory().usage, after a garbage collection). Each
// measurement runs in a fresh interpreter with the core in Storage, as `npm run flash` puts it (the
// feature modules from the same list flash uses), and reads its figures through the probe, or, while
// connections are held, has the app measure itself on a timer so that no probe connection is counted.
import { Interpreter, InterpreterError, PROBLEM, oneLine, outOfMemory, trouble } from "../lib/interpreter.mjs";
import { libraryWith } from "../lib/library.mjs";
import { closeConnections, freePort, holdConnections, poll, request, sleep, statusOf } from "../lib/net.mjs";
import { storageDir } from "../lib/storage.mjs";
import { uploadedModule } from "./apps.mjs";
import { HELLO_BODY, HELLO_REQUEST, STREAM_SIZE, isHello } from "./config.mjs";

const AT_REST_MS = 300; // for timers set up by what was just run
const SWEEP_MS = 1200; // for the server's sweep timer to stop once no connection is left

async function start(heap, bin, what, app, files) {
  return Interpreter.start(bin, { app: app + "\nprint(\"READY\");\n", dir: files ? storageDir("bench-" + what, files) : undefined,
    label: `${heap}/${what}`, ready: "READY", failOn: PROBLEM, timeout: 20000 });
}

/**
 * The core from Storage, in one interpreter: variables after require("picohttp"), then with a hello-world
 * server at rest (require + new HttpServer(port, handler)), then what its first request leaves behind.
 */
export async function coreAtRest(heap, bin) {
  const port = await freePort();
  const board = await start(heap, bin, "core", "var picohttp, server;", libraryWith());
  try {
    await sleep(AT_REST_MS);
    const empty = await board.usage();
    const loaded = await board.evaluate('picohttp = require("picohttp"), typeof picohttp.HttpServer', { timeout: 30000 });
    if (loaded !== "function") throw new Error('require("picohttp") gave no HttpServer: ' + JSON.stringify(loaded));
    await sleep(AT_REST_MS);
    const required = await board.usage();
    // Written so that running it twice (an answer lost and asked again) makes one server.
    await board.evaluate(`server = server || new picohttp.HttpServer(${port}, function (request, response) { ` +
      `response.data = ${JSON.stringify(HELLO_BODY)}; }), 1`);
    await sleep(AT_REST_MS);
    const started = await board.usage();
    const reply = await request(port, { bytes: HELLO_REQUEST, timeout: 15000 });
    if (!isHello(reply)) throw new Error(`the hello-world server did not answer (${reply.kind}): ${oneLine(reply.text, 120)}`);
    await sleep(SWEEP_MS);
    const afterFirst = await board.usage();
    return { empty, core: required - empty, hello: started - empty, firstRequest: afterFirst - started,
      free: await board.evaluate("process.memory().free") };
  } finally {
    await board.stop();
  }
}

/**
 * The core uploaded to RAM (Modules.addCached ahead of the app, as the espruino tool sends it), against
 * the same app without it: { fits: true, blocks, uploadedBlocks } or { fits: false, reason }.
 */
export async function ramUpload(heap, bin, bundle) {
  const app = "var picohttp;";
  const baseline = await start(heap, bin, "ram-baseline", app);
  let before;
  try {
    await sleep(AT_REST_MS);
    before = await baseline.usage();
  } finally {
    await baseline.stop();
  }
  let board;
  try {
    board = await start(heap, bin, "ram", uploadedModule(bundle) + app);
  } catch (error) {
    if (error instanceof InterpreterError && (error.reason === "failed" || error.reason === "exited")) {
      return { fits: false, reason: doesNotFit(error.message) };
    }
    throw error;
  }
  try {
    await sleep(AT_REST_MS);
    const uploaded = await board.usage();
    const mark = board.mark();
    let loaded;
    try {
      loaded = await board.evaluate('picohttp = require("picohttp"), typeof picohttp.HttpServer', { timeout: 30000 });
    } catch (error) {
      if (outOfMemory(board.since(mark)) || (error instanceof InterpreterError && error.reason !== "unanswered")) {
        return { fits: false, reason: doesNotFit(board.since(mark) + " " + error.message) };
      }
      throw error;
    }
    if (loaded !== "function" || outOfMemory(board.since(mark))) return { fits: false, reason: doesNotFit(board.since(mark)) };
    await sleep(AT_REST_MS);
    const after = await board.usage();
    return { fits: true, blocks: after - before, uploadedBlocks: uploaded - before, freeAfter: await board.evaluate("process.memory().free") };
  } finally {
    await board.stop();
  }
}

function doesNotFit(text) {
  return outOfMemory(text) ? "out of memory" : oneLine(trouble(text)[0] || text, 160);
}

/**
 * Variables per connection in flight: `n` GET requests with three header fields whose (asynchronous)
 * handler has not answered yet. The app measures itself, at the top of a function run by a timer both
 * times: at rest after one warm-up request (so that what is made once, the sweep timer..., is not counted
 * per connection), and with the `n` requests waiting; and what a Promise and its resolve function, the
 * handler's own share, cost. (Connections that sent only part of their head are not measured: on the
 * Linux build such a socket sometimes gets 'end' and 'close' while it is still open.)
 */
export async function inflight(heap, bin, n) {
  const port = await freePort();
  const board = await start(heap, bin, "inflight", `var picohttp = require("picohttp");
var waiting = [], expect = 1, figures = { warm: 0, base: 0, pending: 0, after: 0, handler: 0, count: 0 };
var server = new picohttp.HttpServer(${port}, function (request, response) {
  return new Promise(function (resolve) {
    waiting.push(resolve);
    if (waiting.length === expect) setTimeout(measure, 300);
  });
}, { maxConnections: ${n}, maxQueue: ${n}, headerTimeout: 120000, requestTimeout: 120000, handlerTimeout: 120000,
  minFreeMemory: 0 }); // the default (200 free, counted without a GC) turns some of them away on 1600 variables
function measure() {
  figures[expect > 1 ? "pending" : "warm"] = process.memory().usage;
  if (expect > 1) { figures.count = waiting.length; figures.handler = handlerShare(expect); }
  var w = waiting;
  waiting = [];
  for (var i = 0; i < w.length; i++) w[i]();
  setTimeout(settled, ${SWEEP_MS});
}
function settled() {
  figures[expect > 1 ? "after" : "base"] = process.memory().usage;
  if (expect > 1) print("MEASURED"); else { expect = ${n}; print("BASE"); }
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
}`, libraryWith());
  let held = [];
  try {
    let mark = board.mark();
    held = await holdConnections(port, 1, HELLO_REQUEST);
    await board.waitFor("BASE", { timeout: 20000, from: mark, failOn: PROBLEM });
    closeConnections(held);

    mark = board.mark();
    held = await holdConnections(port, n, HELLO_REQUEST);
    try {
      await board.waitFor("MEASURED", { timeout: 20000 + 1000 * n, from: mark, failOn: PROBLEM });
    } catch (error) {
      if (!board.alive || error.reason === "failed") throw error;
      throw new Error(`not all ${n} requests reached the handler in time; the clients got: ` +
        JSON.stringify(held.map((s) => (s.closed ? "closed " : "") + s.received.slice(0, 40))));
    }
    const figures = await board.evaluate("figures");
    await poll("the replies", () => held.every((s) => s.closed), { timeout: 15000 });
    const answered = held.filter((s) => statusOf(s.received) === 200).length;
    if (figures.count !== n) throw new Error(`${figures.count} of ${n} requests were waiting when measured`);
    const perConnection = (figures.pending - figures.base) / n;
    return {
      n, base: figures.base, pending: figures.pending, answered,
      pendingPerConnection: perConnection,
      handlerSharePerConnection: figures.handler,
      picohttpPerConnection: perConnection - figures.handler,
      leakedAfterRelease: figures.after - figures.base,
    };
  } finally {
    closeConnections(held);
    await board.stop();
  }
}

/** Byte `j` of the 512-byte piece `i` of the streamed file. */
const streamByte = (i, j) => 97 + ((i + j) % 26);

function streamFile() {
  const bytes = Buffer.alloc(STREAM_SIZE);
  for (let i = 0; i < STREAM_SIZE / 512; i++) {
    for (let j = 0; j < 512; j++) bytes[i * 512 + j] = streamByte(i, j);
  }
  return bytes.toString("latin1");
}

/**
 * Memory while streaming a 64 KB file from Storage with staticResource (the core, picohttp/static, and
 * the files in www/): the peak added, sampled at every read of the file, without and with a garbage
 * collection at each sample; and the same for a 12-byte file.
 */
export async function streamPeak(heap, bin) {
  const port = await freePort();
  const big = streamFile();
  const board = await start(heap, bin, "stream", `var picohttp = require("picohttp");
var peak = 0, live = 0, base = 0, collect = false, tracking = false, seen = false;
var server = new picohttp.HttpServer(${port}, function (request, response) {
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
// Sampled while tracking, until the connection that came is gone (the probe's, which asks for the
// figures afterwards, is not counted).
function sample() {
  if (!tracking) return;
  if (server.stats.open > 0) seen = true; else if (seen) { tracking = false; return; }
  var u = process.memory(false).usage; if (u > peak) peak = u;
}
function sampleLive() { if (!tracking) return; var u = process.memory().usage; if (u > live) live = u; }
setInterval(sample, 1);
// The starting level, measured on a timer once the probe's connection that asked for it is gone.
function rebase() { var u = process.memory().usage; peak = u; live = u; base = u; seen = false; tracking = true; }
function reset(gc) { collect = gc; tracking = false; setTimeout(rebase, 300); return 1; }`,
  { ...libraryWith("picohttp/static"), "www/big.txt": { data: big }, "www/small.txt": { data: HELLO_BODY } });
  const get = (name) => `GET /${name} HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: picohttp-bench\r\nAccept: */*\r\n\r\n`;
  const fetchWhole = async (name, body) => {
    const t0 = Date.now();
    const reply = await request(port, { bytes: get(name), timeout: 30000 });
    if (reply.status !== 200 || !reply.text.endsWith("\r\n\r\n" + body)) {
      throw new Error(`${name} did not arrive whole (${reply.kind}, ${reply.bytes} bytes): ${oneLine(reply.text, 120)}`);
    }
    return Date.now() - t0;
  };
  try {
    await fetchWhole("big.txt", big);
    await sleep(SWEEP_MS);
    const result = {};
    const measured = async (name, body, gc) => {
      await board.evaluate(`reset(${gc})`);
      await sleep(600);
      const ms = await fetchWhole(name, body);
      await sleep(100);
      const [base, peak] = await board.evaluate(`[base, ${gc ? "live" : "peak"}]`);
      await sleep(SWEEP_MS);
      return { base, peak, added: peak - base, ms };
    };
    result.noGc = await measured("big.txt", big, false);
    result.live = await measured("big.txt", big, true);
    result.smallLive = await measured("small.txt", HELLO_BODY, true);
    return result;
  } finally {
    await board.stop();
  }
}
