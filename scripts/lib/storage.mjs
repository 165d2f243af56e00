// Files in an interpreter's Storage (its ./espruino.flash), written by the default-heap interpreter
// (ESPRUINO_BIN), which has room for the largest of them; then any interpreter run in that directory
// finds them, the 1600-variable one included.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { crc32 } from "node:zlib";
import { oneLine, runScript, tempDir } from "./interpreter.mjs";

const MAX_NAME = 28;

/**
 * Writes `files` into the Storage of `dir`: Storage name -> a local path, or `{ data }` (a string of
 * bytes, or a Buffer). Each file is read in pieces and written at its offsets, so a large one never
 * sits in the interpreter's memory whole, then checked (length and CRC32). Throws when anything failed.
 */
export function writeStorage(dir, files, { bin = process.env.ESPRUINO_BIN, timeout = 60000 } = {}) {
  if (!bin) throw new Error("ESPRUINO_BIN is not set: Storage is written with the default-heap interpreter");
  let script = `var S = require("Storage");
function put(name, path, size, crc) {
  var f = E.openFile(path, "r"), at = 0, piece;
  while (at < size) {
    piece = f.read(Math.min(2048, size - at));
    if (!piece) break;
    S.write(name, piece, at, size);
    at += piece.length;
  }
  f.close();
  var stored = S.read(name);
  if (!stored || stored.length !== size || (E.CRC32(stored) >>> 0) !== crc) {
    print("FAILED " + name + ": " + (stored ? stored.length + " bytes" : "nothing") + " in Storage, " + size + " expected");
  }
}
`;
  let n = 0;
  for (const name in files) {
    if (name.length > MAX_NAME) throw new Error(`Storage name "${name}" is longer than ${MAX_NAME} characters`);
    let path = files[name];
    if (typeof path !== "string") {
      path = join(dir, ".storage-" + n++);
      writeFileSync(path, typeof files[name].data === "string" ? Buffer.from(files[name].data, "latin1") : files[name].data);
    }
    path = resolve(path);
    const size = statSync(path).size;
    if (!size) throw new Error(`${name}: Storage cannot hold an empty file`);
    script += `put(${JSON.stringify(name)}, ${JSON.stringify(path)}, ${size}, ${crc32(readFileSync(path))});\n`;
  }
  script += "print('WRITTEN ' + S.list().length); quit();\n";
  const result = runScript(bin, dir, script, { file: "storage.js", timeout });
  const failed = /FAILED [^\n]*/.exec(result.output);
  if (failed || result.output.indexOf("WRITTEN") < 0) {
    throw new Error("writing Storage failed: " + (failed ? failed[0] : result.timedOut ? "no end in " + timeout + " ms" :
      oneLine(result.output.slice(-600))));
  }
}

/** A fresh temporary directory whose Storage holds `files` (as writeStorage takes them). */
export function storageDir(prefix, files, options) {
  const dir = tempDir(prefix);
  writeStorage(dir, files, options);
  return dir;
}
