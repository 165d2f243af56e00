// picohttp/upload on Espruino's Linux build, both heaps: the app and checks of test/helpers/upload-app.ts
// over real sockets, files written to the board's (emulated) flash as they arrive: a 100 KB upload is
// larger than the 1600-variable heap. What the module costs when required, the lowest free memory while
// uploading, and that memory comes back to rest.
import test from "ava";
import { Board, LIBRARY, interpreters, noticeSkips, tempDir, writeStorage } from "../helpers/espruino";
import { waitForPort } from "../helpers/http";
import { writeFileSync } from "fs";
import { join } from "path";
import { SITE, checkUploads, uploadApp, uploadRound } from "../helpers/upload-app";

noticeSkips("upload.espruino.test.ts");
const PORT = 8096;

for (const interpreter of interpreters) {
  const run = interpreter.bin ? test.serial : test.skip;
  run(`${interpreter.label}: picohttp/upload from Storage streams a 100 KB upload into flash, and passes every check as on Node`, async (t) => {
    t.timeout(180000);
    const dir = tempDir();
    const site: { [name: string]: string } = {};
    for (const name in SITE) {
      site["www/" + name] = join(dir, "site-" + name);
      writeFileSync(site["www/" + name], Buffer.from((SITE as any)[name], "latin1"));
    }
    writeStorage(dir, Object.assign({}, LIBRARY, site));
    const board = new Board(interpreter.bin!, dir, `var m0 = process.memory().usage;
require("picohttp"); var m1 = process.memory().usage;
require("picohttp/upload"); var cost = process.memory().usage - m1;
` + uploadApp(PORT));
    try {
      await waitForPort(PORT, 15000);
      await checkUploads(t, PORT, 100 * 1024);
      const lowest = await board.evaluate("server.stats.lowestFree");
      // Every kind of upload, refusal and removal again (what loads or is made on first use is in memory by now).
      const { first, after } = await board.restAfterRounds(() => uploadRound(PORT));
      const cost = await board.evaluate("cost");
      t.log(`${interpreter.label}: require("picohttp/upload") +${cost} variables; lowest free while serving ${lowest}; ` +
        `at rest after a round of uploads ${first}, after two more ${after}`);
      t.true(after <= first, `memory at rest grew from ${first} to ${after}`);
      t.true(cost > 0 && cost < 60, "cost " + cost);
      t.notRegex(board.output, /Uncaught|ASSERT|Out of Memory|MEMORY/);
    } finally {
      await board.stop();
    }
  });
}
