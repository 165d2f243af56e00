// Runs apps on Espruino's Linux build: the interpreter whose path is in ESPRUINO_BIN (default heap) and,
// when set, ESPRUINO_BIN_1600 (the same build with `variables: 1600`, an ESP8266's heap).
import { ChildProcess, spawn, spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import * as net from "net";

/** The core as source text (what an app uploaded to RAM carries). */
export const BUNDLE = resolve(__dirname, "../../dist/picohttp.js");
/** A board module as Storage holds it: pretokenised, in dist/storage/ (scripts/lib/tokenise.mjs). */
const stored = (file: string) => resolve(__dirname, "../../dist/storage", file);

/**
 * The board build's Storage files, as scripts/lib/library.mjs lists them: the core, its reason phrase table,
 * and the feature modules it requires on first use.
 */
export const LIBRARY: { [name: string]: string } = {
  picohttp: stored("picohttp.js"),
  "picohttp.status": resolve(__dirname, "../../dist/picohttp.status"),
  "picohttp/static": stored("picohttp-static.js"),
  "picohttp/store": stored("picohttp-store.js"),
  "picohttp/router": stored("picohttp-router.js"),
  "picohttp/auth": stored("picohttp-auth.js"),
  "picohttp/cors": stored("picohttp-cors.js"),
  "picohttp/events": stored("picohttp-events.js"),
  "picohttp/upload": stored("picohttp-upload.js"),
};

export interface Interpreter {
  label: string;
  bin: string | undefined;
  /** Why tests on it are skipped, when they are. */
  skip: string;
}

export const interpreters: Interpreter[] = [
  { label: "default heap", bin: process.env.ESPRUINO_BIN,
    skip: "ESPRUINO_BIN is not set: the tests on Espruino's Linux build are skipped" },
  { label: "1600-variable heap", bin: process.env.ESPRUINO_BIN_1600,
    skip: "ESPRUINO_BIN_1600 is not set: the tests on a 1600-variable heap are skipped" },
];

/** Prints why interpreter tests are skipped, once per test file. */
export function noticeSkips(file: string): void {
  for (const interpreter of interpreters) {
    if (!interpreter.bin) console.log(`[${file}] ${interpreter.skip}`);
  }
}

/** The bundle as the espruino tool uploads it to RAM: a cached module ahead of the app. */
export function asUploadedModule(source = readFileSync(BUNDLE, "latin1")): string {
  return `Modules.addCached("picohttp", function () {\n${source}\n});\n`;
}

/**
 * Writes files into the interpreter's Storage (in `dir`'s espruino.flash) with the default-heap
 * interpreter, which has room for the largest of them. `files` maps Storage names to local paths.
 */
export function writeStorage(dir: string, files: { [name: string]: string }): void {
  const bin = process.env.ESPRUINO_BIN;
  if (!bin) throw new Error("ESPRUINO_BIN is not set");
  let script = "var S = require('Storage'), fs = require('fs');\n";
  for (const name in files) {
    script += `S.write(${JSON.stringify(name)}, fs.readFileSync(${JSON.stringify(resolve(files[name]))}));\n`;
  }
  script += "console.log('WRITTEN ' + S.list().length); quit();\n";
  writeFileSync(join(dir, "setup.js"), script);
  const result = spawnSync(bin, ["setup.js"], { cwd: dir, encoding: "latin1", timeout: 30000, stdio: ["ignore", "pipe", "pipe"] });
  if (result.stdout.indexOf("WRITTEN") < 0) throw new Error("writing Storage failed:\n" + result.stdout + result.stderr);
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "picohttp-espruino-"));
}

const pipeline = import("../../scripts/assets.mjs");

/**
 * A temp dir whose Storage holds the library, `site` (name -> content) prepared by the asset pipeline
 * under www/ (gzip, ETags, manifest) and `extra` (Storage name -> local file). Returns the dir and the
 * Storage name -> local file of everything written.
 */
export async function storageWithSite(site: { [name: string]: string | Buffer },
                                      extra: { [name: string]: string } = {}): Promise<{ dir: string; files: { [name: string]: string } }> {
  const { prepareAssets } = await pipeline;
  const dir = tempDir();
  const source = join(dir, "site");
  mkdirSync(source);
  for (const name in site) writeFileSync(join(source, name), site[name]);
  const prepared = prepareAssets(source, { base: "www", out: join(dir, "prepared") });
  const files: { [name: string]: string } = Object.assign({}, LIBRARY, extra);
  for (const f of prepared.files) files[f.name] = f.path;
  writeStorage(dir, files);
  return { dir, files };
}

/**
 * A running interpreter with an app. `evaluate` asks a small probe server added after the app (the
 * interpreter's console replays old lines under load, so it is not used for answers); the probe's
 * few variables are part of every measured baseline.
 */
export class Board {
  readonly process: ChildProcess;
  readonly probePort = 20000 + Math.floor(Math.random() * 10000);
  output = "";

  constructor(bin: string, dir: string, script: string) {
    // Evaluated in a top-level function with the socket as `this` and the line's text overwritten: a
    // function made by eval keeps its caller's scope, and in a closure that held the probe's socket
    // (see probeCode in scripts/lib/interpreter.mjs).
    const probe = `\n;function __probe(d) {
  this.__pl = d; d = 0;
  try { this.__pr = JSON.stringify({ v: eval(this.__pl) }); } catch (x) { this.__pr = JSON.stringify({ e: String(x) }); }
  this.__pl = ""; this.end(this.__pr);
}
require("net").createServer(function (s) { s.on("data", __probe); }).listen(${this.probePort});\n`;
    writeFileSync(join(dir, "app.js"), script + probe);
    this.process = spawn(bin, ["app.js"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    this.process.stdout!.setEncoding("latin1");
    this.process.stdout!.on("data", (chunk: string) => { this.output += chunk; });
    this.process.stderr!.on("data", (chunk: Buffer) => { this.output += chunk.toString("latin1"); });
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Evaluates an expression on the interpreter and resolves with its value (through JSON). */
  async evaluate(expression: string, timeout = 5000): Promise<any> {
    const deadline = Date.now() + timeout;
    for (;;) {
      if (!this.alive) throw new Error("the interpreter exited:\n" + this.output.slice(-3000));
      const answer = await new Promise<string | undefined>((resolve) => {
        const socket = net.connect(this.probePort, "127.0.0.1");
        let text = "";
        socket.setEncoding("latin1");
        socket.setTimeout(2000, () => socket.destroy());
        socket.on("connect", () => socket.write(expression));
        socket.on("data", (chunk: string) => { text += chunk; });
        socket.on("close", () => resolve(text || undefined));
        socket.on("error", () => resolve(undefined));
      });
      if (answer !== undefined) {
        const parsed = JSON.parse(answer);
        if (parsed.e) throw new Error(`${expression}: ${parsed.e}`);
        return parsed.v;
      }
      if (Date.now() > deadline) throw new Error("no answer to " + expression + ":\n" + this.output.slice(-2000));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** process.memory().usage, after a garbage collection. */
  memoryUsage(): Promise<number> {
    return this.evaluate("process.memory().usage");
  }

  /**
   * Memory at rest, given up to `timeout` ms to come down to `limit`: ended sockets are let go at a sweep,
   * which a busy machine may run late. A leak stays above the limit however long it is given.
   */
  async usageAtMost(limit: number, timeout = 5000): Promise<number> {
    const end = Date.now() + timeout;
    for (;;) {
      const usage = await this.memoryUsage();
      if (usage <= limit || Date.now() > end) return usage;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /**
   * Memory at rest after `round()` once, and after two more rounds (given time to come back down): a
   * round that leaves something behind shows as `after` above `first`.
   */
  async restAfterRounds(round: () => Promise<void>): Promise<{ first: number; after: number }> {
    const settle = () => new Promise((resolve) => setTimeout(resolve, 1300)); // ended sockets let go (see the hardening tests)
    await round();
    await settle();
    const first = await this.memoryUsage();
    await round();
    await round();
    await settle();
    return { first, after: await this.usageAtMost(first) };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.alive) return resolve();
      this.process.on("exit", () => resolve());
      this.process.kill("SIGKILL");
    });
  }
}
