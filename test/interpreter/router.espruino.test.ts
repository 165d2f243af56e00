// picohttp/router on Espruino's Linux build, both heaps: the app and requests of test/helpers/router-app.ts
// over real sockets, the module loaded from Storage as a board has it; what it costs (variables when
// required, with the app's routes, after a first request) and that repeating every request leaks nothing.
import test from "ava";
import { writeFileSync } from "fs";
import { join } from "path";
import { Board, LIBRARY, interpreters, noticeSkips, tempDir, writeStorage } from "../helpers/espruino";
import { httpRequest, waitForPort } from "../helpers/http";
import { INDEX, ROUTER_CASES, routerApp, routerProblem } from "../helpers/router-app";
import { bodyCost } from "../../src/router";

noticeSkips("router.espruino.test.ts");
const PORT = 8093;

for (const interpreter of interpreters) {
  const run = interpreter.bin ? test.serial : test.skip;
  run(`${interpreter.label}: picohttp/router from Storage answers every case as on Node, and holds no memory per request`, async (t) => {
    t.timeout(120000);
    const dir = tempDir();
    writeFileSync(join(dir, "index.html"), INDEX);
    writeStorage(dir, { ...LIBRARY, "www/index.html": join(dir, "index.html") });
    // The cost of each step, then the app itself (its routes' functions are in RAM: the app is uploaded code).
    const board = new Board(interpreter.bin!, dir, `var costs = {}, m0 = process.memory().usage;
var picohttp = require("picohttp"); var m1 = process.memory().usage;
require("picohttp/router"); var m2 = process.memory().usage;
costs.core = m1 - m0; costs.router = m2 - m1;
` + routerApp(PORT));
    try {
      await waitForPort(PORT, 15000);
      const send = async () => {
        for (const c of ROUTER_CASES) {
          const reply = await httpRequest(PORT, c.path, { method: c.method, body: c.body, headers: c.type ? { "Content-Type": c.type } : {} });
          t.is(routerProblem(c, reply), undefined, interpreter.label);
        }
      };
      const { first, after } = await board.restAfterRounds(send);
      const costs = await board.evaluate("costs");
      t.log(`${interpreter.label}: require("picohttp/router") +${costs.router} variables (the core +${costs.core}); ` +
        `at rest after ${ROUTER_CASES.length} requests ${first}, after ${2 * ROUTER_CASES.length} more ${after}`);
      t.true(after <= first, `memory at rest grew from ${first} to ${after}`);
      t.true(costs.router > 0 && costs.router < 55, `require("picohttp/router") cost ${costs.router} variables`);
      t.notRegex(board.output, /Uncaught|ASSERT|Out of Memory|MEMORY/);
    } finally {
      await board.stop();
    }
  });
}

// What the router's bound before parsing (bodyCost, src/router.ts) is held to: what JSON.parse takes on
// the interpreter, for the shapes that take the most per byte and for ordinary ones.
const SHAPES: { [name: string]: string } = {
  "small numbers": "[" + Array(150).fill("1").join(",") + "]",
  "fractions": "[" + Array(100).fill("1.5").join(",") + "]",
  "short strings": "[" + Array(100).fill('"ab"').join(",") + "]",
  "empty strings": "[" + Array(100).fill('""').join(",") + "]",
  "long strings": "[" + Array(20).fill('"' + "abcdefghijklmnopqrstuvwxyz".repeat(2) + '"').join(",") + "]",
  "escaped strings": "[" + Array(50).fill('"a\\"b\\\\c\\n"').join(",") + "]",
  "nested 16 deep": "[".repeat(16) + "]".repeat(16),
  "empty containers": "[" + Array(100).fill("[]").join(",") + "," + Array(50).fill("{}").join(",") + "]",
  "objects": "[" + Array(40).fill('{"id":1,"on":true,"name":"relay"}').join(",") + "]",
  "many keys": "{" + Array.from({ length: 80 }, (_, i) => `"key${i}":${i}`).join(",") + "}",
  "long keys": "{" + Array.from({ length: 30 }, (_, i) => `"a_rather_long_key_name_${i}":null`).join(",") + "}",
};

for (const interpreter of interpreters) {
  const run = interpreter.bin ? test.serial : test.skip;
  run(`${interpreter.label}: the router's bound before parsing is at least what JSON.parse takes`, async (t) => {
    t.timeout(60000);
    const dir = tempDir();
    writeStorage(dir, LIBRARY);
    // The texts are in the app (an expression sent to the probe has to be short).
    const board = new Board(interpreter.bin!, dir, `var SHAPES = ${JSON.stringify(SHAPES)};
function parseCost(name) {
  var text = SHAPES[name];
  var before = process.memory().usage;
  var value = JSON.parse(text);
  return process.memory().usage - before;
}
var server = require("net").createServer(function () {}).listen(${PORT});`);
    try {
      await waitForPort(PORT, 15000);
      for (const name in SHAPES) {
        const text = SHAPES[name];
        const taken = await board.evaluate(`parseCost(${JSON.stringify(name)})`);
        const bound = bodyCost(text, "json");
        t.log(`${name}: ${text.length} bytes, ${taken} variables, bound ${bound}`);
        t.true(taken > 0 && taken <= bound, `${name}: JSON.parse took ${taken} variables, more than the bound ${bound}`);
      }
    } finally {
      await board.stop();
    }
  });
}

for (const interpreter of interpreters.filter((i) => i.label === "1600-variable heap")) {
  const run = interpreter.bin ? test.serial : test.skip;
  run(`${interpreter.label}: a JSON body too large for the memory free is a prompt 413, not a handler stopped out of memory`, async (t) => {
    t.timeout(60000);
    const dir = tempDir();
    writeFileSync(join(dir, "index.html"), INDEX);
    writeStorage(dir, { ...LIBRARY, "www/index.html": join(dir, "index.html") });
    const board = new Board(interpreter.bin!, dir, routerApp(PORT));
    try {
      await waitForPort(PORT, 15000);
      // 1,017 bytes: within maxBody, and about 500 variables to parse, as much as the app has left.
      const big = '{"on":true,"x":[' + Array(500).fill("1").join(",") + "]}";
      for (let round = 0; round < 3; round++) {
        const started = Date.now();
        const reply = await httpRequest(PORT, "/api/outputs/0", { method: "PUT", body: big, headers: { "Content-Type": "application/json" } });
        t.is(reply.status, 413, reply.text);
        t.true(Date.now() - started < 2000, `answered after ${Date.now() - started} ms`);
        const small = await httpRequest(PORT, "/api/outputs/0", { method: "PUT", body: '{"on":true}', headers: { "Content-Type": "application/json" } });
        t.is(small.status, 200);
      }
      t.notRegex(board.output, /Uncaught|ASSERT|Out of Memory|MEMORY|Interrupted/);
    } finally {
      await board.stop();
    }
  });
}
