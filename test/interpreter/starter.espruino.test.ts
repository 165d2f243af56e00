// The TypeScript starter (examples/starter-ts) as a user gets it: picohttp packed with `npm pack`, the
// starter copied to a project of its own that depends on the tarball, installed, type-checked and tested
// there with its own `npm test`, then put with `picohttp flash` (its `bin`) over tcp:// into both
// interpreter heaps, where its API and page answer. Needs ESPRUINO_BIN and ESPRUINO_BIN_1600; skipped with
// a notice otherwise. Installing needs the npm registry or npm's cache (it reuses this project's versions).
import test from "ava";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { httpRequest, waitForPort } from "../helpers/http";
import { freePort } from "../helpers/browser";
import { TELNET, TelnetInterpreter, portOpen, run } from "../helpers/telnet";

const ROOT = resolve(__dirname, "../..");
const STARTER = join(ROOT, "examples", "starter-ts");
const heaps = [
  { label: "default heap", bin: process.env.ESPRUINO_BIN, upload: /app: \d+ bytes to RAM/ },
  { label: "1600 variables", bin: process.env.ESPRUINO_BIN_1600, upload: /1600 variables: the app goes to Storage/ },
];
const skip = heaps.some((h) => !h.bin) ? "ESPRUINO_BIN and ESPRUINO_BIN_1600 are needed" : "";
if (skip) console.log(`[starter.espruino.test] ${skip}: the starter test is skipped`);

(skip ? test.skip : test.serial)("the starter installs from a packed picohttp, passes its own tests, and answers on both heaps after picohttp flash", async (t) => {
  t.timeout(900000);
  if (await portOpen(TELNET)) return t.fail(`something already listens on ${TELNET}: another espruino --telnet?`);
  const dir = mkdtempSync(join(tmpdir(), "picohttp-starter-"));
  try {
    // --ignore-scripts: dist/ is built already (npm test built it), and other tests are reading it.
    const packed = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], ROOT);
    t.is(packed.code, 0, packed.output);
    const tarball = readdirSync(dir).find((name) => name.endsWith(".tgz"));
    if (!tarball) return t.fail("npm pack made no tarball:\n" + packed.output);

    const project = join(dir, "app");
    cpSync(STARTER, project, { recursive: true, filter: (source) => !source.includes("node_modules") });
    const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
    manifest.dependencies.picohttp = "file:" + join(dir, tarball);
    writeFileSync(join(project, "package.json"), JSON.stringify(manifest, null, 2));
    const installed = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], project, 400000);
    t.is(installed.code, 0, installed.output);

    const tested = await run("npm", ["test"], project, 200000);
    t.is(tested.code, 0, tested.output);
    t.regex(tested.output, /5 tests passed/);

    for (const heap of heaps) {
      const storage = join(dir, "board-" + heap.label.replace(/\W/g, ""));
      mkdirSync(storage); // the interpreter's Storage
      const interpreter = new TelnetInterpreter(heap.bin!, storage, ["--telnet"]);
      try {
        await waitForPort(TELNET);
        const port = await freePort();
        const flashed = await run("npx", ["picohttp", "flash", "--port", `tcp://127.0.0.1:${TELNET}`, "--http-port", String(port), "."],
          project);
        t.is(flashed.code, 0, `${heap.label}:\n${flashed.output}`);
        t.regex(flashed.output, /src\/app\.ts bundled to one ES5 script/);
        t.regex(flashed.output, heap.upload, heap.label);
        t.regex(flashed.output, /with the app running \d+ of \d+ variables are free/, heap.label);
        await waitForPort(port, 20000);

        const state = await httpRequest(port, "/api/light");
        t.is(state.status, 200, heap.label);
        t.deepEqual(JSON.parse(state.text), { on: false }, heap.label);
        const switched = await httpRequest(port, "/api/light", { method: "PUT", body: '{"on":true}',
          headers: { "Content-Type": "application/json" } });
        t.deepEqual(JSON.parse(switched.text), { on: true }, heap.label);
        t.is((await httpRequest(port, "/api/light", { method: "PUT", body: '{"on":1}' })).status, 400, heap.label);
        const page = await httpRequest(port, "/");
        t.is(page.status, 200, heap.label);
        t.regex(String(page.headers["content-type"]), /^text\/html/, heap.label);
        t.regex(page.text, /<title>Light<\/title>/, heap.label);
        t.notRegex(interpreter.output, /Uncaught|ASSERT|Out of Memory|MEMORY/, heap.label);
      } finally {
        await interpreter.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
