#!/usr/bin/env node
// What picohttp and an app cost on a board: bundle bytes (minified, gzipped), and memory blocks in use on
// Espruino's Linux build after loading picohttp from RAM (Modules.addCached, as the espruino tool uploads
// a module) and from Storage (as `npm run flash` puts it), then with the app running, its code in RAM
// (npm run flash) or in flash (npm run flash -- --save).
//
//   npm run cost [-- examples/<app>]        (default: examples/control)
//
// Interpreters: ESPRUINO_BIN (default heap) and ESPRUINO_BIN_1600 (an ESP8266's 1600 variables); the
// block figures are left out for one that is not set. Each run happens in a fresh temporary directory.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { loadApp } from "./flash.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUNDLE = join(ROOT, "dist", "picohttp.js");

const gzip = (text) => gzipSync(Buffer.from(text, "latin1"), { level: 9 }).length;

async function minifyApp(code) {
  const { minify } = await import("terser");
  return (await minify(code, { ecma: 5, compress: false, mangle: true, format: { ascii_only: true } })).code;
}

function freePort() {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const port = server.address().port;
      server.close(() => done(port));
    });
  });
}

/** Runs `script` on the interpreter in `dir`; resolves the number it prints between @@ markers. */
function measure(bin, dir, script) {
  writeFileSync(join(dir, "cost.js"), script);
  const result = spawnSync(bin, ["cost.js"], { cwd: dir, encoding: "latin1", timeout: 30000, stdio: ["ignore", "pipe", "pipe"] });
  const output = (result.stdout || "") + (result.stderr || "");
  const match = /@@(\d+)@@/.exec(output);
  if (!match) {
    if (/OUT OF MEMORY|LOW_MEMORY/.test(output)) return { error: "out of memory" };
    const why = /(Uncaught[^\n]*|ERROR:[^\n]*|ASSERT[^\n]*)/.exec(output);
    return { error: why ? why[1].trim() : "no figure (exit " + result.status + ")" };
  }
  return { blocks: Number(match[1]) };
}

/** Writes Storage files (name -> content) in `dir` with the default-heap interpreter. */
function writeStorage(bin, dir, files) {
  let script = "var S=require('Storage'),fs=require('fs');\n";
  let n = 0;
  for (const name in files) {
    const file = join(dir, "storage-" + n++);
    writeFileSync(file, files[name], "latin1");
    script += `S.write(${JSON.stringify(name)}, fs.readFileSync(${JSON.stringify(file)}));\n`;
  }
  script += "print('@@'+S.list().length+'@@');quit();\n";
  const result = measure(bin, dir, script);
  if (result.error) throw new Error("writing Storage failed: " + result.error);
}

const REPORT = "setTimeout(function(){print('@@'+process.memory().usage+'@@');quit();},300);\n";

async function blocksFor(bin, setupBin, bundle, appCode, port) {
  const run = (files, script) => {
    const dir = mkdtempSync(join(tmpdir(), "picohttp-cost-"));
    try {
      if (files) writeStorage(setupBin, dir, files);
      return measure(bin, dir, script);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const config = JSON.stringify({ port });
  const rows = {};
  rows.empty = run(null, REPORT);
  rows.ram = run(null, `Modules.addCached("picohttp",function(){${bundle}\n});var picohttp=require("picohttp");\n` + REPORT);
  rows.storage = run({ picohttp: bundle }, "var picohttp=require('picohttp');\n" + REPORT);
  if (appCode !== undefined) {
    rows.appRam = run({ picohttp: bundle, "picohttp.json": config }, appCode + "\n" + REPORT);
    rows.appFlash = run({ picohttp: bundle, "picohttp.json": config, ".bootcde": appCode },
      "eval(require('Storage').read('.bootcde'));\n" + REPORT);
  }
  return rows;
}

async function main() {
  const appArg = process.argv[2] || "examples/control";
  if (!existsSync(BUNDLE)) throw new Error(BUNDLE + " is missing: run npm run build (npm run cost does)");
  const bundle = readFileSync(BUNDLE, "latin1");
  const app = loadApp(appArg);
  const appCode = await minifyApp(app.code);
  let assetBytes = 0;
  for (const name in app.assets) assetBytes += statSync(app.assets[name]).size;

  const bytesRow = (label, raw, zipped) =>
    console.log("  " + label.padEnd(40) + String(raw).padStart(8) + (zipped === undefined ? "" : String(zipped).padStart(8)));
  console.log("Bytes".padEnd(42) + "raw".padStart(8) + "gzip".padStart(8));
  bytesRow("picohttp (dist/picohttp.js, minified)", bundle.length, gzip(bundle));
  bytesRow(appArg + "/app.js, minified", appCode.length, gzip(appCode));
  bytesRow(appArg + "/www (" + Object.keys(app.assets).length + " files, to Storage)", assetBytes);

  const setupBin = process.env.ESPRUINO_BIN;
  const interpreters = [
    { label: "default heap", bin: process.env.ESPRUINO_BIN },
    { label: "1600 variables", bin: process.env.ESPRUINO_BIN_1600 },
  ].filter((i) => i.bin);
  if (!setupBin || !interpreters.length) {
    console.log("\nBlocks: set ESPRUINO_BIN (and ESPRUINO_BIN_1600) to measure them on Espruino's Linux build.");
    return;
  }
  const port = await freePort();
  const results = [];
  for (const interpreter of interpreters) {
    results.push(await blocksFor(interpreter.bin, setupBin, bundle, appCode, port));
  }
  const rows = [
    ["empty interpreter", "empty"],
    ["picohttp from RAM (addCached)", "ram"],
    ["picohttp from Storage", "storage"],
    ["+ app running, app in RAM", "appRam"],
    ["+ app running, app in flash", "appFlash"],
  ];
  console.log("\nBlocks in use (process.memory().usage, after GC); in brackets: more than the empty interpreter");
  console.log("  " + "".padEnd(32) + interpreters.map((i) => i.label.padStart(18)).join(""));
  for (const [label, key] of rows) {
    let line = "  " + label.padEnd(32);
    results.forEach((result) => {
      const cell = result[key];
      if (!cell) line += "".padStart(18);
      else if (cell.error) line += (cell.error.length <= 16 ? cell.error : "failed").padStart(18);
      else {
        const extra = key === "empty" ? "" : ` (+${cell.blocks - result.empty.blocks})`;
        line += (cell.blocks + extra).padStart(18);
      }
    });
    console.log(line);
  }
  results.forEach((result, i) => {
    for (const [label, key] of rows) {
      if (result[key] && result[key].error && result[key].error.length > 16) console.log(`  ${interpreters[i].label}, ${label}: ${result[key].error}`);
    }
  });
  console.log("\nThe app rows load picohttp from Storage, as npm run flash installs it. \"RAM\" runs the code from a" +
    " script in RAM, as an upload does. Boards have smaller blocks than the Linux build (12-14 bytes, not 16-27):" +
    " expect more of them there.");
}

main().catch((error) => {
  console.error("cost: " + (error && error.message || error));
  process.exit(1);
});
