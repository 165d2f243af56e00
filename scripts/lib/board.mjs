// The board at the other end of a port: its board file (boards/*.json), and what the interpreter says of
// itself (board name, version, heap size), asked with the espruino tool before anything is written.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { ROOT } from "./library.mjs";

/** The espruino command-line tool, from this package's dependencies. */
export const ESPRUINO_CLI = createRequire(join(ROOT, "package.json")).resolve("espruino/bin/espruino-cli.js");

/** The serial speed of ESP32 and ESP8266 consoles; the espruino tool's own default (9600) gets no answer. */
export const DEFAULT_BAUD = 115200;

/** At or below this many variables, an app runs from Storage: its code in RAM would take a third of the heap. */
export const SMALL_HEAP = 2000;

/** The board file: a name from boards/, or a path. */
export function loadBoard(board) {
  const file = board.endsWith(".json") ? resolve(board) : join(ROOT, "boards", board + ".json");
  if (!existsSync(file)) throw new Error(`no board file ${file} (boards/ has esp32, esp8266, linux, linux-1600)`);
  const json = JSON.parse(readFileSync(file, "utf8"));
  if (!json.info || !(json.info.builtin_modules instanceof Array)) throw new Error(file + ": info.builtin_modules is missing");
  return { file, json, picohttp: json.picohttp || {} };
}

/** The board file for what an interpreter reported (`process.env.BOARD` and its heap), or undefined. */
export function boardFor(probe) {
  const id = String(probe.board || "");
  if (id === "ESP32") return "esp32";
  if (id.startsWith("ESP8266")) return "esp8266";
  if (id === "LINUX") return probe.total <= SMALL_HEAP ? "linux-1600" : "linux";
  return undefined;
}

const MARK = "@@picohttp@@";
// The marker is put together on the board: an echo of the command line does not contain it.
const SPLIT = `"${MARK.substring(0, 6)}"+"${MARK.substring(6)}"`;
const ABOUT = "{board:process.env.BOARD,version:process.env.VERSION,total:process.memory().total,free:process.memory().free}";

/**
 * Asks the interpreter on `port` about itself: { board, version, total, free }. `reset`: after a reset
 * (what the upload does anyway), so that a running app, even one that ran the heap out, is not in the way
 * and `free` is what an app will have. Throws with what to check when no answer comes in `timeout` ms.
 */
export function probeBoard(port, options = {}) {
  return evaluate(port, ABOUT, options);
}

/**
 * Evaluates `expression` on the interpreter on `port` and resolves with its value, sent back as JSON.
 * Without `reset` it runs beside whatever runs there (the tool's -e, which stays connected as a terminal:
 * it is stopped once the answer is in); with it, it is uploaded as a file, which the tool sends after a reset.
 */
export function evaluate(port, expression, { baud = DEFAULT_BAUD, timeout = 20000, cwd = process.cwd(), reset = false } = {}) {
  const command = `print(${SPLIT}+JSON.stringify((${expression}))+${SPLIT})`;
  const args = [ESPRUINO_CLI, "--no-ble", "--config", "MODULE_URL=", "-p", port, "-b", String(baud)];
  let scratch;
  if (reset) {
    scratch = mkdtempSync(join(tmpdir(), "picohttp-ask-"));
    writeFileSync(join(scratch, "ask.js"), command + ";\n");
    args.push(join(scratch, "ask.js"));
  } else {
    args.push("-e", command);
  }
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let settled = false;
    const finish = (error, result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      if (error) fail(error);
      else done(result);
    };
    const timer = setTimeout(() => finish(new Error(`no answer from ${port} in ${timeout / 1000} s: check the port, ` +
      `that nothing else has it open (a terminal, the Web IDE), and the baud rate (--baud; ${DEFAULT_BAUD} for ESP32 ` +
      `and ESP8266)${/Unable to connect|Error/.test(output) ? ". The tool said: " + lastLines(output) : ""}`)), timeout);
    const read = (chunk) => {
      output += chunk.toString("latin1");
      const at = output.indexOf(MARK);
      const end = at < 0 ? -1 : output.indexOf(MARK, at + MARK.length);
      if (end > 0) {
        try {
          finish(undefined, JSON.parse(output.substring(at + MARK.length, end)));
        } catch (error) {
          finish(new Error("an answer from " + port + " that is not the interpreter's: " + output.substring(at, end)));
        }
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("error", (error) => finish(error));
    child.on("close", () => finish(new Error(`the espruino tool stopped before ${port} answered: ${lastLines(output)}`)));
  });
}

const lastLines = (text) => text.trim().split("\n").slice(-3).join(" / ");
