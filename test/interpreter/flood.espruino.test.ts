// A flood on Espruino's Linux build, default heap and 1600 variables (an ESP8266's), picohttp loaded from
// Storage: 200 connections opened at once plus a few slowloris clients, then 2000 requests four at a time.
// The interpreter stays up, every request gets a whole 200, a 503 or (stalled clients) a 408, none hangs,
// the server serves normally afterwards and memory at rest comes back to its starting level.
import test from "ava";
import { Board, BUNDLE, LIBRARY, interpreters, noticeSkips, tempDir, writeStorage } from "../helpers/espruino";

noticeSkips("flood.espruino.test.ts");

// request(), slowClient(), runLoad() and freePort() are shared with `npm run soak`.
const load = import("../../scripts/soak.mjs");

const APP = (port: number) => `var picohttp = require("picohttp");
var server = new picohttp.HttpServer(${port}, function (req, res) { res.data = "Hello"; }, { headerTimeout: 2000 });
`;

const FLOOD = 200;
const SLOW = 5;
const SUSTAINED = 2000;

const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

function tally(kinds: string[]): { [kind: string]: number } {
  const counts: { [kind: string]: number } = {};
  for (const kind of kinds) counts[kind] = (counts[kind] || 0) + 1;
  return counts;
}

for (const interpreter of interpreters) {
  const run = interpreter.bin ? test.serial : test.skip;
  const label = interpreter.label;

  run(`${label}: ${FLOOD} connections at once and ${SLOW} slowloris clients, then ${SUSTAINED} requests; memory back at rest`, async (t) => {
    t.timeout(240000);
    const { request, slowClient, runLoad, freePort } = await load;
    const dir = tempDir();
    writeStorage(dir, { ...LIBRARY });
    const port = await freePort();
    const board = new Board(interpreter.bin as string, dir, APP(port));
    try {
      const total = await board.evaluate("process.memory().total", 10000);
      for (let i = 0; i < 3; i++) t.is((await request(port, { expect: "Hello" })).kind, "200", "warm-up");
      // Espruino makes the built-in Error's prototype (7 blocks, for good) the first time an error needs it,
      // a socket's first 'error' say (a client that gave up): made here, it is not counted as a leak.
      await board.evaluate("Error.prototype ? 1 : 0");
      // The warm-up's sockets are held until their 'close', a second at most (src/server/writer.ts).
      await settle(2600);
      const before = await board.memoryUsage();

      // The flood: every connection opened at once, each sending its request; the slow clients send half a
      // request and stall. Client timeouts are bounded (the kernel's listen backlog makes some connections
      // wait for the kernel to take them: 20 s is several retransmissions).
      const started = Date.now();
      const slow: Promise<any>[] = [];
      for (let i = 0; i < SLOW; i++) slow.push(slowClient(port, 20000));
      const flood: Promise<any>[] = [];
      for (let i = 0; i < FLOOD; i++) flood.push(request(port, { timeout: 20000, expect: "Hello" }));
      const floodResults = await Promise.all(flood);
      const slowResults = await Promise.all(slow);
      const floodMs = Date.now() - started;
      const floodCounts = tally(floodResults.map((r) => r.kind));
      const slowCounts = tally(slowResults.map((r) => r.kind));
      await settle(500);
      const floodStats = await board.evaluate("server.stats");
      t.log(`${label}: flood of ${FLOOD} in ${floodMs} ms: ${JSON.stringify(floodCounts)}; slowloris: ` +
        `${JSON.stringify(slowCounts)} (after ${slowResults.map((r) => r.ms).join(", ")} ms)`);
      t.true(board.alive, "the interpreter is still running");
      // Espruino listens with a backlog of 10: when the kernel's accept queue is full, the SYN cookie
      // handshake completes for the client but the connection is dropped, and comes back only with the
      // client's retransmissions (at 1, 3, 7, 15, 31 s...). Those the interpreter never saw may time out
      // on the client; every connection it did see must be answered, in whole.
      const seen = floodStats.connections + floodStats.rejected - 3;
      const answered = (floodCounts["200"] || 0) + (floodCounts["503"] || 0) + (slowCounts["408"] || 0) + (slowCounts["503"] || 0);
      const unseen = FLOOD + SLOW - seen;
      t.log(`${label}: the interpreter saw ${seen} of ${FLOOD + SLOW} connections and answered ${answered}; ` +
        `${unseen} were left in the kernel (listen backlog full) until their client gave up`);
      t.is(answered, seen, "every connection the interpreter saw got a whole response");
      t.is((floodCounts["timeout"] || 0) + (floodCounts["unaccepted"] || 0) + (slowCounts["timeout"] || 0) +
        (slowCounts["unaccepted"] || 0), unseen, "the only requests not answered are the ones the interpreter never saw");
      t.is((floodCounts["200"] || 0) + (floodCounts["503"] || 0) + (floodCounts["timeout"] || 0) + (floodCounts["unaccepted"] || 0),
        FLOOD, "no reset, no half response, no other status: " + JSON.stringify(floodCounts));
      t.true(answered >= FLOOD / 2, `most of the flood is answered (${answered})`);
      t.true((floodCounts["200"] || 0) > 0, "some of the flood is served");
      for (const r of slowResults) {
        t.true(["408", "503", "timeout", "unaccepted"].includes(r.kind), "a stalled client gets 408 (or 503): " + r.kind);
      }
      t.is((await request(port, { expect: "Hello" })).kind, "200", "served normally after the flood");

      // Thousands of requests, four at a time.
      const sustained = await runLoad(port, { requests: SUSTAINED, concurrency: 4, seconds: 90, timeout: 20000, expect: "Hello" });
      t.log(`${label}: ${sustained.sent} requests, 4 at a time, in ${sustained.ms} ms: ${JSON.stringify(sustained.counts)}; ` +
        `latency p50 ${sustained.p50} ms, p95 ${sustained.p95}, max ${sustained.max}`);
      t.true(board.alive, "the interpreter is still running");
      t.true(sustained.sent >= 1000, `at least 1000 requests within the time cap (${sustained.sent})`);
      t.is((sustained.counts["200"] || 0) + (sustained.counts["503"] || 0), sustained.sent,
        "every request gets a whole 200 or a 503: " + JSON.stringify(sustained.counts));
      t.true((sustained.counts["200"] || 0) >= sustained.sent * 0.99, "nearly all of them a 200");

      await settle();
      let after = await board.memoryUsage();
      // One more look if not back yet: a connection's 'close' may still be on its way.
      if (after > before + 3) {
        await settle(2000);
        after = await board.memoryUsage();
      }
      const stats = await board.evaluate("server.stats");
      const tracked = stats.open;
      const flags = await board.evaluate("E.getErrorFlags()");
      t.log(`${label}: memory at rest ${before} before, ${after} after (of ${total}); connections still held (stats.open): ${tracked}; ` +
        `E.getErrorFlags() ${JSON.stringify(flags)}`);
      t.log(`${label}: after the flood: peakConnections ${floodStats.peakConnections}, lowestFree ${floodStats.lowestFree}, ` +
        `rejected ${floodStats.rejected}, timedOut ${floodStats.timedOut}; at the end: ${JSON.stringify(stats)}`);
      const requests = 3 + FLOOD + SLOW + 1 + sustained.sent;
      t.log(`${label}: ${requests} requests in all: 200s ${stats.responses[2]}, 503s ${stats.responses[5]}, ` +
        `408s (4xx) ${stats.responses[4]}, client-side errors ${requests - 3 - 1 - [floodCounts, slowCounts, sustained.counts]
          .reduce((n, c) => n + (c["200"] || 0) + (c["503"] || 0) + (c["408"] || 0), 0)}`);
      t.is(tracked, 0, "no connection left behind");
      t.true(Math.abs(after - before) <= 3, `memory back to its starting level: ${before} → ${after}`);
      t.is(stats.responses[5], stats.rejected, "each 503 turned a connection away (the handler never timed out)");
      t.true(board.alive);
    } finally {
      await board.stop();
    }
  });
}
