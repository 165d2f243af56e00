// The browser side of the control-page tests: Debian's chromium through playwright-core, and the checks
// both the Node test (test/socket/control.test.ts) and the interpreter test (test/interpreter/flash.espruino.test.ts) run.
import { ExecutionContext } from "ava";
import { existsSync, mkdtempSync, rmSync } from "fs";
import * as net from "net";
import { tmpdir } from "os";
import { join } from "path";
import { chromium, BrowserContext, Page } from "playwright-core";
import { httpRequest } from "./http";

export const CHROMIUM = "/usr/bin/chromium";
export const haveChromium = existsSync(CHROMIUM);

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => done(port));
    });
  });
}

/** Chromium in a fresh profile; with `httpCredentials` it answers a Basic challenge as a user would at the prompt. */
export async function launchBrowser(httpCredentials?: { username: string; password: string }): Promise<{ context: BrowserContext; profile: string }> {
  const profile = mkdtempSync(join(tmpdir(), "picohttp-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    httpCredentials,
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    timeout: 30000,
  });
  return { context, profile };
}

export async function getJSON(port: number, path: string): Promise<any> {
  const reply = await httpRequest(port, path);
  if (reply.status !== 200) throw new Error(path + ": " + reply.status + " " + reply.text);
  return JSON.parse(reply.text);
}

/** page.waitForFunction, failing with what the page says (its status line, whether it is offline) on a timeout. */
async function until<A>(p: Page, check: (arg: A) => boolean, arg: A, timeout: number): Promise<void> {
  try {
    await p.waitForFunction(check as any, arg, { timeout });
  } catch (error) {
    const said = await p.evaluate(() => ({ status: document.getElementById("status") && document.getElementById("status")!.textContent,
      offline: document.body.className, live: document.getElementById("live") && document.getElementById("live")!.textContent })).catch(() => ({}));
    throw new Error((error as Error).message.split("\n")[0] + "; the page: " + JSON.stringify(said));
  }
}

const ADMIN = "Basic " + Buffer.from("admin:s3cret").toString("base64");

/**
 * The browser checks, against a control app at `url`: the page shows the state the API gives and gets it
 * live (server-sent events); a click sets output 0, pending until the device confirms; a change from a
 * second client shows on both pages at once; saved settings come back after a reload; a password set
 * from the page guards the settings; a file uploaded from the web files page is served. Leaves output 0
 * on, no password, and the settings `name` / "Heater".
 */
export async function checkControlPage(t: ExecutionContext, page: Page, url: string, port: number, name: string): Promise<void> {
  await page.goto(url, { waitUntil: "load", timeout: 30000 });
  const toggle = page.locator('#outputs button[data-output="0"]');
  await toggle.waitFor({ timeout: 15000 });
  const before = await getJSON(port, "/api/state");
  t.is(before.outputs.length, 2);
  t.false(before.outputs[0].on);
  await page.waitForFunction(() => document.getElementById("uptime")!.textContent !== "-");
  t.is(await page.textContent("#name"), before.name);
  t.is(await toggle.textContent(), "Off");
  t.is(await page.textContent("#outputs li:first-child span"), before.outputs[0].label);
  t.regex((await page.textContent("#memory"))!, /^\d+ of \d+ (blocks|KB)$/);
  t.regex((await page.textContent("#uptime"))!, /^(\d+[dhm] )*\d+s$/);
  const temperature = (await page.textContent("#temperature"))!;
  t.true(before.temperature === null ? temperature === "n/a" : temperature.endsWith("\u00b0C"), temperature);
  // Live where the device offers it; a board with little memory does not, and the page polls.
  const updates = updatesOf(before);
  await until(page, (expected) => document.getElementById("live")!.textContent === expected, updates, 15000);
  t.is(await page.getAttribute("body", "class"), "");

  // A click asks for a state; the button is pending (disabled) until the device's answer.
  await page.evaluate(() => {
    const button = document.querySelector('#outputs button[data-output="0"]') as HTMLButtonElement;
    (window as any).seenPending = false;
    new MutationObserver(() => { if (button.disabled) (window as any).seenPending = true; }).observe(button, { attributes: true });
  });
  await toggle.click();
  await until(page, () => document.querySelector('#outputs button[data-output="0"]')!.textContent === "On", undefined, 10000);
  t.true(await page.evaluate(() => (window as any).seenPending), "the button was pending until the device answered");
  t.is(await toggle.getAttribute("aria-pressed"), "true");
  t.false(await toggle.isDisabled());
  const after = await getJSON(port, "/api/state");
  t.true(after.outputs[0].on);
  t.false(after.outputs[1].on);

  // Another client switches output 1: this page shows it at once (well within the 5 s of polling) when it
  // is live, or at its next poll. A second page shows it too, live or by polling (when the channel is full).
  const second = await page.context().newPage();
  await second.goto(url, { waitUntil: "load", timeout: 30000 });
  await until(second, () => document.getElementById("live")!.textContent !== "-", undefined, 15000);
  const secondMode = await second.textContent("#live");
  const switched = Date.now();
  const reply = await httpRequest(port, "/api/outputs/1", { method: "PUT", body: '{"on":true}', headers: { "Content-Type": "application/json" } });
  t.is(reply.status, 200, reply.text);
  const within = updates === "live" ? 4000 : 12000;
  await until(page, () => document.querySelector('#outputs button[data-output="1"]')!.textContent === "On", undefined, within);
  t.true(Date.now() - switched < within);
  await until(second, () => document.querySelector('#outputs button[data-output="1"]')!.textContent === "On", undefined, 12000);
  t.log(`a second page: updates ${secondMode}, saw the change after ${Date.now() - switched} ms`);
  t.is(await page.textContent("#live"), updates);
  await second.close();
  t.is((await httpRequest(port, "/api/outputs/1", { method: "PUT", body: '{"on":false}', headers: { "Content-Type": "application/json" } })).status, 200);
  await until(page, () => document.querySelector('#outputs button[data-output="1"]')!.textContent === "Off", undefined, 10000);

  await page.fill("#device-name", name);
  await page.fill('#labels input[data-output="0"]', "Heater");
  await page.click('#settings button[type="submit"]');
  await until(page, () => document.getElementById("status")!.textContent === "Settings saved", undefined, 10000);
  t.deepEqual(await getJSON(port, "/api/settings"), { name, labels: ["Heater", before.outputs[1].label] });

  await page.reload({ waitUntil: "load" });
  await until(page, (expected) => document.getElementById("name")!.textContent === expected, name, 15000);
  t.is(await page.inputValue("#device-name"), name);
  t.is(await page.inputValue('#labels input[data-output="0"]'), "Heater");
  t.is(await page.textContent("#outputs li:first-child span"), "Heater");
  t.is(await toggle.textContent(), "On");
  t.is(await page.title(), name);

  // A password set from the page: settings then need it (the page says so), switching outputs does not.
  await page.fill("#password", "s3cret");
  await page.click('#settings button[type="submit"]');
  await until(page, () => document.getElementById("status")!.textContent === "Settings and password saved", undefined, 10000);
  const json = { "Content-Type": "application/json" };
  const locked = await httpRequest(port, "/api/settings", { method: "PUT", body: '{"name":"x"}', headers: json });
  t.is(locked.status, 401);
  t.regex(String(locked.headers["www-authenticate"]), /^Basic realm="picohttp device"/);
  // The owner, who knows the password (given at the browser's prompt), still can.
  const owner = await launchBrowser({ username: "admin", password: "s3cret" });
  try {
    const ownPage = await owner.context.newPage();
    await ownPage.goto(url, { waitUntil: "load", timeout: 30000 });
    await until(ownPage, (expected) => document.getElementById("name")!.textContent === expected, name, 15000);
    await ownPage.fill("#device-name", name + " 2");
    await ownPage.click('#settings button[type="submit"]');
    await until(ownPage, () => document.getElementById("status")!.textContent === "Settings saved", undefined, 10000);
    t.is((await getJSON(port, "/api/settings")).name, name + " 2");
    await ownPage.fill("#device-name", name);
    await ownPage.click('#settings button[type="submit"]');
    await until(ownPage, () => document.getElementById("status")!.textContent === "Settings saved", undefined, 10000);
  } finally {
    await owner.context.close();
    rmSync(owner.profile, { recursive: true, force: true });
  }
  t.is((await httpRequest(port, "/api/outputs/1", { method: "PUT", body: '{"on":false}', headers: json })).status, 200);
  t.is((await httpRequest(port, "/files/x.txt", { method: "PUT", body: "x" })).status, 401);
  t.is((await httpRequest(port, "/api/password", { method: "PUT", body: '{"password":""}', headers: { ...json, Authorization: ADMIN } })).status, 200);
  t.deepEqual(await getJSON(port, "/api/settings"), { name, labels: ["Heater", before.outputs[1].label] });

  // The web files page: a file chosen in the browser goes to the device's flash and is served from there.
  await page.click('a[href="files.html"]');
  await page.waitForSelector("#files");
  const content = "uploaded from the browser " + Date.now() + "\n" + "0123456789".repeat(300);
  await page.setInputFiles("#files", { name: "note.txt", mimeType: "text/plain", buffer: Buffer.from(content) });
  await page.click('#upload button[type="submit"]');
  await page.waitForSelector("#results li.done", { timeout: 20000 });
  t.is(await page.textContent("#results li"), `note.txt: saved (${content.length} bytes)`);
  const served = await httpRequest(port, "/note.txt");
  t.is(served.status, 200);
  t.is(served.text, content);
  t.is((await httpRequest(port, "/files/note.txt", { method: "DELETE" })).status, 204);
  t.is((await httpRequest(port, "/note.txt")).status, 404);
  await page.goto(url, { waitUntil: "load" });
  await until(page, (expected) => document.getElementById("live")!.textContent === expected, updates, 15000);
}

/** What the page's "Updates" line says for a device whose state is `state`: "live", or "every 5 s" where it polls. */
export function updatesOf(state: { live?: boolean }): string {
  return state.live === false ? "every 5 s" : "live";
}

/** Once the device goes away, the page says it is offline. */
export async function checkOffline(t: ExecutionContext, page: Page): Promise<void> {
  await until(page, () => document.body.className === "offline", undefined, 20000);
  t.true(await page.isVisible("#offline"));
}
