#!/usr/bin/env node
// Puts an app on a board: picohttp into Storage as the module "picohttp" (so its code runs from flash),
// the app's web assets into Storage, the board's limits as "picohttp.json", then the app itself, run at
// once or (--save) stored as .bootcde to start at boot. On WiFi boards the app starts once connected,
// and a connection that does not come up in time is reported, not retried forever.
//
//   npm run flash -- --board esp32|esp8266|linux|boards/x.json --port /dev/ttyUSB0|tcp://host:port
//                    [--save] [--http-port 80] [--wifi-timeout 30] [--dry-run] [--verbose] examples/<app>
//
// An app is a folder with app.js (plain ES5, `require("picohttp")`) and optionally www/ (served by
// staticResource with staticBase "www": each file becomes Storage file "www/<path>"), or a single .js file.
// WiFi credentials: .wifi.json ({"ssid": ..., "password": ...}, untracked) at the repository root or in
// the app folder, or the environment variables WIFI_SSID and WIFI_PASSWORD. Never in the repository.
import { prepareAssets } from "./assets.mjs";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { checkSource } from "./check-bundle.mjs";
import { readArguments, UsageError } from "./lib/args.mjs";
import { CORE as BUNDLE, CORE_FILES, FEATURES, ROOT, featuresFor } from "./lib/library.mjs";

// The feature modules and which of them an app needs: one list, in scripts/lib/library.mjs. The asset
// pipeline's prepareAssets is scripts/assets.mjs's.
export { FEATURES, featuresFor, prepareAssets };
const ESPRUINO_CLI = join(ROOT, "node_modules", "espruino", "bin", "espruino-cli.js");
const MAX_NAME = 28;

const USAGE = "usage: npm run flash -- --board esp32|esp8266|linux|FILE.json --port PORT [--save] " +
  "[--http-port N] [--wifi-timeout SECONDS] [--dry-run] [--verbose] examples/<app>";

/** A mistake on the command line: the message and the usage, exit status 2. */
function usage(message) {
  if (message) console.error("flash: " + message);
  console.error(USAGE);
  process.exit(2);
}

/** --help: the usage and what the options mean, on stdout. */
function help() {
  console.log(USAGE + `

  --board, -b      esp32, esp8266, linux (boards/<name>.json) or a board file
  --port, -p       a serial device or tcp://host:port (not needed with --dry-run)
  --save           store the app as .bootcde: it starts at boot and runs from flash
  --http-port N    the port the app's server listens on (written to picohttp.json)
  --wifi-timeout S seconds to wait for WiFi before reporting it (default 30)
  --dry-run, -n    write the upload to .local/flash/<board>/upload.js instead of sending it
  --verbose, -v    show the espruino tool's whole exchange

An app is a folder with app.js (and optionally www/, served by staticResource), or a single .js file.
picohttp goes to Storage as "picohttp", with the feature modules the app uses (${Object.keys(FEATURES).join(", ")}).
WiFi credentials come from WIFI_SSID/WIFI_PASSWORD or an untracked .wifi.json.`);
  process.exit(0);
}

const OPTIONS = {
  board: { type: "string", short: "b" },
  port: { type: "string", short: "p" },
  save: { type: "boolean" },
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
  } catch (error) {
    if (error instanceof UsageError) usage(error.message);
    throw error;
  }
  const { values, positionals } = parsed;
  if (values.help) help();
  if (positionals.length > 1) usage("one app at a time (" + positionals.join(", ") + ")");
  const options = { save: !!values.save, dryRun: !!values["dry-run"], verbose: !!values.verbose, wifiTimeout: 30 };
  if (values.board !== undefined) options.board = values.board;
  if (values.port !== undefined) options.port = values.port;
  if (values["http-port"] !== undefined) options.httpPort = Number(values["http-port"]);
  if (values["wifi-timeout"] !== undefined) options.wifiTimeout = Number(values["wifi-timeout"]);
  if (positionals.length) options.app = positionals[0];
  if (!options.board) usage("--board is missing");
  if (!options.app) usage("which app? e.g. examples/control");
  if (!options.port && !options.dryRun) usage("--port is missing (a serial device or tcp://host:port)");
  if (options.httpPort !== undefined && !(options.httpPort > 0 && options.httpPort < 65536)) usage("bad --http-port");
  if (!(options.wifiTimeout > 0)) usage("bad --wifi-timeout");
  return options;
}

/** The board file: a name from boards/, or a path. */
export function loadBoard(board) {
  const file = board.endsWith(".json") ? resolve(board) : join(ROOT, "boards", board + ".json");
  if (!existsSync(file)) throw new Error("no board file " + file);
  const json = JSON.parse(readFileSync(file, "utf8"));
  if (!json.info || !(json.info.builtin_modules instanceof Array)) throw new Error(file + ": info.builtin_modules is missing");
  return { file, json, picohttp: json.picohttp || {} };
}

/**
 * The app's code and its Storage files (name -> local path). www/ goes through the asset pipeline
 * (scripts/assets.mjs): gzipped copies where they pay off, ETags and the manifest staticResource reads,
 * written to `assetsOut`; a name that does not fit Storage is refused there.
 */
export function loadApp(app, assetsOut = join(ROOT, ".local", "assets", "www")) {
  const full = resolve(app);
  let main = full;
  const assets = {};
  if (statSync(full).isDirectory()) {
    main = join(full, "app.js");
    if (!existsSync(main)) throw new Error(app + " has no app.js");
    const www = join(full, "www");
    if (existsSync(www)) {
      const prepared = prepareAssets(www, { base: "www", out: assetsOut });
      if (prepared.problems.length) throw new Error(prepared.problems.join("\n"));
      for (const f of prepared.files) assets[f.name] = f.path;
    }
  }
  return { dir: statSync(full).isDirectory() ? full : dirname(full), main, code: readFileSync(main, "utf8"), assets };
}

/**
 * WiFi credentials from the environment or an untracked .wifi.json, or undefined. A dot-name, because
 * staticResource never serves one: a plain wifi.json beside a site would be published with it.
 */
export function wifiCredentials(appDir) {
  if (process.env.WIFI_SSID) return { ssid: process.env.WIFI_SSID, password: process.env.WIFI_PASSWORD || "" };
  for (const dir of [appDir, ROOT]) {
    if (existsSync(join(dir, "wifi.json"))) {
      throw new Error(`${join(dir, "wifi.json")}: rename it to .wifi.json (a server run from that folder could serve wifi.json)`);
    }
  }
  for (const file of [join(appDir, ".wifi.json"), join(ROOT, ".wifi.json")]) {
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
  const problems = checkSource(code);
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

function run(command, args, options) {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
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

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const board = loadBoard(options.board);
  const work = join(ROOT, ".local", "flash", board.json.info.id || "board");
  const app = loadApp(options.app, join(work, "www"));
  if (!existsSync(BUNDLE)) throw new Error(BUNDLE + " is missing: run npm run build (npm run flash does)");

  // Generated files go to .local/ (ignored by git), with paths relative to the repository: the espruino
  // tool splits --storage at ":".
  mkdirSync(work, { recursive: true });
  const config = Object.assign({}, board.picohttp.options || {});
  if (options.httpPort) config.port = options.httpPort;
  const configFile = join(work, "picohttp.json");
  writeFileSync(configFile, JSON.stringify(config));

  let code = await prepareCode(app.code, relative(ROOT, app.main));
  let wifi;
  if (board.picohttp.wifi !== false) {
    wifi = wifiCredentials(app.dir);
    if (!wifi) {
      throw new Error("no WiFi credentials: put {\"ssid\": \"...\", \"password\": \"...\"} in .wifi.json (git ignores it) " +
        "or set WIFI_SSID and WIFI_PASSWORD");
    }
    code = withWifi(code, wifi, options.wifiTimeout);
  }
  const codeFile = join(work, "app.js");
  writeFileSync(codeFile, code);

  const storage = { ...CORE_FILES, "picohttp.json": configFile };
  Object.assign(storage, featuresFor(app.code, Object.keys(app.assets).length > 0), app.assets);
  const args = [ESPRUINO_CLI, "--board", relative(ROOT, board.file), "--no-ble",
    // Offline: no module downloads. picohttp is in Storage, where require() finds it.
    "--config", "MODULE_URL="];
  if (options.port) args.push("-p", options.port);
  for (const name in storage) args.push("--storage", name + ":" + relative(ROOT, storage[name]));
  if (options.save) args.push("--storage", ".bootcde:-");
  if (options.verbose) args.push("--verbose");
  if (wifi) args.push("--sleep", String(options.wifiTimeout + 2)); // to show how the connection went
  if (options.dryRun) args.push("-n", "-o", relative(ROOT, join(work, "upload.js")));
  args.push(relative(ROOT, codeFile));

  let bytes = 0;
  console.log(`flash: ${board.json.info.name} on ${options.port || "(dry run)"}: Storage files:`);
  for (const name in storage) {
    const size = statSync(storage[name]).size;
    bytes += size;
    console.log(`  ${name.padEnd(MAX_NAME)} ${String(size).padStart(7)} bytes`);
  }
  console.log(`  app: ${Buffer.byteLength(code)} bytes ${options.save ? "to .bootcde (runs at boot)" : "to RAM"}` +
    (wifi ? `, started once WiFi "${wifi.ssid}" is connected` : ""));
  if (!options.save && typeof board.picohttp.variables === "number" && board.picohttp.variables <= 1600) {
    console.log("  tip: add --save on this board: the app then runs from flash and leaves more memory free");
  }
  const result = await run(process.execPath, args, options);
  const logFile = join(work, "flash.log");
  writeFileSync(logFile, result.output);
  const problem = /Unable to connect|RECEIVE ERROR[^\n]*|Uncaught [^\n]*|OUT OF MEMORY|Out of Memory|Disconnected\./.exec(result.output);
  if (result.code !== 0 || problem) {
    console.error(`flash: failed${problem ? ": " + problem[0] : ""} (the whole exchange is in ${relative(ROOT, logFile)})`);
    process.exit(1);
  }
  if (options.dryRun) console.log("flash: dry run: the upload is in " + relative(ROOT, join(work, "upload.js")));
  else console.log(`flash: done (${bytes} bytes of Storage files)`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error("flash: " + (error && error.message || error));
    process.exit(1);
  });
}
