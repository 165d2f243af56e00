// picohttp/events on Espruino's Linux build, both heaps: the app of test/helpers/events-app.ts from
// Storage, two subscribers held open over real sockets; what the module and each subscriber cost, and
// memory back at rest once they are gone.
import test from "ava";
import { Board, LIBRARY, interpreters, noticeSkips, tempDir, writeStorage } from "../helpers/espruino";
import { httpRequest, waitForPort } from "../helpers/http";
import { Listener, TICK, eventsApp, listen, subscribersAfter, until } from "../helpers/events-app";

noticeSkips("events.espruino.test.ts");
const PORT = 8095;
const settle = () => new Promise((resolve) => setTimeout(resolve, 1300)); // ended sockets let go (see the hardening tests)

for (const interpreter of interpreters) {
  const run = interpreter.bin ? test.serial : test.skip;
  run(`${interpreter.label}: picohttp/events from Storage: events reach both subscribers, 503 past two, memory back once they go`, async (t) => {
    t.timeout(120000);
    const dir = tempDir();
    writeStorage(dir, LIBRARY);
    const board = new Board(interpreter.bin!, dir, `var costs = {};
require("picohttp"); var m1 = process.memory().usage;
require("picohttp/events"); costs.events = process.memory().usage - m1;
` + eventsApp(PORT));
    const json = async (path: string) => JSON.parse((await httpRequest(PORT, path)).text);
    const listeners: Listener[] = [];
    try {
      await waitForPort(PORT, 15000);
      await json("/"); // a first request: what the server sets up once is not counted below
      await settle();
      const idle = await board.memoryUsage();
      const a = listen(PORT);
      const b = listen(PORT);
      listeners.push(a, b);
      await until("both heads", () => a.received.includes("retry: 3000\n\n") && b.received.includes("retry: 3000\n\n"));
      const held = await board.memoryUsage();
      t.is((await httpRequest(PORT, "/events")).status, 503);
      t.deepEqual(await json("/send?n=1"), { sent: 2 });
      await until("the event at both", () => a.received.includes(TICK(1)) && b.received.includes(TICK(1)), 3000);
      t.deepEqual(await json("/lines"), { sent: 2 });
      await until("a two-line event", () => b.received.includes("data: one\ndata: two\n\n"), 3000);
      await until("a keep-alive comment", () => a.received.includes("\n:\n\n"), 3000);
      a.socket.destroy();
      b.socket.destroy();
      t.is(await subscribersAfter(() => json("/"), 0, 5000, 100), 0, "both subscribers freed");
      await settle();
      const after = await board.usageAtMost(idle);
      const costs = await board.evaluate("costs");
      t.log(`${interpreter.label}: require("picohttp/events") +${costs.events} variables; two subscribers held ` +
        `${((held - idle) / 2).toFixed(1)} each; at rest ${idle} before, ${after} after`);
      t.true(after <= idle, `memory at rest went from ${idle} to ${after}`);
      t.notRegex(board.output, /Uncaught|ASSERT|Out of Memory|MEMORY/);
    } finally {
      for (const l of listeners) l.socket.destroy();
      await board.stop();
    }
  });
}
