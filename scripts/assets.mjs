#!/usr/bin/env node
// The asset pipeline: prepares a folder of web files for staticResource and, if asked, uploads them to a
// board's Storage with the `espruino` tool.
//
//   node scripts/assets.mjs SRC_DIR [--base www] [--out DIR] [--cache VALUE] [--immutable-cache VALUE]
//                          [--upload --port PORT [--board boards/esp32.json]]
//
// For each file it writes to DIR (default: .local/assets/<base>): the file, a gzipped copy `name.gz` where
// that saves at least 10% and 64 bytes, and a manifest `.manifest` with one line per file:
// name, strong ETag (a content hash), whether a .gz exists, and its Cache-Control (long-lived and
// immutable for names with a content hash in them, like app.3f2a1b9c.js; `no-cache` otherwise, so
// browsers revalidate with If-None-Match and get 304). Storage names are `<base>/<path>` and must fit the
// board's 28 characters, .gz included: a name that does not is refused with a message, nothing is written.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { readArguments } from "./lib/args.mjs";
import { ESPRUINO_CLI } from "./lib/board.mjs";

export const MAX_NAME = 28;
export const MANIFEST = ".manifest";
const HASHED_NAME = /\.[0-9a-f]{8,}\./i;

function walk(dir) {
  const files = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) files.push(...walk(full));
    else files.push(full);
  }
  return files;
}

const storageName = (base, name) => (base ? base.replace(/\/$/, "") + "/" + name : name);

/**
 * Prepares `source` for Storage under `base`. Returns { files: [{ name, path, size }], manifest, problems }:
 * `problems` lists the names that do not fit (then nothing is written).
 */
export function prepareAssets(source, { base = "", out, cache = "no-cache",
  immutableCache = "public, max-age=31536000, immutable" } = {}) {
  const root = resolve(source);
  const entries = [];
  const problems = [];
  for (const path of walk(root)) {
    const name = relative(root, path).split(sep).join("/");
    if (name === MANIFEST || name.endsWith(".gz")) continue;
    const content = readFileSync(path);
    const compressed = gzipSync(content, { level: 9 });
    const gzip = compressed.length <= content.length * 0.9 && content.length - compressed.length >= 64;
    const longest = storageName(base, name) + (gzip ? ".gz" : "");
    if (longest.length > MAX_NAME) {
      problems.push(`"${longest}" has ${longest.length} characters: Storage names have at most ${MAX_NAME}` +
        ` (shorten the file name${base ? " or the base" : ""})`);
      continue;
    }
    if (content.length === 0) {
      problems.push(`"${name}" is empty: Storage cannot hold an empty file`);
      continue;
    }
    const etag = createHash("sha256").update(content).digest("base64url").substring(0, 16);
    entries.push({ name, content, compressed: gzip ? compressed : null, etag,
      cacheControl: HASHED_NAME.test(name) ? immutableCache : cache });
  }
  const manifest = "\n" + entries.map((e) => `${e.name}\t${e.etag}\t${e.compressed ? 1 : 0}\t${e.cacheControl}\n`).join("");
  if (problems.length) return { files: [], manifest, problems };
  const target = resolve(out || join(".local", "assets", base || "root"));
  rmSync(target, { recursive: true, force: true });
  const files = [];
  const put = (name, content) => {
    const path = join(target, ...name.split("/"));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    files.push({ name: storageName(base, name), path, size: content.length });
  };
  for (const e of entries) {
    put(e.name, e.content);
    if (e.compressed) put(e.name + ".gz", e.compressed);
  }
  put(MANIFEST, manifest);
  return { files, manifest, problems, out: target };
}

/** The espruino tool's arguments that write `files` to Storage. */
export function storageArgs(files) {
  const args = [];
  for (const f of files) args.push("--storage", `${f.name}:${f.path}`);
  return args;
}

/** Uploads files to a board's Storage with the espruino tool; `port` is a serial device or tcp://host:port. */
export function upload(files, { port, board, extra = [] }) {
  const tool = ESPRUINO_CLI;
  // Without code to run the tool opens a terminal and writes nothing: give it a line to run.
  const code = extra.length ? extra : ["-e", `print("picohttp: ${files.length} files written to Storage")`];
  const args = ["--no-ble", "-p", port, ...(board ? ["--board", board] : []), ...storageArgs(files), ...code];
  const result = spawnSync(process.execPath, [tool, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 300000 });
  if (result.status !== 0 || result.stdout.indexOf("Upload Complete") < 0) {
    throw new Error(`espruino ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

const OPTIONS = {
  base: { type: "string", default: "" },
  out: { type: "string" },
  cache: { type: "string" },
  "immutable-cache": { type: "string" },
  upload: { type: "boolean" },
  port: { type: "string" },
  board: { type: "string" },
  help: { type: "boolean", short: "h" },
};

/** Runs `picohttp assets` with `argv`: the exit status. */
export function main(argv) {
  const { values, positionals } = readArguments(argv, OPTIONS, { positionals: 1 });
  if (values.help) {
    console.log(readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n").slice(1, 15).join("\n"));
    return 0;
  }
  const options = { base: values.base };
  for (const [key, name] of [["out", "out"], ["cache", "cache"], ["immutableCache", "immutable-cache"], ["upload", "upload"],
    ["port", "port"], ["board", "board"]]) {
    if (values[name] !== undefined) options[key] = values[name];
  }
  const source = positionals[0];
  const usage = "usage: picohttp assets SRC_DIR [--base www] [--out DIR] [--upload --port PORT [--board FILE]]";
  if (!source) throw new Error("which folder? " + usage);
  if (!existsSync(source)) throw new Error(`${source}: no such folder (${resolve(source)}). ${usage}`);
  if (!statSync(source).isDirectory()) throw new Error(`${source} is a file, not a folder of web files. ${usage}`);
  const result = prepareAssets(source, options);
  if (result.problems.length) {
    for (const p of result.problems) console.error("assets: " + p);
    return 1;
  }
  let total = 0;
  for (const f of result.files) {
    total += f.size;
    console.log(`${String(f.size).padStart(8)}  ${f.name}`);
  }
  console.log(`${String(total).padStart(8)}  in ${result.files.length} Storage files, written to ${result.out}`);
  if (options.upload) {
    if (!options.port) throw new Error("--upload needs --port (a serial device or tcp://host:port)");
    upload(result.files, options);
    console.log(`uploaded to ${options.port}`);
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error("assets: " + error.message);
    process.exitCode = 1;
  }
}
