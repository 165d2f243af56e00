// `npm run flash` over tcp:// into a fresh instance of Espruino's Linux build (`espruino --telnet`): picohttp
// and the control app's assets go to Storage, the app runs, and the same browser checks as on Node pass
// against it. Then `--save`: after a restart the interpreter starts the app from flash by itself.
// Needs ESPRUINO_BIN and /usr/bin/chromium; skipped with a notice otherwise. The telnet console is always
// on port 2323, so this file runs its steps one after another.
import test, { ExecutionContext } from "ava";
import { ChildProcess, spawn } from "child_process";
import { existsSync, mkdtempSync, rmSync } from "fs";
import * as net from "net";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { chromium, Page } from "playwright-core";
import { httpRequest, waitForPort } from "./helpers/http";

const ROOT = resolve(__dirname, "..");
const CHROMIUM = "/usr/bin/chromium";
const BIN = process.env.ESPRUINO_BIN;
const TELNET = 2323;
const skip = !BIN ? "ESPRUINO_BIN is not set" : !existsSync(CHROMIUM) ? CHROMIUM + " is missing" : "";
if (skip) console.log(`[flash.espruino.test] ${skip}: the flash test on Espruino's Linux build is skipped`);

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("connect", () => { socket.destroy(); done(true); });
    socket.on("error", () => done(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => done(port));
    });
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

async function getJSON(port: number, path: string): Promise<any> {
  const reply = await httpRequest(port, path);
  if (reply.status !== 200) throw new Error(path + ": " + reply.status + " " + reply.text);
  return JSON.parse(reply.text);
}

/** The same checks as test/control.test.ts, against the app on the interpreter. */
async function checkControlPage(t: ExecutionContext, page: Page, url: string, port: number, name: string): Promise<void> {
  await page.goto(url, { waitUntil: "load", timeout: 30000 });
  const toggle = page.locator('#outputs button[data-output="0"]');
  await toggle.waitFor({ timeout: 15000 });
  const before = await getJSON(port, "/api/state");
  t.is(before.board, "LINUX");
  t.is(before.outputs.length, 2);
  t.false(before.outputs[0].on);
  await page.waitForFunction(() => document.getElementById("uptime")!.textContent !== "-");
  t.is(await page.textContent("#name"), before.name);
  t.is(await toggle.textContent(), "Off");
  t.regex((await page.textContent("#memory"))!, /^\d+ of \d+ blocks$/);
  t.is(await page.textContent("#temperature"), "n/a"); // the Linux build has no sensor

  await toggle.click();
  await page.waitForFunction(() => document.querySelector('#outputs button[data-output="0"]')!.textContent === "On",
    undefined, { timeout: 10000 });
  const after = await getJSON(port, "/api/state");
  t.true(after.outputs[0].on);
  t.false(after.outputs[1].on);

  await page.fill("#device-name", name);
  await page.fill('#labels input[data-output="0"]', "Heater");
  await page.click('#settings button[type="submit"]');
  await page.waitForFunction(() => document.getElementById("status")!.textContent === "Settings saved",
    undefined, { timeout: 10000 });
  t.deepEqual(await getJSON(port, "/api/settings"), { name, labels: ["Heater", before.outputs[1].label] });

  await page.reload({ waitUntil: "load" });
  await page.waitForFunction((expected) => document.getElementById("name")!.textContent === expected, name,
    { timeout: 15000 });
  t.is(await page.inputValue('#labels input[data-output="0"]'), "Heater");
  t.is(await page.textContent("#outputs li:first-child span"), "Heater");
  t.is(await toggle.textContent(), "On");
}

test.serial("npm run flash puts the control app on the Linux build over tcp://; the browser test passes; --save starts it at boot", async (t) => {
  if (skip) return t.pass();
  t.timeout(400000);
  if (await portOpen(TELNET)) return t.fail(`something already listens on ${TELNET}: another espruino --telnet?`);
  const dir = mkdtempSync(join(tmpdir(), "picohttp-flash-"));
  const profile = mkdtempSync(join(tmpdir(), "picohttp-chromium-"));
  const port = await freePort();
  let interpreter = new Interpreter(dir, ["--telnet"]);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    timeout: 30000,
  });
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
