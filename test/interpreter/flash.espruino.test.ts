// `npm run flash` over tcp:// into a fresh instance of Espruino's Linux build (`espruino --telnet`): picohttp
// and the control app's assets go to Storage, the app runs, and the same browser checks as on Node pass
// against it. Then `--save`: after a restart the interpreter starts the app from flash by itself.
// Needs ESPRUINO_BIN and /usr/bin/chromium; skipped with a notice otherwise. The telnet console is always
// on port 2323, so this file runs its steps one after another.
import test from "ava";
import { ChildProcess, spawn } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import * as net from "net";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { httpRequest, waitForPort } from "../helpers/http";
import { CHROMIUM, checkControlPage, freePort, getJSON, haveChromium, launchBrowser } from "../helpers/browser";

const ROOT = resolve(__dirname, "../..");
const BIN = process.env.ESPRUINO_BIN;
const TELNET = 2323;
const skip = !BIN ? "ESPRUINO_BIN is not set" : !haveChromium ? CHROMIUM + " is missing" : "";
if (skip) console.log(`[flash.espruino.test] ${skip}: the flash test on Espruino's Linux build is skipped`);

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("connect", () => { socket.destroy(); done(true); });
    socket.on("error", () => done(false));
  });
}

class Interpreter {
  readonly child: ChildProcess;
  output = "";
  constructor(dir: string, args: string[]) {
    // stdin stays open: at EOF the interpreter exits once idle.
    this.child = spawn(BIN!, args, { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout!.on("data", (chunk: Buffer) => { this.output += chunk.toString("latin1"); });
    this.child.stderr!.on("data", (chunk: Buffer) => { this.output += chunk.toString("latin1"); });
  }
  stop(): Promise<void> {
    return new Promise((done) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return done();
      this.child.on("exit", () => done());
      this.child.kill("SIGKILL");
    });
  }
}

function flash(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    // What `npm run flash` runs after its build (npm test has built dist/ already; rebuilding here
    // would rewrite it under other tests that read it).
    const child = spawn(process.execPath, ["scripts/flash.mjs", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (chunk) => { output += chunk; });
    child.stderr!.on("data", (chunk) => { output += chunk; });
    const timer = setTimeout(() => child.kill("SIGKILL"), 150000);
    child.on("close", (code) => { clearTimeout(timer); done({ code, output }); });
  });
}

(skip ? test.skip : test.serial)("npm run flash puts the control app on the Linux build over tcp://; the browser test passes; --save starts it at boot", async (t) => {
  t.timeout(400000);
  if (await portOpen(TELNET)) return t.fail(`something already listens on ${TELNET}: another espruino --telnet?`);
  const dir = mkdtempSync(join(tmpdir(), "picohttp-flash-"));
  const port = await freePort();
  let interpreter = new Interpreter(dir, ["--telnet"]);
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
    interpreter = new Interpreter(dir, []);
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
