#!/usr/bin/env node
// `picohttp`: the command an app project gets with the package (package.json "bin").
//
//   picohttp flash ...    put an app on a board (scripts/flash.mjs)
//   picohttp assets ...   prepare web files for Storage, and upload them (scripts/assets.mjs)
//   picohttp cost ...     what picohttp and an app cost on a board (scripts/cost.mjs)
//
// Each works from any folder: it reads the app from the paths given, and picohttp's own files from this
// package.
const COMMANDS = {
  flash: "put an app on a board: picohttp flash --port PORT [--board NAME] APP",
  assets: "prepare a folder of web files for Storage (gzip, ETags, manifest), and upload them",
  cost: "bytes and variables picohttp and an app cost (needs ESPRUINO_BIN for the variables)",
};

const [command, ...rest] = process.argv.slice(2);
if (!command || command === "--help" || command === "-h" || !COMMANDS[command]) {
  const lines = Object.keys(COMMANDS).map((name) => `  picohttp ${name.padEnd(8)} ${COMMANDS[name]}`);
  const out = command && !COMMANDS[command] && command !== "--help" && command !== "-h" ? console.error : console.log;
  if (out === console.error) console.error(`picohttp: no command ${command}`);
  out("usage: picohttp <command> [options]   (picohttp <command> --help for its options)\n" + lines.join("\n"));
  process.exit(out === console.error || !command ? 2 : 0);
}

const module = await import(`./${command}.mjs`);
try {
  const status = await module.main(rest);
  if (typeof status === "number") process.exitCode = status;
} catch (error) {
  console.error(`${command}: ${error && error.message || error}`);
  process.exit(1);
}
