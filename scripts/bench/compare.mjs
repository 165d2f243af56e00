#!/usr/bin/env node
// Compares the JavaScript per request of two or more builds of the core, in one interpreter, in
// interleaved rounds (see javascript.mjs): steadier than two bench runs, whose machine speed differs.
// Each build is timed once in each order, and the best figure of each is printed.
//
//   node scripts/bench/compare.mjs [--rounds N] [--requests N] A.js B.js [C.js ...]
//
// ESPRUINO_BIN names the interpreter (the default heap: the 1600 heap cannot hold two cores in RAM).
// For example, the build of uncommitted changes against the last commit's:
//   npm run build; cp dist/picohttp.js /tmp/new.js
//   git stash; npm run build; cp dist/picohttp.js /tmp/old.js; git stash pop; npm run build
//   node scripts/bench/compare.mjs /tmp/old.js /tmp/new.js
import { readFileSync } from "node:fs";
import { integer, readArguments, UsageError } from "../lib/args.mjs";
import { compareCores } from "./javascript.mjs";

const USAGE = "usage: node scripts/bench/compare.mjs [--rounds N] [--requests N] A.js B.js [C.js ...]";

function main() {
  const { values, positionals: files } = readArguments(process.argv.slice(2), {
    rounds: { type: "string" }, requests: { type: "string" }, help: { type: "boolean" },
  }, { positionals: Infinity });
  if (values.help) return console.log(USAGE);
  if (files.length < 2) throw new UsageError("give two builds of the core or more");
  const bin = process.env.ESPRUINO_BIN;
  if (!bin) throw new UsageError("set ESPRUINO_BIN to Espruino's Linux build");
  const options = {
    rounds: values.rounds ? integer("--rounds", values.rounds) : undefined,
    requests: values.requests ? integer("--requests", values.requests) : undefined,
  };
  const bundles = files.map((file) => readFileSync(file, "latin1"));
  // Once in each order: the first listener of a run can be favoured by what the interpreter did before.
  const forward = compareCores(bin, bundles, options);
  const backward = compareCores(bin, [...bundles].reverse(), options).reverse();
  const best = forward.map((us, i) => Math.min(us, backward[i]));
  files.forEach((file, i) => {
    const against = i ? `  ${(best[i] / best[0]).toFixed(3)}x the first` : "";
    console.log(`${best[i].toFixed(0).padStart(6)} us/request  ${file}${against}`);
  });
}

try {
  main();
} catch (error) {
  console.error(error instanceof UsageError ? `${error.message}\n${USAGE}` : error.message);
  process.exit(error instanceof UsageError ? 2 : 1);
}
