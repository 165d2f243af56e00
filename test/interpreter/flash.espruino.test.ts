// `npm run flash` over tcp:// into a fresh instance of Espruino's Linux build (`espruino --telnet`), on
// both heaps: picohttp, the modules the control app uses and its assets go to Storage, the app runs (in
// RAM on the default heap; from Storage on the 1600-variable one, as flash chooses for a small heap), and
// the same browser checks as on Node pass against it. Then `--save` and a restart: the page shows the
// device offline meanwhile, and after it the app starts from flash by itself, settings and outputs as
// they were. Needs ESPRUINO_BIN (ESPRUINO_BIN_1600 for the small heap) and /usr/bin/chromium; skipped with
// a notice otherwise. The telnet console is always on port 2323, so the runs go one after another.
import test from "ava";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { waitForPort } from "../helpers/http";
import { TELNET, TelnetInterpreter, portOpen, run } from "../helpers/telnet";
import { CHROMIUM, checkControlPage, checkOffline, freePort, getJSON, haveChromium, launchBrowser, updatesOf } from "../helpers/browser";
import { interpreters } from "../helpers/espruino";

const ROOT = resolve(__dirname, "../..");
if (!haveChromium) console.log(`[flash.espruino.test] ${CHROMIUM} is missing: the flash tests on Espruino's Linux build are skipped`);

// What `npm run flash` runs after its build (npm test has built dist/ already; rebuilding here would
// rewrite it under other tests that read it).
const flash = (args: string[]) => run(process.execPath, ["scripts/flash.mjs", ...args], ROOT);

for (const interpreter of interpreters) {
  const skip = !interpreter.bin ? interpreter.skip : !haveChromium ? CHROMIUM + " is missing" : "";
  const small = interpreter.label.indexOf("1600") >= 0;
  (skip ? test.skip : test.serial)(`${interpreter.label}: npm run flash puts the control app on the Linux build over tcp://; the browser test passes; --save starts it at boot`, async (t) => {
    t.timeout(400000);
    if (await portOpen(TELNET)) return t.fail(`something already listens on ${TELNET}: another espruino --telnet?`);
    const dir = mkdtempSync(join(tmpdir(), "picohttp-flash-"));
    const port = await freePort();
    let board = new TelnetInterpreter(interpreter.bin!, dir, ["--telnet"]);
    const { context, profile } = await launchBrowser();
    try {
      await waitForPort(TELNET);
      const first = await flash(["--port", `tcp://127.0.0.1:${TELNET}`, "--http-port", String(port), "examples/control"]);
      t.is(first.code, 0, first.output);
      t.regex(first.output, /picohttp +\d+ bytes/);
      t.regex(first.output, /www\/index\.html +\d+ bytes/);
      for (const module of ["router", "auth", "events", "upload"]) t.regex(first.output, new RegExp(`picohttp/${module} +\\d+ bytes`));
      if (small) t.regex(first.output, /to \.bootcde/, "a small heap gets the app in Storage");
      t.regex(first.output, new RegExp(`control: open http://<board address>:${port}/`));
      t.log(interpreter.label + ": " + (first.output.match(/[^\n]*free[^\n]*/g) || []).join(" / "));
      await waitForPort(port);

      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      await checkControlPage(t, page, `http://127.0.0.1:${port}/`, port, "Workshop");
      const memory = (await getJSON(port, "/api/state")).memory;
      t.log(`${interpreter.label}: the control app with its page loaded and live: ${memory.free} of ${memory.total} variables free (after a garbage collection)`);
      t.notRegex(board.output, /Uncaught|ASSERT|Out of Memory/);

      // --save: the app goes to .bootcde; a restarted interpreter runs it with no upload at all.
      const saved = await flash(["--port", `tcp://127.0.0.1:${TELNET}`, "--http-port", String(port), "--save", "examples/control"]);
      t.is(saved.code, 0, saved.output);
      t.regex(saved.output, /to \.bootcde/);
      await waitForPort(port, 20000);
      await page.reload({ waitUntil: "load" });
      const updates = updatesOf(await getJSON(port, "/api/state"));
      t.is(updates, small ? "every 5 s" : "live", "live updates where the heap has room for them");
      await page.waitForFunction((expected) => document.getElementById("live")!.textContent === expected, updates, { timeout: 20000 });
      await board.stop();
      await checkOffline(t, page);
      board = new TelnetInterpreter(interpreter.bin!, dir, []);
      await waitForPort(port, 20000);
      t.deepEqual(await getJSON(port, "/api/settings"), { name: "Workshop", labels: ["Heater", "Output 2"] });
      // The open page comes back by itself (live again where it was), with output 0 as it was before the restart.
      await page.waitForFunction((expected) => document.body.className === "" && document.getElementById("live")!.textContent === expected,
        updates, { timeout: 45000 });
      t.is(await page.textContent("#outputs li:first-child span"), "Heater");
      t.is(await page.textContent('#outputs button[data-output="0"]'), "On", "output 0 restored after the restart");
      t.deepEqual(errors, []);
    } finally {
      await context.close();
      await board.stop();
      rmSync(profile, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
