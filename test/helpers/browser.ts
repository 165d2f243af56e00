// The browser side of the control-page tests: Debian's chromium through playwright-core, and the checks
// both the Node test (test/control.test.ts) and the interpreter test (test/flash.espruino.test.ts) run.
import { ExecutionContext } from "ava";
import { existsSync, mkdtempSync } from "fs";
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

export async function launchBrowser(): Promise<{ context: BrowserContext; profile: string }> {
  const profile = mkdtempSync(join(tmpdir(), "picohttp-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
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

/**
 * The browser checks, against a control app at `url`: the page shows the state the API gives, a click
 * switches output 0 (on the page and in the API), saved settings come back after a reload.
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

  await toggle.click();
  await page.waitForFunction(() => document.querySelector('#outputs button[data-output="0"]')!.textContent === "On",
    undefined, { timeout: 10000 });
  t.is(await toggle.getAttribute("aria-pressed"), "true");
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
  t.is(await page.inputValue("#device-name"), name);
  t.is(await page.inputValue('#labels input[data-output="0"]'), "Heater");
  t.is(await page.textContent("#outputs li:first-child span"), "Heater");
  t.is(await toggle.textContent(), "On");
  t.is(await page.title(), name);
}
