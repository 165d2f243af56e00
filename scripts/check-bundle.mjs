#!/usr/bin/env node
// Checks that a JavaScript file uses only what Espruino's interpreter runs (see ../shared/PLATFORM.md):
// ES5 syntax, no labels, no use of a function or var before its declaration (Espruino hoists neither),
// no var read outside the block that declares it, no reads off built-in prototypes, no RegExp
// features its engine lacks, no missing globals, no compiler helpers left undefined, no multi-character
// search outside find()'s bounds check.
// Usage: node scripts/check-bundle.mjs FILE...   Exit status 1 and one line per problem when any is found.
//
// The check is in scripts/check/: dialect.mjs walks the file, over the scopes of scopes.mjs, with the
// rules of constructs.mjs (single constructs), references.mjs (names), searches.mjs (indexOf and
// company), regex.mjs (RegExp literals) and the lists of rules.mjs.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readArguments, UsageError } from "./lib/args.mjs";

export { checkSource } from "./check/dialect.mjs";
export { regexProblems } from "./check/regex.mjs";
import { checkSource } from "./check/dialect.mjs";

const USAGE = "usage: check-bundle.mjs FILE...";

function main(argv) {
  let files;
  try {
    const { values, positionals } = readArguments(argv, { help: { type: "boolean", short: "h" } }, { positionals: Infinity });
    if (values.help) {
      console.log(USAGE + "\nChecks that each file runs on Espruino (ES5 and the interpreter's quirks); exit status 1 on a problem.");
      return 0;
    }
    files = positionals;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error("check-bundle: " + error.message);
    files = [];
  }
  if (!files.length) {
    console.error(USAGE);
    return 2;
  }
  let failed = false;
  for (const file of files) {
    const problems = checkSource(readFileSync(file, "utf8"));
    for (const p of problems) console.log(`${file}:${p.line}:${p.column}: ${p.message}`);
    if (problems.length) failed = true;
    else console.log(`${file}: runs on Espruino as far as this check can tell`);
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(main(process.argv.slice(2)));
}
