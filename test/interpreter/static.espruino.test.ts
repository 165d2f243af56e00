// staticResource on Espruino's Linux build: assets in Storage, a 64 KB file streamed intact on a
// 1600-variable heap with memory back to its starting level, gzip and 304 over real sockets.
import test from "ava";
import { gunzipSync } from "zlib";
import { Board, interpreters, noticeSkips, storageWithSite } from "../helpers/espruino";
import { httpRequest, waitForPort } from "../helpers/http";

noticeSkips("static.espruino.test.ts");

const APP = `var picohttp = require("picohttp");
var peak = 0, pieces = 0;
var sampler;
function sample() { var used = process.memory().usage; if (used > peak) peak = used; }
// Streams are measured at every piece they read (deterministic); the raw responder, which reads nothing,
// by a timer (only logged).
function track(timer) { if (sampler) clearInterval(sampler); sampler = undefined; peak = 0; pieces = 0; if (timer) sampler = setInterval(sample, 10); }
new picohttp.HttpServer(8090, function (req, res) {
  if (req.path[0] === "raw") { res.data = require("Storage").read("www/big.bin"); return; }
  picohttp.staticResource(req, res, "www");
  var body = res.data;
  if (body && typeof body.read === "function") {
    var read = body.read;
    body.read = function (offset, size) { pieces++; sample(); return read(offset, size); };
  }
});
require("net").createServer(function (socket) {
  socket.on("data", function () {
    var file = require("Storage").read("www/big.bin");
    socket.write("HTTP/1.0 200 OK\\r\\nContent-Length: " + file.length + "\\r\\n\\r\\n");
    socket.end(file);
  });
}).listen(8091);
`;

/** A temp dir whose Storage holds picohttp and `site` (name -> content) prepared by the asset pipeline under www/. */
async function boardWithSite(site: { [name: string]: string | Buffer }): Promise<string> {
  return (await storageWithSite(site)).dir;
}

for (const interpreter of interpreters) {
  const run = interpreter.bin ? test.serial : test.skip;
  const label = interpreter.label;

  run(`${label}: a 64 KB file streams intact from Storage, memory bounded and back to its starting level`, async (t) => {
    const big = Buffer.alloc(65536);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 8)) & 255;
    const dir = await boardWithSite({ "index.html": "<!doctype html><title>board</title>" + "<p>a paragraph</p>".repeat(80),
      "big.bin": big, "small.bin": big.subarray(0, 4096) });
    const board = new Board(interpreter.bin as string, dir, APP);
    try {
      await waitForPort(8090);
      await httpRequest(8090, "/small.bin"); // warm up
      const settle = () => new Promise((resolve) => setTimeout(resolve, 300)); // let 'close' events run
      // At rest: the warm-up's ended socket let go (held until its 'close', or to the sweep after 500 ms).
      await new Promise((resolve) => setTimeout(resolve, 1300));
      const baseline = await board.memoryUsage();
      // The peak while serving a 4 KB file, then a 64 KB one: streaming must not grow with the file.
      await board.evaluate("track(false)");
      const small = await httpRequest(8090, "/small.bin");
      const [smallPeak, smallPieces] = await board.evaluate("[peak, pieces]");
      t.true(small.body.equals(big.subarray(0, 4096)));
      await new Promise((resolve) => setTimeout(resolve, 1300)); // its socket let go, as before the baseline
      await board.evaluate("track(false)");
      const started = Date.now();
      const reply = await httpRequest(8090, "/big.bin");
      const streamMs = Date.now() - started;
      const [peak, bigPieces] = await board.evaluate("[peak, pieces]");
      t.true(smallPieces >= 8 && bigPieces >= 128, `memory sampled at every piece (${smallPieces}, ${bigPieces})`);
      t.is(reply.status, 200);
      t.is(reply.headers["content-length"], "65536");
      t.true(reply.body.equals(big), "the bytes arrive intact");
      await settle();
      // The download's socket goes at a sweep too, which a busy machine runs late: given up to 5 s.
      const after = await board.usageAtMost(baseline + 3);
      t.log(`${label}: usage ${baseline} at rest; serving 4 KB peaks at +${smallPeak - baseline}, 64 KB at ` +
        `+${peak - baseline} (live, sampled at each of ${smallPieces} and ${bigPieces} pieces); ${after} after; 64 KB streamed in ${streamMs} ms`);
      t.true(after <= baseline + 3, `memory back to its starting level: ${baseline} → ${after}`);
      t.true(peak - smallPeak <= 60, `streaming 64 KB adds ${peak - smallPeak} blocks over 4 KB`);

      // The same bytes written by a plain `net` responder in one end(): how long, and what it costs. Only
      // on the default heap: on 1600 variables the copy into the socket's buffer runs out of memory
      // (measured: the request times out, or the interpreter exits).
      if (label === "default heap") {
        await board.evaluate("track(true)");
        const rawStart = Date.now();
        const raw = await httpRequest(8091, "/");
        const rawMs = Date.now() - rawStart;
        const rawPeak = await board.evaluate("peak");
        await board.evaluate("track(false)");
        t.true(raw.body.equals(big));
        t.log(`${label}: raw net end(file) of the same 64 KB: ${rawMs} ms, peak +${rawPeak - baseline} blocks`);
      }
      t.true(board.alive);
    } finally {
      await board.stop();
    }
  });

  run(`${label}: gzip, ETag and 304 from Storage over real sockets`, async (t) => {
    const html = "<!doctype html><title>board</title>" + "<p>a paragraph</p>".repeat(80);
    const dir = await boardWithSite({ "index.html": html, "app.0a1b2c3d.js": "console.log('app');".repeat(30) });
    const board = new Board(interpreter.bin as string, dir, APP);
    try {
      await waitForPort(8090);
      const zipped = await httpRequest(8090, "/", { headers: { "Accept-Encoding": "gzip, deflate" } });
      t.is(zipped.status, 200);
      t.is(zipped.headers["content-encoding"], "gzip");
      t.is(zipped.headers["vary"], "Accept-Encoding");
      t.is(gunzipSync(zipped.body).toString(), html);
      const etag = zipped.headers["etag"] as string;
      t.regex(etag, /-gz"$/);
      const cached = await httpRequest(8090, "/", { headers: { "Accept-Encoding": "gzip", "If-None-Match": etag } });
      t.is(cached.status, 304);
      t.is(cached.body.length, 0);
      const plain = await httpRequest(8090, "/index.html");
      t.is(plain.text, html);
      t.is(plain.headers["content-encoding"], undefined);
      const hashed = await httpRequest(8090, "/app.0a1b2c3d.js", { method: "HEAD" });
      t.is(hashed.headers["cache-control"], "public, max-age=31536000, immutable");
      t.is((await httpRequest(8090, "/..%2fpicohttp")).status, 400);
      t.is((await httpRequest(8090, "/missing.css")).status, 404);
      t.is((await httpRequest(8090, "/", { method: "PUT", body: "x" })).status, 405);
    } finally {
      await board.stop();
    }
  });
}
