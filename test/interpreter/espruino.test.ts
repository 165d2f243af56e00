// The built bundle on Espruino's Linux build: the spec's examples over real sockets, on the default heap
// and on a 1600-variable heap (an ESP8266's), with picohttp loaded from Storage (as `npm run flash` puts
// it on a board) and uploaded to RAM (as the espruino tool does for a require()d module).
import test from "ava";
import * as net from "net";
import { readFileSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import { Board, BUNDLE, LIBRARY, asUploadedModule, interpreters, noticeSkips, tempDir, writeStorage } from "../helpers/espruino";
import { httpRequest, rawRequest, waitForPort } from "../helpers/http";

noticeSkips("espruino.test.ts");

const example = (name: string) => readFileSync(resolve(__dirname, "../../examples", name), "latin1");

/** Sends a request a few bytes at a time, each its own TCP segment, so the board sees it in pieces. */
function trickle(port: number, bytes: string, size: number): Promise<string> {
  return new Promise((done, fail) => {
    const net = require("net");
    const socket = net.connect(port, "127.0.0.1");
    socket.setNoDelay(true);
    socket.setEncoding("latin1");
    let received = "";
    socket.on("data", (chunk: string) => { received += chunk; });
    socket.on("close", () => done(received));
    socket.on("error", fail);
    let at = 0;
    const next = () => {
      if (at >= bytes.length) return;
      socket.write(Buffer.from(bytes.substr(at, size), "latin1"));
      at += size;
      setTimeout(next, 5);
    };
    socket.on("connect", next);
  });
}

for (const interpreter of interpreters) {
  const run = interpreter.bin ? test.serial : test.skip;
  const bin = interpreter.bin as string;
  const label = interpreter.label;

  run(`${label}: hello.js with picohttp from Storage, requests whole and in pieces`, async (t) => {
    const dir = tempDir();
    writeStorage(dir, { ...LIBRARY });
    const board = new Board(bin, dir, "var before = process.memory().usage;\n" + example("hello.js") +
      "\nvar after = process.memory().usage;\n");
    try {
      await waitForPort(8080);
      const hello = await httpRequest(8080, "/hello");
      t.is(hello.status, 200);
      t.is(hello.text, "Hello world!");
      t.is(hello.headers["content-length"], "12");
      t.is((await httpRequest(8080, "/goodbye")).text, "Goodbye cruel world");
      t.is((await httpRequest(8080, "/other")).status, 404);
      const pieces = await trickle(8080, "GET /hello HTTP/1.0\r\nHost: board\r\nX-A: 1\r\n\r\n", 3);
      t.regex(pieces, /^HTTP\/1\.0 200 OK\r\n[\s\S]*\r\n\r\nHello world!$/);
      const memory = await board.evaluate("[before, after, process.memory().total]");
      t.log(`${label}: usage before require ${memory[0]}, after ${memory[1]} of ${memory[2]} (from Storage)`);
      t.true(board.alive);
    } finally {
      await board.stop();
    }
  });

  // On a 1600-variable heap the module's text alone (about 13 KB) does not fit in RAM: boards that small
  // load picohttp from Storage, which is what `npm run flash` does.
  (interpreter.bin && label === "default heap" ? test.serial : test.skip)(`${label}: hello.js with picohttp uploaded to RAM`, async (t) => {
    const dir = tempDir();
    const board = new Board(bin, dir, "var before = process.memory().usage;\n" + asUploadedModule() + example("hello.js") +
      "\nvar after = process.memory().usage;\n");
    try {
      await waitForPort(8080);
      t.is((await httpRequest(8080, "/hello")).text, "Hello world!");
      const memory = await board.evaluate("[before, after, process.memory().total]");
      t.log(`${label}: usage before ${memory[0]}, after module upload and start ${memory[1]} of ${memory[2]} (RAM)`);
    } finally {
      await board.stop();
    }
  });

  run(`${label}: rest-store.js keeps its items in Storage across restarts`, async (t) => {
    const dir = tempDir();
    writeStorage(dir, { ...LIBRARY });
    let board = new Board(bin, dir, example("rest-store.js"));
    try {
      await waitForPort(8765);
      t.is((await httpRequest(8765, "/")).text, "{}");
      t.is((await httpRequest(8765, "/led", { method: "PUT", body: "on" })).status, 200);
      t.is((await httpRequest(8765, "/name", { method: "PUT", body: "kitchen" })).status, 200);
      t.is((await httpRequest(8765, "/led")).text, "on");
      t.is((await httpRequest(8765, "/gone", { method: "DELETE" })).status, 404);
      t.is((await httpRequest(8765, "/name", { method: "DELETE" })).status, 200);
      t.is((await httpRequest(8765, "/x", { method: "POST" })).status, 501);
      t.deepEqual(await board.evaluate("require('Storage').readJSON('test.json')"), { led: "on" });
      t.true(await board.evaluate("require('Storage').read('test.json~') === undefined"));
      await board.stop();
      board = new Board(bin, dir, example("rest-store.js"));
      await waitForPort(8765);
      t.deepEqual(JSON.parse((await httpRequest(8765, "/")).text), { led: "on" });
    } finally {
      await board.stop();
    }
  });

  run(`${label}: minimal.js serves the files under www/ in Storage on port 80, and nothing else`, async (t) => {
    const dir = tempDir();
    writeFileSync(join(dir, "index.src"), "<h1>board</h1>");
    writeFileSync(join(dir, "app.src"), "console.log(1);");
    writeFileSync(join(dir, "secret.src"), 'require("Wifi").connect("home", {password: "hunter2"});');
    writeFileSync(join(dir, "settings.src"), '{"password":"hunter2"}');
    // What a board's Storage holds besides the published files: the saved app with the WiFi password in
    // it, the ESP32's WiFi settings, the library, its limits and an app's saved state.
    writeStorage(dir, { ...LIBRARY, "www/index.html": join(dir, "index.src"), "www/app.js": join(dir, "app.src"),
      ".bootcde": join(dir, "secret.src"), ".wificfg": join(dir, "settings.src"), "picohttp.json": join(dir, "settings.src"),
      "control.json": join(dir, "settings.src"), "index.html": join(dir, "secret.src"), "www/.hidden": join(dir, "secret.src"),
      "www/state.json~": join(dir, "settings.src") });
    const board = new Board(bin, dir, example("minimal.js"));
    try {
      await waitForPort(80);
      const home = await httpRequest(80, "/");
      t.is(home.text, "<h1>board</h1>");
      t.is(home.headers["content-type"], "text/html;charset=utf-8");
      t.is((await httpRequest(80, "/app.js")).headers["content-type"], "text/javascript;charset=utf-8");
      t.is((await httpRequest(80, "/nope")).status, 404);
      t.is((await httpRequest(80, "/", { method: "DELETE" })).status, 405);
      for (const path of ["/.bootcde", "/.wificfg", "/picohttp", "/picohttp.json", "/control.json", "/.hidden",
        "/state.json~", "/www/index.html", "/%2ebootcde"]) {
        const reply = await httpRequest(80, path);
        t.is(reply.status, 404, path);
        t.false(reply.text.includes("hunter2"), path);
      }
      t.is((await httpRequest(80, "/..%2f.bootcde")).status, 400);
    } finally {
      await board.stop();
    }
  });

  run(`${label}: request fields, limits, a throwing handler and one that never settles, over real sockets`, async (t) => {
    const dir = tempDir();
    writeStorage(dir, { ...LIBRARY });
    const app = `var picohttp = require("picohttp");
var server = new picohttp.HttpServer(8099, function (req, res) {
  if (req.path[0] === "throw") throw new Error("boom");
  if (req.path[0] === "badstatus") { res.status = "200\\r\\nSet-Cookie: admin=1\\r\\n\\r\\n<html>"; return; }
  if (req.path[0] === "circular") { var loop = { a: 1 }; loop.self = loop; res.data = loop; return; }
  if (req.path[0] === "keys") { res.data = { q: req.query, h: req.headers }; return; }
  if (req.path[0] === "async") return new Promise(function (ok) { setTimeout(function () { res.data = "later"; ok(); }, 20); });
  // Never settled while the client waits (its resolve is kept: see ../shared/PLATFORM.md on Promises).
  if (req.path[0] === "pending") return new Promise(function (ok) { res.data = "too late"; pending.push(ok); });
  res.status = req.path[0] === "teapot" ? 418 : 200;
  res.data = JSON.stringify([req.method, req.path, req.query, req.protocol, req.header("x-b"), req.data]);
}, { handlerTimeout: 1500, onError: function (e) { errors.push(String(e && e.message)); if (errors.length > 2) errors.shift(); } });
var errors = [], pending = [];
// A port another process holds: Espruino's listen() throws; the failure must reach onError instead.
var listenFailure = "none";
new picohttp.HttpServer(8096, function () {}, { onError: function (e) { listenFailure = String(e && e.message); } });
`;
    const holder = net.createServer().listen(8096, "0.0.0.0");
    const board = new Board(bin, dir, app);
    try {
      await waitForPort(8099);
      const echo = await httpRequest(8099, "/a/b%20c/?q=1&w=x+y&f", { method: "BREW", headers: { "X-B": "v" }, body: "data!" });
      t.deepEqual(JSON.parse(echo.text), ["BREW", ["a", "b c", ""], { q: "1", w: "x y", f: "" }, "HTTP/1.1", "v", "data!"]);
      t.is((await httpRequest(8099, "/teapot")).status, 418);
      t.is((await httpRequest(8099, "/throw")).status, 500);
      t.regex(await board.evaluate("listenFailure"), /cannot listen on port 8096: .*Unable to create socket/);
      // Errors made inside the library (from Storage) must not exhaust a small heap: see rollup.config.mjs.
      const splitting = await rawRequest(8099, "GET /badstatus HTTP/1.0\r\n\r\n");
      t.is(splitting, "HTTP/1.0 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 21\r\n\r\nInternal Server Error");
      t.is((await httpRequest(8099, "/circular")).status, 500);
      t.deepEqual(await board.evaluate("errors.slice(-2).map(function (m) { return m.substr(0, 30); })"),
        ["picohttp: not a status code: \"", "picohttp: circular data cannot"]);
      // Names Espruino keeps hidden are dropped, as on Node; the others arrive.
      const keys = await httpRequest(8099, "/keys?constructor=1&hasOwnProperty=2&__proto__=3&toString=4",
        { headers: { constructor: "x", hasOwnProperty: "y", toString: "z" } });
      t.deepEqual(JSON.parse(keys.text).q, { hasOwnProperty: "2", toString: "4" });
      t.is(JSON.parse(keys.text).h.hasOwnProperty, "y");
      t.false(Object.keys(JSON.parse(keys.text).h).includes("constructor"));
      t.is((await httpRequest(8099, "/async")).text, "later");
      // A handler that never settles gets its 503 once handlerTimeout is past; settling later sends nothing more.
      const waited = Date.now();
      t.regex(await rawRequest(8099, "GET /pending HTTP/1.0\r\n\r\n"), /^HTTP\/1\.0 503 Service Unavailable\r\n[^]*\r\n\r\nService Unavailable$/);
      t.true(Date.now() - waited >= 1000, `answered after ${Date.now() - waited} ms`);
      t.is(await board.evaluate("pending.length + ':' + server.stats.timedOut"), "1:1");
      await board.evaluate("(pending.shift()(), 0)");
      t.is((await httpRequest(8099, "/async")).text, "later");
      t.regex(await rawRequest(8099, "GARBAGE\r\n\r\n"), /^HTTP\/1\.0 400 /);
      t.regex(await rawRequest(8099, "GET /" + "x".repeat(600) + " HTTP/1.0\r\n\r\n"), /^HTTP\/1\.0 414 /);
      t.regex(await rawRequest(8099, "PUT / HTTP/1.0\r\nContent-Length: 99999\r\n\r\n"), /^HTTP\/1\.0 413 /);
      const body = "0123456789".repeat(200);
      const big = await httpRequest(8099, "/", { method: "PUT", body });
      // On a small heap a body that would not fit is refused with 503, never a crash.
      if (big.status === 200) t.is(JSON.parse(big.text)[5], body);
      else t.is(big.status, 503);
      t.log(`${label}: a 2000-byte body got ${big.status}`);
      t.regex(await board.evaluate("(function () { try { require('picohttp').HttpServer(8098); return 'no error'; } " +
        "catch (e) { return e.message; } })()"), /use new HttpServer/);
      const baseline = await board.memoryUsage();
      for (let i = 0; i < 30; i++) await httpRequest(8099, (i % 3 ? "/x?i=" : "/badstatus?i=") + i);
      const after = await board.memoryUsage();
      t.log(`${label}: usage ${baseline} before 30 requests, ${after} after`);
      t.true(after <= baseline + 5, `memory grew from ${baseline} to ${after}`);
      t.true(board.alive);
    } finally {
      holder.close();
      await board.stop();
    }
  });
}
