// Runs apps on Espruino's Linux build: the interpreter whose path is in ESPRUINO_BIN (default heap) and,
// when set, ESPRUINO_BIN_1600 (the same build with `variables: 1600`, an ESP8266's heap).
import { ChildProcess, spawn, spawnSync } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";

export const BUNDLE = resolve(__dirname, "../../dist/picohttp.js");

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

/** A running interpreter with an app; `evaluate` runs code on its console and returns what it printed. */
export class Board {
  readonly process: ChildProcess;
  output = "";
  private marker = 0;

  constructor(bin: string, dir: string, script: string) {
    writeFileSync(join(dir, "app.js"), script);
    this.process = spawn(bin, ["app.js"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    this.process.stdout!.setEncoding("latin1");
    this.process.stdout!.on("data", (chunk: string) => { this.output += chunk; });
    this.process.stderr!.on("data", (chunk: Buffer) => { this.output += chunk.toString("latin1"); });
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /**
   * Evaluates an expression on the interpreter's console and resolves with its JSON value. A line sent
   * while the app is still loading can be lost, so it is sent again until an answer comes.
   */
  async evaluate(expression: string, timeout = 5000): Promise<any> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const tag = "@@" + ++this.marker + "@@";
      const start = this.output.length;
      this.process.stdin!.write(`\x10print("${tag}"+JSON.stringify(${expression})+"${tag}")\n`);
      const resend = Date.now() + 1000;
      while (Date.now() < resend) {
        const text = this.output.substring(start);
        const at = text.indexOf(tag);
        const end = at < 0 ? -1 : text.indexOf(tag, at + tag.length);
        if (end >= 0) {
          const json = text.substring(at + tag.length, end);
          return json === "undefined" ? undefined : JSON.parse(json);
        }
        if (!this.alive) throw new Error("the interpreter exited:\n" + this.output.slice(-3000));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      if (Date.now() > deadline) throw new Error("no answer to " + expression + ":\n" + this.output.slice(-2000));
    }
  }

  /** process.memory().usage, after a garbage collection. */
  memoryUsage(): Promise<number> {
    return this.evaluate("process.memory().usage");
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.alive) return resolve();
      this.process.on("exit", () => resolve());
      this.process.kill("SIGKILL");
    });
  }
}
