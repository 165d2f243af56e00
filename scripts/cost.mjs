#!/usr/bin/env node
// What picohttp and an app cost on a board: bytes (minified, gzipped) of the core, of each feature module
// and of the app, and variables in use on Espruino's Linux build after loading the core from RAM
// (Modules.addCached, as the espruino tool uploads a module) and from Storage (as `npm run flash` puts it),
// then with the app running, its code in RAM (npm run flash) or in flash (npm run flash -- --save); and
// what each feature module adds when it is loaded from Storage after the core, and on its first use.
//
//   npm run cost [-- examples/<app>]        (default: examples/control)
//
// Interpreters: ESPRUINO_BIN (default heap) and ESPRUINO_BIN_1600 (an ESP8266's 1600 variables); the
// variable figures are left out for one that is not set. Each run happens in a fresh temporary directory.
import { existsSync, readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readArguments, UsageError } from "./lib/args.mjs";
import { Interpreter, oneLine, outOfMemory, removeDir, runScript, tempDir, trouble } from "./lib/interpreter.mjs";
import { CORE, CORE_FILES, FEATURES, featuresFor, libraryWith } from "./lib/library.mjs";
import { freePort, request, sleep } from "./lib/net.mjs";
import { storageDir, writeStorage } from "./lib/storage.mjs";
import { loadApp } from "./lib/app.mjs";

const gzip = (text) => gzipSync(Buffer.from(text, "latin1"), { level: 9 }).length;

async function minifyApp(code) {
  const { minify } = await import("terser");
  return (await minify(code, { ecma: 5, compress: false, mangle: true, format: { ascii_only: true } })).code;
}

// ---------------------------------------------------------------------------------------------------
// The core and the app: one interpreter run per figure, each printing its usage after a moment.

const REPORT = "setTimeout(function(){print('@@'+process.memory().usage+'@@');quit();},300);\n";

/** Runs `script` in `dir`: { blocks } from what it prints between @@ markers, or { error }. */
function measure(bin, dir, script) {
  const result = runScript(bin, dir, script, { file: "cost.js", timeout: 30000 });
  const match = /@@(\d+)@@/.exec(result.output);
  if (match) return { blocks: Number(match[1]) };
  if (outOfMemory(result.output)) return { error: "out of memory" };
  const why = /(Uncaught[^\n]*|ERROR:[^\n]*|ASSERT[^\n]*)/.exec(result.output);
  return { error: why ? why[1].trim() : result.timedOut ? "no figure in 30 s" : "no figure (exit " + result.status + ")" };
}

function runIn(bin, files, script) {
  const dir = tempDir("cost");
  try {
    if (files) writeStorage(dir, files);
    return measure(bin, dir, script);
  } catch (error) {
    return { error: oneLine(error.message, 120) };
  } finally {
    removeDir(dir);
  }
}

function coreAndApp(bin, bundle, appCode, appFiles, port) {
  const config = { data: JSON.stringify({ port }) };
  const rows = {};
  rows.empty = runIn(bin, null, REPORT);
  rows.ram = runIn(bin, null, `Modules.addCached("picohttp",function(){${bundle}\n});var picohttp=require("picohttp");\n` + REPORT);
  rows.storage = runIn(bin, { ...CORE_FILES }, "var picohttp=require('picohttp');\n" + REPORT);
  if (appCode !== undefined) {
    rows.appRam = runIn(bin, { ...appFiles, "picohttp.json": config }, appCode + "\n" + REPORT);
    rows.appFlash = runIn(bin, { ...appFiles, "picohttp.json": config, ".bootcde": { data: appCode } },
      "eval(require('Storage').read('.bootcde'));\n" + REPORT);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// Feature modules: an interpreter with the core loaded from Storage, measured at rest through its probe,
// before and after the module is required, or first used.

const HELLO = "Hello world!";
const GET = (path) => `GET ${path} HTTP/1.0\r\nHost: board\r\nUser-Agent: picohttp-cost\r\nAccept: */*\r\n\r\n`;

/** Usage at rest, then `step()`, then usage at rest again: the difference, or { error }. */
async function added(bin, files, app, step, settle = 300) {
  let board;
  try {
    board = await Interpreter.start(bin, { app, dir: storageDir("cost-feature", files), label: "cost" });
    await sleep(settle);
    const before = await board.usage();
    await step(board);
    await sleep(settle);
    const after = await board.usage();
    return { blocks: after - before };
  } catch (error) {
    const said = board ? trouble(board.output) : [];
    return { error: board && outOfMemory(board.output) ? "out of memory" : oneLine(said[0] || error.message, 120) };
  } finally {
    if (board) await board.stop();
  }
}

/** One GET answered with a 200 and `body`, or an error. */
async function get(port, path, body) {
  const reply = await request(port, { bytes: GET(path), timeout: 15000 });
  if (reply.kind !== "200" || !reply.text.endsWith("\r\n\r\n" + body)) {
    throw new Error(`GET ${path}: ${reply.kind} ${oneLine(reply.text, 80)}`);
  }
}

async function featureCosts(bin) {
  const port = await freePort();
  const core = "var picohttp = require(\"picohttp\");\n";
  // Let the server's sweep timer stop (it runs while connections are open) before measuring at rest.
  const afterRequest = 1200;
  const rows = {};
  rows.staticRequire = await added(bin, libraryWith("picohttp/static"), core,
    (board) => board.evaluate('require("picohttp/static") && 1'));
  rows.staticFirst = await added(bin, { ...libraryWith("picohttp/static"), "www/hello.txt": { data: HELLO } },
    core + `var server = new picohttp.HttpServer(${port});\n`, () => get(port, "/hello.txt", HELLO), afterRequest);
  rows.helloFirst = await added(bin, libraryWith(),
    core + `var server = new picohttp.HttpServer(${port}, function (request, response) { response.data = ${JSON.stringify(HELLO)}; });\n`,
    () => get(port, "/hello", HELLO), afterRequest);
  rows.storeRequire = await added(bin, libraryWith("picohttp/store"), core,
    (board) => board.evaluate('require("picohttp/store") && 1'));
  rows.storeFirst = await added(bin, libraryWith("picohttp/store"), core, async (board) => {
    const value = await board.evaluate('picohttp.save("cost.json", { n: 1 }), picohttp.load("cost.json", null).n');
    if (value !== 1) throw new Error("load after save gave " + JSON.stringify(value));
  });
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// The report.

const cellWidth = 18;

function cell(result, base) {
  if (!result) return "".padStart(cellWidth);
  if (result.error) return (result.error.length <= cellWidth - 2 ? result.error : "failed").padStart(cellWidth);
  return (base === undefined ? String(result.blocks) : `${result.blocks} (+${result.blocks - base})`).padStart(cellWidth);
}

function printTable(title, interpreters, results, rows, baseOf) {
  console.log("\n" + title);
  console.log("  " + "".padEnd(44) + interpreters.map((i) => i.label.padStart(cellWidth)).join(""));
  for (const [label, key] of rows) {
    console.log("  " + label.padEnd(44) + results.map((r) => (key ? cell(r[key], baseOf(r, key)) : "".padStart(cellWidth))).join(""));
  }
  results.forEach((result, i) => {
    for (const [label, key] of rows) {
      const r = key && result[key];
      if (r && r.error && r.error.length > cellWidth - 2) console.log(`  ${interpreters[i].label}, ${label.trim()}: ${r.error}`);
    }
  });
}

function signed(result) {
  if (!result) return "".padStart(cellWidth);
  if (result.error) return (result.error.length <= cellWidth - 2 ? result.error : "failed").padStart(cellWidth);
  return ((result.blocks >= 0 ? "+" : "") + result.blocks).padStart(cellWidth);
}

/** Runs `picohttp cost` with `argv`. */
export async function main(argv) {
  const { values, positionals } = readArguments(argv, { help: { type: "boolean", short: "h" } }, { positionals: 1 });
  if (values.help) {
    console.log("usage: picohttp cost [APP]   (npm run cost -- APP here; default: examples/control)\n" +
      "Variables are measured with ESPRUINO_BIN (default heap) and ESPRUINO_BIN_1600 (1600 variables) when set.");
    return;
  }
  const appArg = positionals[0] || "examples/control";
  for (const file of [CORE, ...Object.values(FEATURES)]) {
    if (!existsSync(file)) throw new Error(file + " is missing: run npm run build (npm run cost does)");
  }
  const bundle = readFileSync(CORE, "latin1");
  const app = await loadApp(appArg);
  const appCode = await minifyApp(app.code);
  let assetBytes = 0;
  for (const name in app.assets) assetBytes += statSync(app.assets[name]).size;
  const appFeatures = featuresFor(app.code, Object.keys(app.assets).length > 0);

  const bytesRow = (label, raw, zipped) =>
    console.log("  " + label.padEnd(44) + String(raw).padStart(8) + (zipped === undefined ? "" : String(zipped).padStart(8)));
  console.log("Bytes".padEnd(46) + "raw".padStart(8) + "gzip".padStart(8));
  bytesRow("picohttp core (dist/picohttp.js, minified)", bundle.length, gzip(bundle));
  const stored = readFileSync(CORE_FILES.picohttp, "latin1");
  bytesRow("  as Storage holds it, pretokenised", stored.length, gzip(stored));
  for (const name in FEATURES) {
    const text = readFileSync(FEATURES[name], "latin1");
    bytesRow(`${name} (dist/storage/${FEATURES[name].split("/").pop()})`, text.length, gzip(text));
  }
  bytesRow(appArg + "/app.js, minified", appCode.length, gzip(appCode));
  bytesRow(appArg + "/www (" + Object.keys(app.assets).length + " files, to Storage)", assetBytes);
  console.log(`  ${appArg} uses: the core${Object.keys(appFeatures).map((n) => ", " + n).join("")}`);

  const interpreters = [
    { label: "default heap", bin: process.env.ESPRUINO_BIN },
    { label: "1600 variables", bin: process.env.ESPRUINO_BIN_1600 },
  ].filter((i) => i.bin);
  if (!process.env.ESPRUINO_BIN || !interpreters.length) {
    console.log("\nVariables: set ESPRUINO_BIN (and ESPRUINO_BIN_1600) to measure them on Espruino's Linux build.");
    return;
  }
  const port = await freePort();
  const results = [];
  const features = [];
  for (const interpreter of interpreters) {
    results.push(coreAndApp(interpreter.bin, bundle, appCode, { ...CORE_FILES, ...appFeatures }, port));
    features.push(await featureCosts(interpreter.bin));
  }
  printTable("Variables in use (process.memory().usage, after GC); in brackets: more than the empty interpreter",
    interpreters, results, [
      ["empty interpreter", "empty"],
      ["core from RAM (addCached)", "ram"],
      ["core from Storage", "storage"],
      ["+ app running, app in RAM", "appRam"],
      ["+ app running, app in flash", "appFlash"],
    ], (r, key) => (key === "empty" || !r.empty || r.empty.error ? undefined : r.empty.blocks));

  console.log("\nFeature modules from Storage, after the core: variables added (at rest, after GC)");
  console.log("  " + "".padEnd(44) + interpreters.map((i) => i.label.padStart(cellWidth)).join(""));
  const featureRows = [
    ["require(\"picohttp/static\")", "staticRequire"],
    ["first static file served (12 bytes, www/)", "staticFirst"],
    ["  for comparison: a first hello-world request", "helloFirst"],
    ["require(\"picohttp/store\")", "storeRequire"],
    ["first save + load", "storeFirst"],
  ];
  for (const [label, key] of featureRows) console.log("  " + label.padEnd(44) + features.map((f) => signed(f[key])).join(""));
  features.forEach((f, i) => {
    for (const [label, key] of featureRows) {
      if (f[key] && f[key].error && f[key].error.length > cellWidth - 2) console.log(`  ${interpreters[i].label}, ${label.trim()}: ${f[key].error}`);
    }
  });

  console.log("\nThe app rows load the core from Storage with the feature modules the app uses, as npm run flash installs" +
    " them. \"RAM\" runs the code from a script in RAM, as an upload does. A first use loads its module (the core" +
    " requires it then); a server's first request also leaves what the core sets up once. Boards have smaller" +
    " variables than the Linux build (12-14 bytes, not 16): expect more of them there.");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error("cost: " + (error && error.message || error));
    process.exit(error instanceof UsageError ? 2 : 1);
  });
}
