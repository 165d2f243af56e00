// Espruino's Linux build, as the scripts run it: an app in a temporary directory of its own (where its
// Storage lives, in ./espruino.flash), expressions evaluated over a small probe server the app starts
// first, memory figures, CPU time, pause and resume, and a stop that always kills. Every interpreter and
// temporary directory made here is killed and removed when the process exits, however it exits.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, sleep } from "./net.mjs";
import "./env.mjs";

// ---------------------------------------------------------------------------------------------------
// Clean-up: child processes and temporary directories, whatever happens.

const children = new Set();
const tempDirs = new Set();
let keepTemp = false;
let cleanupInstalled = false;

function installCleanup() {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", cleanup);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping`);
      cleanup();
      process.exit(130);
    });
  }
}

/** Kills every interpreter still running and removes the temporary directories (unless kept). */
export function cleanup() {
  killAll();
  if (keepTemp) return;
  for (const dir of tempDirs) removeDir(dir);
}

/** Kills every child process started here (SIGKILL). */
export function killAll() {
  for (const child of children) {
    try { child.kill("SIGKILL"); } catch { /* already gone */ }
  }
}

/** Keep temporary directories after the run (to look at what was written); returns the list. */
export function keepTempDirs(keep = true) {
  keepTemp = keep;
  return [...tempDirs];
}

/** A fresh temporary directory, removed when it is no longer used (or at exit). */
export function tempDir(prefix = "run") {
  installCleanup();
  const dir = mkdtempSync(join(tmpdir(), "picohttp-" + prefix + "-"));
  tempDirs.add(dir);
  return dir;
}

/** Removes a temporary directory made by tempDir now (unless directories are kept). */
export function removeDir(dir) {
  if (keepTemp || !tempDirs.has(dir)) return;
  try { rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ }
  tempDirs.delete(dir);
}

/** Tracks a child process: it is killed at exit if still running. */
export function track(child) {
  installCleanup();
  children.add(child);
  child.on("exit", () => children.delete(child));
  child.on("error", () => children.delete(child));
  return child;
}

export function alive(child) {
  return child.exitCode === null && child.signalCode === null;
}

/** Kills a child and resolves once it has exited (so that it leaves no zombie), within `timeout` ms. */
export function stopChild(child, timeout = 5000) {
  return new Promise((done) => {
    if (!alive(child)) return done();
    const timer = setTimeout(done, timeout);
    child.once("exit", () => { clearTimeout(timer); done(); });
    try { child.kill("SIGKILL"); } catch { clearTimeout(timer); done(); }
  });
}

// ---------------------------------------------------------------------------------------------------
// One-shot scripts.

/**
 * Runs `script` to completion with `bin` in `dir` (where Storage lives), as `file`: resolves with
 * `{ output, status, signal, timedOut }`. The script should end with quit(); it is killed after `timeout` ms.
 */
export function runScript(bin, dir, script, { file = "run.js", timeout = 30000 } = {}) {
  writeFileSync(join(dir, file), script, "latin1"); // a byte a character: a pretokenised module holds bytes from 0x80 up
  const result = spawnSync(bin, [file], { cwd: dir, encoding: "latin1", timeout, killSignal: "SIGKILL",
    stdio: ["ignore", "pipe", "pipe"] });
  return { output: (result.stdout || "") + (result.stderr || ""), status: result.status, signal: result.signal,
    timedOut: !!(result.error && result.error.code === "ETIMEDOUT") };
}

const infos = new Map();

/** The interpreter's version (process.version) and heap size (process.memory().total): { version, total }. */
export function espruinoInfo(bin) {
  if (!infos.has(bin)) {
    const dir = tempDir("info");
    const result = runScript(bin, dir, "print('V='+process.version+' T='+process.memory().total);quit();\n", { timeout: 10000 });
    removeDir(dir);
    const match = /V=(\S+) T=(\d+)/.exec(result.output);
    infos.set(bin, match ? { version: match[1], total: Number(match[2]) } : { version: "unknown", total: null });
  }
  return infos.get(bin);
}

/** The interpreter's version (process.version), or "unknown". */
export function espruinoVersion(bin) {
  return espruinoInfo(bin).version;
}

// ---------------------------------------------------------------------------------------------------
// Reading what an interpreter said.

export function oneLine(text, max = 300) {
  return String(text).replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\s+/g, " ").trim().slice(0, max);
}

/** The console without escape sequences and empty prompts. */
export function clean(output) {
  return output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\n>(?=\n|$)/g, "");
}

/** What went wrong on the interpreter's console, as lines (assertions, out of memory, uncaught errors). */
export function trouble(output) {
  const lines = output.split(/\r?\n/).map((l) => l.replace(/\x1b\[[0-9;]*[A-Za-z]|>\[J|^>/g, "").trim())
    .filter((l) => /ASSERT|assert|OUT OF MEMORY|LOW_MEMORY|FIFO_FULL|Uncaught|error|Error|HALT|Segmentation|Interrupted|EXITING/.test(l));
  return [...new Set(lines)].slice(0, 6);
}

/** What an interpreter prints when something went wrong: for waitFor's `failOn`. */
export const PROBLEM = /OUT OF MEMORY|LOW_MEMORY|Out of Memory|Execution Interrupted|Uncaught [^\r\n]*|ASSERT[^\r\n]*/;

/** Whether the interpreter ran out of memory, by what it printed. */
export function outOfMemory(output) {
  return /OUT OF MEMORY|LOW_MEMORY|Out of Memory|New interpreter error: [A-Z_,]*MEMORY/.test(output);
}

// ---------------------------------------------------------------------------------------------------
// CPU time.

let ticks;

/** Clock ticks per second (getconf CLK_TCK), for cpuTicks. */
export function clockTicks() {
  if (ticks === undefined) {
    const result = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8", timeout: 5000 });
    const n = parseInt(result.stdout, 10);
    ticks = n > 0 ? n : 100;
  }
  return ticks;
}

/** CPU time a process has used, in clock ticks (utime + stime from /proc/<pid>/stat). */
export function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of the whole line
}

// ---------------------------------------------------------------------------------------------------
// A running interpreter.

/**
 * The probe: a server that evaluates each line it is sent and answers `{"v": value}` or `{"e": error}`,
 * then closes. It comes before the app, so that what it costs is in every baseline. (The interpreter's
 * console is not used for answers: the Linux build's console replays and garbles lines under load.)
 * Espruino's `eval` runs in its caller's scope, and a function made by it keeps that scope: so the line is
 * evaluated in a top-level function whose only local is the spent chunk, with the socket as `this`, and a
 * handler made through the probe holds nothing of the probe (in a closure it held the probe's socket and
 * the line's text, about 57 variables).
 */
export function probeCode(port) {
  return `function __probe(__pd) {
  this.__pb = (this.__pb || "") + __pd; __pd = 0; if (this.__pb.charCodeAt(this.__pb.length - 1) !== 10) return;
  try { this.__pr = JSON.stringify({ v: eval(this.__pb) }); } catch (__pe) { this.__pr = JSON.stringify({ e: String(__pe) }); }
  this.__pb = ""; this.end(this.__pr);
}
require("net").createServer(function (__ps) { __ps.on("data", __probe); }).listen(${port});
`;
}

/** An error from an interpreter, with `reason`: "exited", "unanswered", "garbled", "threw" or "timeout". */
export class InterpreterError extends Error {
  constructor(message, reason) {
    super(message);
    this.reason = reason;
  }
}

const OUTPUT_KEPT = 1 << 20;

export class Interpreter {
  /**
   * Starts `bin` on `app` (written to `dir`/app.js; `dir` is a fresh temporary directory unless given),
   * with the probe on `probePort` ahead of it unless `probePort` is null. Use `Interpreter.start`, which
   * waits until it runs.
   */
  constructor(bin, { app = "", dir, label = "espruino", probePort = null, file = "app.js" } = {}) {
    this.bin = bin;
    this.label = label;
    this.dir = dir || tempDir("interpreter");
    this.probePort = probePort;
    this.output = "";
    this.dropped = 0; // characters of output no longer kept
    writeFileSync(join(this.dir, file), (probePort ? probeCode(probePort) : "") + app);
    this.process = track(spawn(bin, [file], { cwd: this.dir, stdio: ["pipe", "pipe", "pipe"] }));
    this.process.stdout.setEncoding("latin1");
    this.process.stdout.on("data", (chunk) => this.received(chunk));
    this.process.stderr.on("data", (chunk) => this.received(chunk.toString("latin1")));
    this.process.stdin.on("error", () => { /* the interpreter exited */ });
    this.process.on("error", (error) => this.received("\n[spawn failed: " + error.message + "]\n"));
  }

  /**
   * Starts an interpreter and resolves once it runs: its probe answers (`probe`, the default), and
   * `ready` (a text) has appeared in its output, if given; rejects (having stopped it) after `timeout` ms.
   */
  static async start(bin, { app = "", dir, label, probe = true, ready, timeout = 20000, avoidPorts = [], failOn } = {}) {
    const probePort = probe ? await freePort(avoidPorts) : null;
    const board = new Interpreter(bin, { app, dir, label, probePort });
    try {
      if (ready) await board.waitFor(ready, { timeout, failOn });
      if (probe) await board.evaluate("1", { timeout });
    } catch (error) {
      await board.stop();
      throw error;
    }
    return board;
  }

  received(text) {
    this.output += text;
    if (this.output.length > 2 * OUTPUT_KEPT) {
      const cut = this.output.length - OUTPUT_KEPT;
      this.output = this.output.slice(cut);
      this.dropped += cut;
    }
  }

  get alive() {
    return alive(this.process);
  }

  get pid() {
    return this.process.pid;
  }

  /** How it ended, when it has: "exit code 1", "signal SIGSEGV". */
  get ending() {
    if (this.alive) return "running";
    return this.process.exitCode !== null ? "exit code " + this.process.exitCode : "signal " + this.process.signalCode;
  }

  /** A position in the output, for `since` and `waitFor`. */
  mark() {
    return this.dropped + this.output.length;
  }

  /** The output after `mark` (as much as is kept). */
  since(mark) {
    return this.output.slice(Math.max(0, mark - this.dropped));
  }

  tail(n = Number(process.env.BENCH_TAIL) || 1500) {
    return clean(this.output.slice(-n));
  }

  /**
   * Resolves with the output from `text` on, once it has appeared after `from`; rejects on exit, after
   * `timeout`, or as soon as the output matches `failOn` (a RegExp: an error the interpreter printed).
   */
  async waitFor(text, { timeout = 10000, from = 0, failOn } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const seen = this.since(from);
      const at = seen.indexOf(text);
      if (at >= 0) return seen.slice(at);
      const failure = failOn && failOn.exec(seen);
      if (failure) throw new InterpreterError(`${this.label}: ${oneLine(failure[0])} (before '${text}'):\n${this.tail()}`, "failed");
      if (!this.alive) throw new InterpreterError(`${this.label}: the interpreter exited (${this.ending}) before '${text}':\n${this.tail()}`, "exited");
      if (Date.now() > deadline) throw new InterpreterError(`${this.label}: no '${text}' within ${timeout} ms:\n${this.tail()}`, "timeout");
      await sleep(20);
    }
  }

  /** One exchange with the probe: its answer's text, or undefined when it gave none in `timeout` ms. */
  probeOnce(expression, timeout) {
    return new Promise((done) => {
      const socket = net.connect(this.probePort, "127.0.0.1");
      let text = "";
      let finished = false;
      const finish = (value) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        socket.destroy();
        done(value);
      };
      const timer = setTimeout(() => finish(undefined), timeout);
      socket.setEncoding("latin1");
      socket.on("connect", () => socket.write(expression.replace(/\n/g, " ") + "\n", "latin1"));
      socket.on("data", (chunk) => { text += chunk; });
      socket.on("close", () => finish(text || undefined));
      socket.on("error", () => finish(undefined));
    });
  }

  /**
   * Evaluates `expression` (one line, or lines joined) on the interpreter and resolves with its value,
   * through JSON. Asks again while there is no answer, until `timeout` ms have passed; rejects with an
   * InterpreterError when the interpreter exited, gave no answer, garbled it, or the expression threw.
   * An expression with side effects can run twice when an answer is lost: make such expressions idempotent.
   */
  async evaluate(expression, { timeout = 10000 } = {}) {
    if (!this.probePort) throw new Error(this.label + ": started without a probe");
    const deadline = Date.now() + timeout;
    let garbled;
    for (;;) {
      if (!this.alive) throw new InterpreterError(`${this.label}: the interpreter exited (${this.ending}):\n${this.tail()}`, "exited");
      const answer = await this.probeOnce(expression, Math.max(500, Math.min(3000, deadline - Date.now())));
      if (answer !== undefined) {
        let parsed;
        try {
          parsed = JSON.parse(answer);
        } catch {
          garbled = answer;
        }
        if (parsed) {
          if (parsed.e !== undefined) throw new InterpreterError(`${this.label}: ${expression}: ${parsed.e}`, "threw");
          return parsed.v;
        }
      }
      if (Date.now() > deadline) {
        if (garbled !== undefined) {
          throw new InterpreterError(`${this.label}: cannot read the answer to ${expression}: ${JSON.stringify(garbled.slice(0, 200))}`, "garbled");
        }
        throw new InterpreterError(`${this.label}: no answer to ${expression} within ${timeout} ms:\n${this.tail()}`, "unanswered");
      }
      await sleep(50);
    }
  }

  /** Like evaluate, but undefined instead of an error. */
  async ask(expression, timeout = 5000) {
    try {
      return await this.evaluate(expression, { timeout });
    } catch {
      return undefined;
    }
  }

  /** Variables in use after a garbage collection (process.memory().usage). */
  usage(timeout) {
    return this.evaluate("process.memory().usage", { timeout });
  }

  /** CPU time used so far, in clock ticks. */
  cpuTicks() {
    return cpuTicks(this.pid);
  }

  /** Holds the process (SIGSTOP): an interpreter with a server open never sleeps, and would take a core. */
  pause() {
    if (this.alive) this.process.kill("SIGSTOP");
  }

  resume() {
    if (this.alive) this.process.kill("SIGCONT");
  }

  /** Kills the interpreter, waits for it to exit, and removes its directory if it is a temporary one. */
  async stop() {
    await stopChild(this.process);
    removeDir(this.dir);
  }
}
