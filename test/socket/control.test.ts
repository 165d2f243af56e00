// examples/control on Node, as `npm start` runs it, driven by a real browser (Debian's chromium through
// playwright-core): the checks of checkControlPage (live state, setting an output, a second client,
// settings, the password, an upload), then the page's offline state, and outputs and settings restored
// after a restart. Skipped, with a notice, when /usr/bin/chromium is missing.
import test from "ava";
import { ChildProcess, spawn } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import * as net from "net";
import { httpRequest } from "../helpers/http";
import { CHROMIUM, checkControlPage, checkOffline, freePort, haveChromium, launchBrowser } from "../helpers/browser";

const ROOT = resolve(__dirname, "../..");
if (!haveChromium) console.log(`[control.test] ${CHROMIUM} is missing (apt-get install chromium): the browser tests are skipped`);

/** What `npm start` runs once the build is done (the test run has built already). */
function startCommand(): string[] {
  const script: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.start;
  const command = script.replace(/^npm run build && /, "");
  return command.split(" ");
}

interface App { child: ChildProcess; url: string; output(): string }

async function startApp(port: number, data: string): Promise<App> {
  const [command, ...args] = startCommand();
  if (command !== "node") throw new Error("unexpected start script: " + command);
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, PORT: String(port), CONTROL_DATA: data },
    stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk) => { output += chunk; });
  child.stderr!.on("data", (chunk) => { output += chunk; });
  const deadline = Date.now() + 15000;
  for (;;) {
    const match = /open (http:\/\/\S+)/.exec(output);
    if (match) return { child, url: match[1], output: () => output };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("the control app did not start:\n" + output);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the server sends in the first `ms` after `bytes` (for a response that stays open). */
function firstBytes(port: number, bytes: string, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(bytes));
    let received = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => { received += chunk; });
    socket.on("error", () => undefined);
    setTimeout(() => { socket.destroy(); resolve(received); }, ms);
  });
}

function stopApp(app: App): Promise<void> {
  return new Promise((done) => {
    if (app.child.exitCode !== null || app.child.signalCode !== null) return done();
    app.child.on("exit", () => done());
    app.child.kill("SIGKILL");
  });
}

(haveChromium ? test.serial : test.skip)("npm start serves the control page; a browser reads the state, switches an output and keeps the settings", async (t) => {
  const data = mkdtempSync(join(tmpdir(), "picohttp-control-"));
  const port = await freePort();
  let app = await startApp(port, data);
  const { context, profile } = await launchBrowser();
  try {
    t.is(app.url, `http://localhost:${port}/`);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await checkControlPage(t, page, app.url, port, "Greenhouse");

    // The device goes away: the page says so. Back, it has its settings and its outputs as they were,
    // and the same page (not reloaded) is live again.
    await stopApp(app);
    await checkOffline(t, page);
    app = await startApp(port, data);
    await page.waitForFunction(() => document.body.className === "" && document.getElementById("live")!.textContent === "live",
      undefined, { timeout: 40000 });
    t.is(await page.textContent('#outputs button[data-output="0"]'), "On", "output 0 restored after the restart");
    await page.goto(app.url, { waitUntil: "load" });
    await page.waitForFunction(() => document.getElementById("name")!.textContent === "Greenhouse", undefined, { timeout: 15000 });
    t.is(await page.inputValue('#labels input[data-output="0"]'), "Heater");
    t.deepEqual(errors.filter((e) => !/Failed to fetch/.test(e)), []);
  } finally {
    await context.close();
    await stopApp(app);
    rmSync(profile, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
});

test.serial("the control API answers bad requests with errors, not crashes", async (t) => {
  const data = mkdtempSync(join(tmpdir(), "picohttp-control-"));
  const port = await freePort();
  const app = await startApp(port, data);
  try {
    const json = (reply: { text: string }) => JSON.parse(reply.text);
    const put = (path: string, body: string, type = "application/json") =>
      httpRequest(port, path, { method: "PUT", body, headers: type ? { "Content-Type": type } : {} });
    t.is((await put("/api/outputs/2", '{"on":true}')).status, 404);
    t.is((await put("/api/outputs/01", '{"on":true}')).status, 404);
    t.is((await put("/api/outputs/0", "on")).status, 400);
    t.is((await put("/api/outputs/0", '{"on":"yes"}')).status, 400);
    t.is((await put("/api/outputs/0", '{"on":true}', "text/plain")).status, 415);
    // No toggle: a state is set, so the same request twice (a double click) leaves it as asked.
    const toggle = await httpRequest(port, "/api/outputs/0", { method: "POST" });
    t.is(toggle.status, 405);
    t.is(toggle.headers.allow, "GET, HEAD, PUT");
    t.is((await httpRequest(port, "/api/outputs/0", { method: "DELETE" })).status, 405);
    t.deepEqual(json(await put("/api/outputs/1", '{"on":true}')), { id: 1, label: "Output 2", on: true });
    t.deepEqual(json(await put("/api/outputs/1", '{"on":true}')), { id: 1, label: "Output 2", on: true });
    t.true(json(await httpRequest(port, "/api/outputs/1")).on);
    t.is((await put("/api/settings", "[")).status, 400);
    t.is((await put("/api/settings", "[1]")).status, 400);
    t.deepEqual(json(await put("/api/settings", '{"labels":["A",7]}')), { name: "picohttp device", labels: ["A", "Output 2"] });
    t.is((await put("/api/password", '{"password":7}')).status, 400);
    t.is((await httpRequest(port, "/api/nothing")).status, 404);
    t.is((await httpRequest(port, "/api/state", { method: "POST" })).status, 405);
    // Live state: the first lines of the event stream are the state.
    const stream = await firstBytes(port, "GET /api/events HTTP/1.0\r\n\r\n", 1500);
    t.regex(stream, /^HTTP\/1\.0 200 OK\r\n[^]*Content-Type: text\/event-stream[^]*\r\n\r\n[^]*data: \{"name":"picohttp device"/);
    // Uploads: only web files, never what lies beside them.
    t.is((await put("/files/.picohttp.auth", "x", "")).status, 403);
    t.is((await put("/files/..%2Fcontrol.json", "x", "")).status, 403);
    t.is((await put("/files/hello.txt", "hi", "")).status, 200);
    t.is((await httpRequest(port, "/hello.txt")).text, "hi");
    t.true(existsSync(join(data, "www", "hello.txt")), "written to the data folder, not the example's");
    t.false(existsSync(join(ROOT, "examples", "control", "www", "hello.txt")));
    const page = await httpRequest(port, "/");
    t.is(page.status, 200);
    t.regex(String(page.headers["content-type"]), /^text\/html/);
    t.is((await httpRequest(port, "/files.html")).status, 200);
    t.is((await httpRequest(port, "/app.js")).status, 404); // only www/ is served
    t.is((await httpRequest(port, "/node-device.js")).status, 404);
    t.true(existsSync(join(data, "control.json")));
    t.deepEqual(JSON.parse(readFileSync(join(data, "control.outputs.json"), "utf8")), [false, true]);
  } finally {
    await stopApp(app);
    rmSync(data, { recursive: true, force: true });
  }
});
