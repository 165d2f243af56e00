// `picohttp flash` on a board too small for the app (the 1600-variable build over telnet): the upload is
// reported as not fitting, with exit status 1, and the app is taken out of .bootcde again, so that the
// board does not run out of memory at every boot. Needs ESPRUINO_BIN_1600; skipped with a notice otherwise.
import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { waitForPort } from "../helpers/http";
import { TELNET, TelnetInterpreter, portOpen, run } from "../helpers/telnet";

const ROOT = resolve(__dirname, "../..");
const BIN = process.env.ESPRUINO_BIN_1600;
if (!BIN) console.log("[fit.espruino.test] ESPRUINO_BIN_1600 is not set: the test of an app that does not fit is skipped");

// An app that holds more than the heap has as it starts.
const HOG = `var picohttp = require("picohttp");
var hog = [];
for (var i = 0; i < 3000; i++) hog.push({ n: i });
new picohttp.HttpServer(80, function (request, response) { response.data = "never " + hog.length; });
`;

(BIN ? test.serial : test.skip)("an app that runs a 1600-variable board out of memory is reported as not fitting, and not left to run at boot", async (t) => {
  t.timeout(180000);
  if (await portOpen(TELNET)) return t.fail(`something already listens on ${TELNET}: another espruino --telnet?`);
  const dir = mkdtempSync(join(tmpdir(), "picohttp-fit-"));
  writeFileSync(join(dir, "hog.js"), HOG);
  const interpreter = new TelnetInterpreter(BIN!, dir, ["--telnet"]);
  try {
    await waitForPort(TELNET);
    const port = `tcp://127.0.0.1:${TELNET}`;
    const flashed = await run(process.execPath, ["scripts/cli.mjs", "flash", "--port", port, join(dir, "hog.js")], ROOT);
    t.is(flashed.code, 1, flashed.output);
    t.regex(flashed.output, /1600 variables: the app goes to Storage/);
    t.regex(flashed.output, /flash: failed: OUT OF MEMORY/);
    t.regex(flashed.output, /the app does not fit in this board's 1600 variables/);
    t.regex(flashed.output, /removed it from \.bootcde/);
    const { evaluate } = await import(join(ROOT, "scripts", "lib", "board.mjs"));
    const files: string[] = await evaluate(port, 'require("Storage").list()', { reset: true });
    t.true(files.includes("picohttp"), JSON.stringify(files));
    t.false(files.includes(".bootcde"), JSON.stringify(files));
  } finally {
    await interpreter.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
