// picohttp/router on Espruino's Linux build, both heaps: the app and requests of test/helpers/router-app.ts
// over real sockets, the module loaded from Storage as a board has it; what it costs (variables when
// required, with the app's routes, after a first request) and that repeating every request leaks nothing.
import test from "ava";
import { writeFileSync } from "fs";
import { join } from "path";
import { Board, LIBRARY, interpreters, noticeSkips, tempDir, writeStorage } from "../helpers/espruino";
import { httpRequest, waitForPort } from "../helpers/http";
import { INDEX, ROUTER_CASES, routerApp, routerProblem } from "../helpers/router-app";

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
