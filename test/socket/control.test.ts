// examples/control on Node, as `npm start` runs it, driven by a real browser (Debian's chromium through
// playwright-core): the page reads the state, a toggle switches an output, and saved settings survive a
// reload and a restart. Skipped, with a notice, when /usr/bin/chromium is missing.
import test from "ava";
import { ChildProcess, spawn } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { httpRequest } from "../helpers/http";
import { CHROMIUM, checkControlPage, freePort, getJSON, haveChromium, launchBrowser } from "../helpers/browser";

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

    // Settings are on disk, not only in the process: a restarted app and a fresh page show them.
    await stopApp(app);
    app = await startApp(port, data);
    await page.goto(app.url, { waitUntil: "load" });
    await page.waitForFunction(() => document.getElementById("name")!.textContent === "Greenhouse", undefined, { timeout: 15000 });
    t.is(await page.inputValue('#labels input[data-output="0"]'), "Heater");
    t.deepEqual(errors, []);
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
    t.is((await httpRequest(port, "/api/output/2", { method: "POST" })).status, 404);
    t.is((await httpRequest(port, "/api/output/01", { method: "POST" })).status, 404);
    t.is((await httpRequest(port, "/api/output/0", { method: "PUT", body: "on" })).status, 400);
    t.is((await httpRequest(port, "/api/output/0", { method: "DELETE" })).status, 405);
    t.deepEqual(json(await httpRequest(port, "/api/output/1", { method: "PUT", body: '{"on":true}' })),
      { id: 1, label: "Output 2", on: true });
    t.true(json(await httpRequest(port, "/api/output/1")).on);
    t.is((await httpRequest(port, "/api/settings", { method: "PUT", body: "[" })).status, 400);
    t.deepEqual(json(await httpRequest(port, "/api/settings", { method: "PUT", body: '{"labels":["A",7]}' })),
      { name: "picohttp device", labels: ["A", "Output 2"] });
    t.is((await httpRequest(port, "/api/nothing")).status, 404);
    t.is((await httpRequest(port, "/api/state", { method: "POST" })).status, 405);
    const page = await httpRequest(port, "/");
    t.is(page.status, 200);
    t.regex(String(page.headers["content-type"]), /^text\/html/);
    t.is((await httpRequest(port, "/main.js")).status, 200);
    t.is((await httpRequest(port, "/app.js")).status, 404); // only www/ is served
    t.is((await httpRequest(port, "/node-device.js")).status, 404);
    t.true(existsSync(join(data, "control.json")));
  } finally {
    await stopApp(app);
    rmSync(data, { recursive: true, force: true });
  }
});
