// `npm run flash` over tcp:// into a fresh instance of Espruino's Linux build (`espruino --telnet`): picohttp
// and the control app's assets go to Storage, the app runs, and the same browser checks as on Node pass
// against it. Then `--save`: after a restart the interpreter starts the app from flash by itself.
// Needs ESPRUINO_BIN and /usr/bin/chromium; skipped with a notice otherwise. The telnet console is always
// on port 2323, so this file runs its steps one after another.
import test from "ava";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { httpRequest, waitForPort } from "../helpers/http";
import { TELNET, TelnetInterpreter, portOpen, run } from "../helpers/telnet";
import { CHROMIUM, checkControlPage, freePort, getJSON, haveChromium, launchBrowser } from "../helpers/browser";

const ROOT = resolve(__dirname, "../..");
const BIN = process.env.ESPRUINO_BIN;
const skip = !BIN ? "ESPRUINO_BIN is not set" : !haveChromium ? CHROMIUM + " is missing" : "";
if (skip) console.log(`[flash.espruino.test] ${skip}: the flash test on Espruino's Linux build is skipped`);

// What `npm run flash` runs after its build (npm test has built dist/ already; rebuilding here would
// rewrite it under other tests that read it).
const flash = (args: string[]) => run(process.execPath, ["scripts/flash.mjs", ...args], ROOT);

(skip ? test.skip : test.serial)("npm run flash puts the control app on the Linux build over tcp://; the browser test passes; --save starts it at boot", async (t) => {
  t.timeout(400000);
  if (await portOpen(TELNET)) return t.fail(`something already listens on ${TELNET}: another espruino --telnet?`);
  const dir = mkdtempSync(join(tmpdir(), "picohttp-flash-"));
  const port = await freePort();
  let interpreter = new TelnetInterpreter(BIN!, dir, ["--telnet"]);
  const { context, profile } = await launchBrowser();
  try {
    await waitForPort(TELNET);
    const first = await flash(["--board", "linux", "--port", `tcp://127.0.0.1:${TELNET}`, "--http-port", String(port),
      "examples/control"]);
    t.is(first.code, 0, first.output);
    t.regex(first.output, /picohttp +\d+ bytes/);
    t.regex(first.output, /www\/index\.html +\d+ bytes/);
    t.regex(first.output, new RegExp(`control: open http://<board address>:${port}/`));
    await waitForPort(port);

    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await checkControlPage(t, page, `http://127.0.0.1:${port}/`, port, "Workshop");
    t.deepEqual(errors, []);
    t.notRegex(interpreter.output, /Uncaught|ASSERT|Out of Memory/);

    // --save: the app goes to .bootcde; a restarted interpreter runs it with no upload at all.
    const saved = await flash(["--board", "linux", "--port", `tcp://127.0.0.1:${TELNET}`, "--http-port", String(port),
      "--save", "examples/control"]);
    t.is(saved.code, 0, saved.output);
    t.regex(saved.output, /to \.bootcde/);
    await interpreter.stop();
    interpreter = new TelnetInterpreter(BIN!, dir, []);
    await waitForPort(port, 20000);
    t.deepEqual(await getJSON(port, "/api/settings"), { name: "Workshop", labels: ["Heater", "Output 2"] });
    await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: "load" });
    await page.waitForFunction(() => document.getElementById("name")!.textContent === "Workshop", undefined, { timeout: 15000 });
    t.is(await page.textContent("#outputs li:first-child span"), "Heater");
    t.is(await page.textContent('#outputs button[data-output="0"]'), "Off"); // outputs start off after a restart
  } finally {
    await context.close();
    await interpreter.stop();
    rmSync(profile, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});
