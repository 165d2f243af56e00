// picohttp/auth and picohttp/cors on Espruino's Linux build, both heaps: the app and requests of
// test/helpers/access-app.ts over real sockets, the modules loaded from Storage as a board has them (the
// credentials in Storage too); what each costs when required, and that repeating every request holds nothing.
import test from "ava";
import { Board, LIBRARY, interpreters, noticeSkips, tempDir, writeStorage } from "../helpers/espruino";
import { httpRequest, waitForPort } from "../helpers/http";
import { ACCESS_CASES, accessApp, accessProblem } from "../helpers/access-app";

noticeSkips("access.espruino.test.ts");
const PORT = 8094;

for (const interpreter of interpreters) {
  const run = interpreter.bin ? test.serial : test.skip;
  run(`${interpreter.label}: picohttp/auth and picohttp/cors from Storage answer every case as on Node, holding no memory per request`, async (t) => {
    t.timeout(120000);
    const dir = tempDir();
    writeStorage(dir, LIBRARY);
    const board = new Board(interpreter.bin!, dir, `var costs = {}, m0 = process.memory().usage;
require("picohttp"); var m1 = process.memory().usage;
require("picohttp/auth"); var m2 = process.memory().usage;
require("picohttp/cors"); var m3 = process.memory().usage;
costs.auth = m2 - m1; costs.cors = m3 - m2;
` + accessApp(PORT));
    try {
      await waitForPort(PORT, 15000);
      const send = async () => {
        for (const c of ACCESS_CASES) {
          if (c.wait) await new Promise((resolve) => setTimeout(resolve, c.wait));
          const reply = await httpRequest(PORT, c.path, { method: c.method, body: c.body, headers: c.headers || {} });
          t.is(accessProblem(c, reply), undefined, interpreter.label);
        }
      };
      const { first, after } = await board.restAfterRounds(send);
      const costs = await board.evaluate("costs");
      t.log(`${interpreter.label}: require("picohttp/auth") +${costs.auth} variables, require("picohttp/cors") +${costs.cors}; ` +
        `at rest after ${ACCESS_CASES.length} requests ${first}, after ${2 * ACCESS_CASES.length} more ${after}`);
      t.true(after <= first, `memory at rest grew from ${first} to ${after}`);
      t.true(costs.auth > 0 && costs.auth < 50 && costs.cors > 0 && costs.cors < 20, JSON.stringify(costs));
      t.notRegex(board.output, /Uncaught|ASSERT|Out of Memory|MEMORY/);
    } finally {
      await board.stop();
    }
  });
}
