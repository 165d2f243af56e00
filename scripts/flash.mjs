#!/usr/bin/env node
// Puts an app on a board: picohttp into Storage as the module "picohttp" (so its code runs from flash),
// the app's web assets into Storage, the board's limits as "picohttp.json", then the app itself, run at
// once or stored as .bootcde to run from flash (now and at boot). It first asks the board what it is: the
// board file and, on a small heap, Storage rather than RAM for the app follow from the answer. On WiFi
// boards the app starts once connected, and a connection that does not come up in time is reported.
//
//   picohttp flash --port /dev/ttyUSB0|tcp://host:port [--board esp32|esp8266|linux|linux-1600|x.json]
//                  [--baud 115200] [--save|--ram] [--http-port 80] [--wifi-timeout 30] [--dry-run] [--verbose] APP
//   (in this repository: npm run flash -- ...)
//
// An app is a folder with app.ts, app.js, src/app.ts or src/app.js, and optionally www/ (served by
// staticResource with staticBase "www": each file becomes Storage file "www/<path>"), or a single .js or
// .ts file. TypeScript and modules are bundled to one ES5 script first (scripts/lib/app.mjs).
// WiFi credentials: .wifi.json ({"ssid": ..., "password": ...}, untracked) in the app folder or the
// current one, or the environment variables WIFI_SSID and WIFI_PASSWORD. Never in the repository.
import { prepareAssets } from "./assets.mjs";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSource } from "./check-bundle.mjs";
import { readArguments, UsageError, integer } from "./lib/args.mjs";
import { loadApp } from "./lib/app.mjs";
import { DEFAULT_BAUD, ESPRUINO_CLI, SMALL_HEAP, boardFor, evaluate, loadBoard, probeBoard } from "./lib/board.mjs";
import { CORE as BUNDLE, CORE_FILES, FEATURES, asSourceText, featuresFor, readsPretokenised } from "./lib/library.mjs";

// The feature modules and which of them an app needs: one list, in scripts/lib/library.mjs. The asset
// pipeline's prepareAssets is scripts/assets.mjs's; apps and boards are read by scripts/lib/.
export { FEATURES, featuresFor, prepareAssets, loadApp, loadBoard };
const MAX_NAME = 28;

const USAGE = "usage: picohttp flash --port PORT [--board NAME|FILE.json] [--baud N] [--save|--ram] " +
  "[--http-port N] [--wifi-timeout SECONDS] [--dry-run] [--verbose] APP";

/** A mistake on the command line: the message and the usage, exit status 2. */
function usage(message) {
  if (message) console.error("flash: " + message);
  console.error(USAGE);
  process.exit(2);
}

/** --help: the usage and what the options mean, on stdout. */
function help() {
  console.log(USAGE + `

  --port, -p       a serial device (/dev/ttyUSB0, COM3) or tcp://host:port (not needed with --dry-run)
  --board, -b      esp32, esp8266, linux, linux-1600 (boards/<name>.json) or a board file; by default the
                   one for what the board reports (process.env.BOARD and its heap)
  --baud N         serial speed (default: the board file's, ${DEFAULT_BAUD})
  --save           the app to Storage (.bootcde): it runs from flash, now and at every boot. The default
                   on a board with ${SMALL_HEAP} variables or fewer, where the app's code in RAM would not fit
  --ram            the app to RAM, whatever the board's size (gone at the next reset)
  --http-port N    the port the app's server listens on (written to picohttp.json)
  --wifi-timeout S seconds to wait for WiFi before reporting it (default 30)
  --dry-run, -n    write the upload to upload.js in the work folder instead of sending it (needs --board)
  --verbose, -v    show the espruino tool's whole exchange

APP is a folder with app.ts, app.js, src/app.ts or src/app.js (and optionally www/, served by
staticResource), or a single .js or .ts file; TypeScript and modules are bundled to ES5 with the project's
rollup and @rollup/plugin-typescript. picohttp goes to Storage as "picohttp", with the feature modules
the app uses (${Object.keys(FEATURES).join(", ")}). WiFi credentials come from WIFI_SSID/WIFI_PASSWORD or an
untracked .wifi.json. On Linux, a serial port needs the dialout group (sudo usermod -aG dialout $USER).`);
  process.exit(0);
}

const OPTIONS = {
  board: { type: "string", short: "b" },
  port: { type: "string", short: "p" },
  baud: { type: "string" },
  save: { type: "boolean" },
  ram: { type: "boolean" },
  "dry-run": { type: "boolean", short: "n" },
  verbose: { type: "boolean", short: "v" },
  "http-port": { type: "string" },
  "wifi-timeout": { type: "string" },
  help: { type: "boolean", short: "h" },
};

export function parseArguments(argv) {
  let parsed;
  try {
    parsed = readArguments(argv, OPTIONS, { positionals: Infinity });
    const { values, positionals } = parsed;
    if (values.help) help();
    if (positionals.length > 1) usage("one app at a time (" + positionals.join(", ") + ")");
    const options = { save: !!values.save, ram: !!values.ram, dryRun: !!values["dry-run"], verbose: !!values.verbose, wifiTimeout: 30 };
    if (values.board !== undefined) options.board = values.board;
    if (values.port !== undefined) options.port = values.port;
    if (values.baud !== undefined) options.baud = integer("--baud", values.baud);
    if (values["http-port"] !== undefined) options.httpPort = Number(values["http-port"]);
    if (values["wifi-timeout"] !== undefined) options.wifiTimeout = Number(values["wifi-timeout"]);
    if (positionals.length) options.app = positionals[0];
    if (!options.app) usage("which app? e.g. examples/control, or . for the project's src/app.ts");
    if (options.save && options.ram) usage("--save or --ram, not both");
    if (!options.port && !options.dryRun) usage("--port is missing (a serial device or tcp://host:port)");
    if (!options.board && options.dryRun) usage("--dry-run needs --board (there is no board to ask)");
    if (options.httpPort !== undefined && !(options.httpPort > 0 && options.httpPort < 65536)) usage("bad --http-port");
    if (!(options.wifiTimeout > 0)) usage("bad --wifi-timeout");
    return options;
  } catch (error) {
    if (error instanceof UsageError) usage(error.message);
    throw error;
  }
}

/**
 * The modules `code` requires by name that the board will not have: neither built into its firmware (the
 * board file's list) nor in Storage. Names built at run time (`require(name)`) are not looked at.
 */
export function missingModules(code, board, storage) {
  const builtin = board.json.info.builtin_modules;
  const missing = [];
  const pattern = /\brequire\(\s*(["'])([^"'\\]+)\1\s*\)/g;
  for (let match = pattern.exec(code); match; match = pattern.exec(code)) {
    const name = match[2];
    if (!builtin.includes(name) && !(name in storage) && !missing.includes(name)) missing.push(name);
  }
  return missing;
}

/** Where generated files go: the project's node_modules/.cache (ignored with node_modules), else a temporary folder. */
function workFolder(project, id) {
  const modules = join(project, "node_modules");
  return join(existsSync(modules) ? join(modules, ".cache") : tmpdir(), "picohttp", "flash", id);
}

/**
 * WiFi credentials from the environment or an untracked .wifi.json, or undefined. A dot-name, because
 * staticResource never serves one: a plain wifi.json beside a site would be published with it.
 */
export function wifiCredentials(appDir, project = process.cwd()) {
  if (process.env.WIFI_SSID) return { ssid: process.env.WIFI_SSID, password: process.env.WIFI_PASSWORD || "" };
  for (const dir of [appDir, project]) {
    if (existsSync(join(dir, "wifi.json"))) {
      throw new Error(`${join(dir, "wifi.json")}: rename it to .wifi.json (a server run from that folder could serve wifi.json)`);
    }
  }
  for (const file of [join(appDir, ".wifi.json"), join(project, ".wifi.json")]) {
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, "utf8"));
      if (!json.ssid) throw new Error(file + " has no \"ssid\"");
      return { ssid: String(json.ssid), password: String(json.password || "") };
    }
  }
  return undefined;
}

/** The app, made smaller for the board (identifiers and comments cost memory there), and checked. */
async function prepareCode(code, file) {
  const problems = checkSource(code, { app: true });
  if (problems.length) {
    throw new Error(problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message}`).join("\n") +
      "\nthis would fail on Espruino");
  }
  const { minify } = await import("terser");
  // Short lines: an Error made in code from Storage copies its source line, up to the error's column, for
  // the stack trace (see the note in rollup.config.mjs).
  const result = await minify(code, { ecma: 5, compress: false, mangle: true, format: { ascii_only: true, max_line_len: 160 } });
  return result.code;
}

/**
 * The code sent for WiFi boards: connect with a timeout, then run the app. `connect` retries forever on
 * its own, so a connection that is not up in time is reported and dropped.
 */
export function withWifi(appCode, wifi, timeoutSeconds) {
  return `function __app(){${appCode}\n}
(function(){var W=require("Wifi"),done=0;
var t=setTimeout(function(){if(done)return;done=1;try{W.disconnect();}catch(e){}
console.log("WiFi: no connection to "+${JSON.stringify(JSON.stringify(wifi.ssid))}+" after ${timeoutSeconds} s: check the name and password (.wifi.json or WIFI_SSID/WIFI_PASSWORD) and the signal");},${timeoutSeconds * 1000});
console.log("WiFi: connecting to "+${JSON.stringify(JSON.stringify(wifi.ssid))}+"...");
W.connect(${JSON.stringify(wifi.ssid)},{password:${JSON.stringify(wifi.password)}},function(err){if(done)return;done=1;clearTimeout(t);
if(err){console.log("WiFi: connection failed: "+err);return;}
W.getIP(function(e,ip){console.log("WiFi: connected, address "+(ip&&ip.ip));});__app();});})();
`;
}

function run(command, args, options, cwd) {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const show = (chunk) => {
      const text = chunk.toString("latin1");
      output += text;
      if (options.verbose) process.stdout.write(text);
      else {
        // The board's own output ("--] ..."), without the tool's banner noise.
        for (const line of text.split("\n")) {
          if (line.startsWith("--] ") && line.trim() !== "--] >" && line.trim() !== "--]") process.stdout.write(line.substring(4) + "\n");
        }
      }
    };
    child.stdout.on("data", show);
    child.stderr.on("data", (chunk) => {
      output += chunk;
      // picohttp is not fetched by the tool on purpose: it is in Storage, where require() finds it.
      const text = options.verbose ? String(chunk) : String(chunk).replace(/^Module picohttp(\/\w+)? not found\r?\n/gm, "");
      if (text) process.stderr.write(text);
    });
    child.on("close", (code) => resolveRun({ code, output }));
  });
}

/** Runs `picohttp flash` with `argv`: resolves when done, exits the process on a failure. */
export async function main(argv) {
  const options = parseArguments(argv);
  const project = process.cwd();
  const here = (file) => relative(project, file) || ".";
  if (!existsSync(BUNDLE)) throw new Error(BUNDLE + " is missing: run npm run build (npm run flash does)");

  // The board first: what it says it is decides the board file (unless given) and where the app goes.
  let probe;
  if (!options.dryRun) {
    const baud = options.baud || (options.board && loadBoard(options.board).picohttp.baud) || DEFAULT_BAUD;
    if (!/^tcp:\/\//.test(options.port)) console.log(`flash: ${options.port} at ${baud} baud`);
    probe = await probeBoard(options.port, { baud, reset: true });
    console.log(`flash: ${options.port}: ${probe.board}, Espruino ${probe.version}, ${probe.total} variables (${probe.free} free)`);
  }
  const boardName = options.board || boardFor(probe);
  if (!boardName) throw new Error(`no board file for ${probe.board}: pass --board with one (boards/*.json shows the shape)`);
  const board = loadBoard(boardName);
  if (!options.board) console.log(`flash: board file ${here(board.file)} (--board to choose another)`);
  else if (probe && board.json.info.id && board.json.info.id !== probe.board) {
    console.log(`flash: warning: ${here(board.file)} is for ${board.json.info.id}, the board says it is ${probe.board}`);
  }
  const baud = options.baud || board.picohttp.baud || DEFAULT_BAUD;
  const variables = probe ? probe.total : board.picohttp.variables;
  const save = options.save || (!options.ram && typeof variables === "number" && variables <= SMALL_HEAP);
  if (save && !options.save) {
    console.log(`flash: ${variables} variables: the app goes to Storage (.bootcde) and runs from flash, now and at ` +
      "every boot (its code in RAM would not leave enough memory; --ram to send it there anyway)");
  }

  const work = workFolder(project, board.json.info.id + (variables ? "-" + variables : ""));
  const app = await loadApp(options.app, join(work, "www"));
  if (app.bundled) console.log(`flash: ${here(app.main)} bundled to one ES5 script`);

  // Generated files go to the work folder, named relative to the project (the espruino tool splits
  // --storage at ":", so no absolute Windows paths).
  mkdirSync(work, { recursive: true });
  const config = Object.assign({}, board.picohttp.options || {});
  if (options.httpPort) config.port = options.httpPort;
  const configFile = join(work, "picohttp.json");
  writeFileSync(configFile, JSON.stringify(config));

  let code = await prepareCode(app.code, here(app.main));
  let wifi;
  if (board.picohttp.wifi !== false) {
    wifi = wifiCredentials(app.dir, project);
    if (!wifi) {
      throw new Error("no WiFi credentials: put {\"ssid\": \"...\", \"password\": \"...\"} in .wifi.json (keep it out of git) " +
        "or set WIFI_SSID and WIFI_PASSWORD");
    }
    code = withWifi(code, wifi, options.wifiTimeout);
  }
  const codeFile = join(work, "app.js");
  writeFileSync(codeFile, code);

  let storage = { ...CORE_FILES, "picohttp.json": configFile };
  Object.assign(storage, featuresFor(app.code, Object.keys(app.assets).length > 0), app.assets);
  if (probe && !readsPretokenised(probe.version)) {
    console.log(`flash: Espruino ${probe.version} reads no pretokenised code (2v26 and later do): picohttp goes to Storage as source text`);
    storage = asSourceText(storage);
  }
  const missing = missingModules(app.code, board, storage);
  if (missing.length) {
    throw new Error(`${here(app.main)} requires ${missing.join(", ")}, which ${missing.length > 1 ? "are" : "is"} not on the board ` +
      `(${board.json.info.name} has ${board.json.info.builtin_modules.join(", ")}, and picohttp's modules in Storage): ` +
      "import your own code by a relative path, so that it is bundled, or leave it out");
  }
  const args = [ESPRUINO_CLI, "--board", here(board.file), "--no-ble", "-b", String(baud),
    // Offline: no module downloads. picohttp is in Storage, where require() finds it.
    "--config", "MODULE_URL="];
  if (options.port) args.push("-p", options.port);
  for (const name in storage) args.push("--storage", name + ":" + here(storage[name]));
  if (save) args.push("--storage", ".bootcde:-");
  if (options.verbose) args.push("--verbose");
  if (wifi) args.push("--sleep", String(options.wifiTimeout + 2)); // to show how the connection went
  if (options.dryRun) args.push("-n", "-o", here(join(work, "upload.js")));
  args.push(here(codeFile));

  let bytes = 0;
  console.log(`flash: ${board.json.info.name} on ${options.port || "(dry run)"}: Storage files:`);
  for (const name in storage) {
    const size = statSync(storage[name]).size;
    bytes += size;
    console.log(`  ${name.padEnd(MAX_NAME)} ${String(size).padStart(7)} bytes`);
  }
  console.log(`  app: ${Buffer.byteLength(code)} bytes ${save ? "to .bootcde (runs from flash, and at boot)" : "to RAM"}` +
    (wifi ? `, started once WiFi "${wifi.ssid}" is connected` : ""));
  const result = await run(process.execPath, args, options, project);
  const logFile = join(work, "flash.log");
  writeFileSync(logFile, result.output);
  const problem = /Unable to connect|RECEIVE ERROR[^\n]*|Uncaught [^\n]*|OUT OF MEMORY|Out of Memory|Disconnected\./.exec(result.output);
  if (result.code !== 0 || problem) {
    const memory = problem && /memory/i.test(problem[0]);
    console.error(`flash: failed${problem ? ": " + problem[0] : ""} (the whole exchange is in ${here(logFile)})`);
    if (memory) {
      console.error(`flash: the app does not fit in this board's ${variables || "?"} variables` +
        (save ? ": make it smaller (fewer or smaller functions and strings; web files belong in www/)" : ": try --save (code in flash, not RAM)"));
      if (save && !options.dryRun) {
        // Left in .bootcde it would run the board out of memory again at every boot.
        const erased = await evaluate(options.port, 'require("Storage").erase(".bootcde"),1', { baud, reset: true })
          .catch((error) => error);
        console.error(erased === 1 ? "flash: removed it from .bootcde, so that the board boots without it" :
          `flash: it is still in .bootcde and runs at every boot (${erased && erased.message || erased}): ` +
          'require("Storage").erase(".bootcde") on the board removes it');
      }
    }
    process.exit(1);
  }
  if (options.dryRun) {
    console.log("flash: dry run: the upload is in " + here(join(work, "upload.js")));
    return;
  }
  // The app is running: what it leaves free is what requests have.
  const after = await probeBoard(options.port, { baud }).catch((error) => ({ error }));
  if (after.error) console.log("flash: could not ask the board how it is doing after the upload: " + after.error.message);
  else {
    const keep = config.minFreeMemory || 0;
    console.log(`flash: done (${bytes} bytes of Storage files); with the app running ${after.free} of ${after.total} variables are free`);
    if (after.free < keep * 2) {
      console.log(`flash: warning: picohttp answers 503 below ${keep} free variables, and each request in flight takes ` +
        "about 110: this leaves room for few requests at once" + (save ? "" : "; --save would leave more"));
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error("flash: " + (error && error.message || error));
    process.exit(1);
  });
}
