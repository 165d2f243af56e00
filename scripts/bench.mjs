#!/usr/bin/env node
// Benchmarks picohttp against the alternatives, on Espruino's Linux build and on Node, in one run.
// Prints a summary of the figures the targets are about, the details, and writes JSON
// (bench-results.json in the working directory, or --out PATH).
//
//   node scripts/bench.mjs [--quick] [--out PATH] [--count N] [--node-count N] [--rounds N] [--keep]
//                          [--only cpu,memory,stream,node] [--heaps default,1600]
//
// ESPRUINO_BIN (default heap) and ESPRUINO_BIN_1600 (1600-variable heap) name the interpreters; the
// parts that need one are skipped, with a notice, when it is not set. Run `npm run build` first
// (`npm run bench` does). --quick measures what the summary needs with fewer requests (a few minutes).
//
// The parts, in scripts/bench/: cpu.mjs (CPU per request on Espruino), javascript.mjs (the same without
// the network; compare.mjs runs it on two builds of the core, to judge a change), memory.mjs (variables:
// the core, a server at rest, connections in flight, streaming), node.mjs (Node), report.mjs (the
// tables), with the servers in apps.mjs, the targets and plans in config.mjs, and measure.mjs's retries
// and CPU rounds.
// Interpreters, Storage, ports and arguments come from scripts/lib/.
//
// How it measures:
// - CPU per request: utime+stime of the server process from /proc/<pid>/stat over a fixed number of
//   requests, after a warm-up, the server under load alone running (the others held with SIGSTOP),
//   cases interleaved in rounds.
// - JavaScript per request: the same request given to picohttp and the lean responder through fake
//   sockets in one interpreter, timed inside it (no network, no idle loop: steady from run to run).
// - Load: a client in this process on 127.0.0.1, a new connection per request, a fixed count per case,
//   at a fixed concurrency, with a per-request timeout and a time cap per case.
// - Memory: process.memory().usage (after a garbage collection), read through a probe server in the
//   app, or measured by the app itself on a timer while connections are held.
// - Busy machines: every wait is bounded; a measurement that fails is run again with a fresh
//   interpreter (three times in all) and then reported as "could not measure (reason)", never a crash.
//   Code evaluated from Storage runs far slower on the Linux build than on a board (its emulated flash
//   opens and reads a file at every access), so the CPU target is judged on the RAM upload.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { integer, list, readArguments, UsageError } from "./lib/args.mjs";
import { clockTicks, espruinoInfo, keepTempDirs, killAll } from "./lib/interpreter.mjs";
import { CORE, CORE_FILES, FEATURES, NODE_BUNDLE } from "./lib/library.mjs";
import { espruinoCpu } from "./bench/cpu.mjs";
import { javascriptPerRequest } from "./bench/javascript.mjs";
import { HEAPS, HELLO_REQUEST, INFLIGHT_N, PARTS, PLANS } from "./bench/config.mjs";
import { attempt } from "./bench/measure.mjs";
import { coreAtRest, inflight, ramUpload, streamPeak } from "./bench/memory.mjs";
import { nodeBench } from "./bench/node.mjs";
import { printReport, summarize, targets } from "./bench/report.mjs";

const USAGE = "usage: node scripts/bench.mjs [--quick] [--out PATH] [--count N] [--node-count N] [--rounds N] [--keep]\n" +
  "                          [--only cpu,memory,stream,node] [--heaps default,1600]\n" +
  "Espruino parts need ESPRUINO_BIN (default heap) and ESPRUINO_BIN_1600 (1600-variable heap).\n" +
  "--quick: CPU on the default heap (from RAM), memory on 1600 variables, Node; fewer requests.";

const OPTIONS = {
  out: { type: "string", default: "bench-results.json" },
  count: { type: "string" },
  "node-count": { type: "string" },
  rounds: { type: "string" },
  quick: { type: "boolean" },
  keep: { type: "boolean" },
  only: { type: "string" },
  heaps: { type: "string" },
  help: { type: "boolean", short: "h" },
};

function parseOptions(argv) {
  const { values } = readArguments(argv, OPTIONS);
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const plan = PLANS[values.quick ? "quick" : "full"];
  const heaps = values.heaps ? list("--heaps", values.heaps, HEAPS) : HEAPS;
  const parts = values.only ? list("--only", values.only, PARTS) : values.quick ? ["cpu", "memory", "node"] : PARTS;
  // As before the parts were split: in a full run, memory includes streaming.
  if (!values.quick && parts.includes("memory") && !parts.includes("stream")) parts.push("stream");
  const on = {};
  for (const part of ["cpu", "memory", "stream"]) {
    // --heaps narrows the plan; a part asked for with --only in a quick run still runs on some heap.
    let chosen = (plan.heaps[part].length ? plan.heaps[part] : ["1600"]).filter((h) => heaps.includes(h));
    if (values.heaps && !chosen.length) chosen = heaps;
    on[part] = parts.includes(part) ? chosen : [];
  }
  return {
    out: values.out, keep: !!values.keep, quick: !!values.quick, node: parts.includes("node"), on,
    count: values.count !== undefined ? integer("--count", values.count) : plan.count,
    nodeCount: values["node-count"] !== undefined ? integer("--node-count", values["node-count"]) : plan.nodeCount,
    rounds: values.rounds !== undefined ? integer("--rounds", values.rounds) : plan.rounds,
    caseSeconds: plan.caseSeconds, cpuFromStorage: plan.cpuFromStorage, builtin: plan.builtin,
  };
}

const log = (text) => console.error("bench: " + text);
const gzipped = (text) => gzipSync(Buffer.from(text, "latin1"), { level: 9 }).length;

/** Everything measured on one heap, as its plan says. */
async function espruinoHeap(heap, bin, bundle, options, notes) {
  const info = espruinoInfo(bin);
  const entry = { bin, version: info.version, total: info.total };
  const measure = (what, fn) => {
    log(`${heap} heap: ${what}`);
    return attempt(`${heap} heap, ${what}`, notes, fn);
  };
  if (options.on.memory.includes(heap)) {
    entry.core = await measure("the core from Storage, a server at rest", () => coreAtRest(heap, bin));
    entry.ram = await measure("the core uploaded to RAM", () => ramUpload(heap, bin, bundle));
    if (entry.ram.fits === false) notes.push(`${heap} heap: the core uploaded to RAM does not fit: ${entry.ram.reason}`);
    const n = INFLIGHT_N[heap];
    entry.inflight = await measure(`${n} connections in flight`, () => inflight(heap, bin, n));
    if (entry.inflight.answered !== undefined && entry.inflight.answered !== n) {
      notes.push(`${heap} heap, in flight: only ${entry.inflight.answered} of ${n} held requests were answered with 200`);
    }
  }
  if (options.on.cpu.includes(heap)) {
    // From RAM only where the core fits there (measured above, or now).
    const ram = entry.ram && entry.ram.fits !== undefined ? entry.ram : await measure("does the core fit in RAM", () => ramUpload(heap, bin, bundle));
    if (!entry.ram && ram.fits === false) notes.push(`${heap} heap: the core uploaded to RAM does not fit: ${ram.reason}`);
    if (!entry.ram) entry.ram = ram;
    log(`${heap} heap: CPU per request`);
    entry.cpu = await espruinoCpu(heap, bin, { bundle, ram: ram.fits === true, storage: options.cpuFromStorage || ram.fits !== true,
      builtin: options.builtin }, options, notes);
    if (ram.fits === true) {
      entry.javascript = await measure("JavaScript per request, no network", () => javascriptPerRequest(bin, bundle));
    }
  }
  if (options.on.stream.includes(heap)) {
    entry.stream = await measure("streaming 64 KB", () => streamPeak(heap, bin));
  }
  return entry;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  keepTempDirs(options.keep);
  for (const file of [CORE, NODE_BUNDLE, ...Object.values(FEATURES)]) {
    if (!existsSync(file)) throw new Error(file + " is missing: run `npm run build` (or `npm run bench`)");
  }
  const bundle = readFileSync(CORE, "latin1");
  const stored = readFileSync(CORE_FILES.picohttp, "latin1");
  const features = {};
  for (const name in FEATURES) {
    const text = readFileSync(FEATURES[name], "latin1");
    features[name] = { file: FEATURES[name], bytes: text.length, gzipBytes: gzipped(text) };
  }
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    clockTicks: clockTicks(),
    options: { quick: options.quick, count: options.count, nodeCount: options.nodeCount, rounds: options.rounds, parts: options.on,
      node: options.node },
    request: HELLO_REQUEST,
    bundle: { file: "dist/picohttp.js", bytes: Buffer.byteLength(bundle, "latin1"), gzipBytes: gzipped(bundle),
      stored: { file: "dist/storage/picohttp.js", bytes: stored.length, gzipBytes: gzipped(stored) } },
    features,
    espruino: {},
    nodeResults: [],
    ran: { node: options.node },
    summary: [],
    targets: [],
    notes: [],
  };
  const notes = report.notes;
  const bins = { "default": ["ESPRUINO_BIN", process.env.ESPRUINO_BIN], "1600": ["ESPRUINO_BIN_1600", process.env.ESPRUINO_BIN_1600] };
  const heapsRun = HEAPS.filter((heap) => options.on.cpu.includes(heap) || options.on.memory.includes(heap) || options.on.stream.includes(heap));
  for (const heap of heapsRun) {
    const [env, bin] = bins[heap];
    if (!bin || !process.env.ESPRUINO_BIN) {
      const why = !bin ? env + " is not set" : "ESPRUINO_BIN is not set (it writes Storage)";
      console.log(`NOTICE: ${why}: the Espruino figures for the ${heap} heap are skipped.`);
      report.espruino[heap] = { skipped: why };
      continue;
    }
    report.espruino[heap] = await espruinoHeap(heap, bin, bundle, options, notes);
  }
  if (options.node) {
    log("Node");
    report.nodeResults = await nodeBench(options, notes);
  }
  report.summary = summarize(report);
  report.summaryNote = report.summary.footnote;
  report.targets = targets(report, HEAPS);
  printReport(report, heapsRun);
  writeFileSync(resolve(options.out), JSON.stringify(report, null, 2) + "\n");
  console.log(`\nJSON written to ${resolve(options.out)}`);
  if (options.keep) console.log("temporary directories kept:\n  " + keepTempDirs(true).join("\n  "));
}

main().catch((error) => {
  if (error instanceof UsageError) {
    console.error("bench: " + error.message + "\n" + USAGE);
    process.exitCode = 2;
  } else {
    console.error("bench failed: " + (error && error.stack ? error.stack : error));
    process.exitCode = 1;
  }
  killAll();
});
