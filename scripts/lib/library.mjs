// The board build's files, as the scripts put them in an interpreter's Storage: the core (Storage module
// "picohttp") and the feature modules it requires on first use. One list, used by flash, cost, bench and
// anything else that writes the library to Storage.
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import "./env.mjs";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The core as source text: dist/picohttp.js (what an app uploaded to RAM carries). */
export const CORE = join(ROOT, "dist", "picohttp.js");
/** A board module as Storage holds it, pretokenised (see tokenise.mjs): dist/storage/<file>. */
const stored = (file) => join(ROOT, "dist", "storage", file);
/** The reason phrase table the core reads from Storage ("picohttp.status"). */
export const STATUS = join(ROOT, "dist", "picohttp.status");
/** What every app's Storage holds: the core (Storage module "picohttp") and its table (Storage name -> file). */
export const CORE_FILES = { picohttp: stored("picohttp.js"), "picohttp.status": STATUS };
/** The Node build. */
export const NODE_BUNDLE = join(ROOT, "dist", "picohttp.node.js");

/** The board build's feature modules: Storage name -> file (pretokenised). The core requires each on first use. */
export const FEATURES = {
  "picohttp/static": stored("picohttp-static.js"),
  "picohttp/store": stored("picohttp-store.js"),
  "picohttp/router": stored("picohttp-router.js"),
  "picohttp/auth": stored("picohttp-auth.js"),
  "picohttp/cors": stored("picohttp-cors.js"),
  "picohttp/events": stored("picohttp-events.js"),
  "picohttp/upload": stored("picohttp-upload.js"),
};

/**
 * Whether an interpreter of Espruino `version` ("2v29.277") reads pretokenised modules: raw integers
 * came with 2v26 (raw strings with 2v20.48), as EspruinoTools' pretokeniser has it. An unknown version is
 * taken to read them.
 */
export function readsPretokenised(version) {
  const number = parseFloat(String(version || "").replace(/^v?(\d+)v/, "$10"));
  return !(number < 2026);
}

/** `files` (Storage name -> file) with each pretokenised module replaced by its source text (dist/<file>). */
export function asSourceText(files) {
  const result = {};
  for (const name in files) {
    const file = files[name];
    result[name] = dirname(file) === join(ROOT, "dist", "storage") ? join(ROOT, "dist", basename(file)) : file;
  }
  return result;
}

/** Every board file: Storage name -> file (CORE_FILES and all of FEATURES). */
export const LIBRARY = { ...CORE_FILES, ...FEATURES };

/**
 * The feature modules an app needs besides the core: picohttp/static when it serves files (it calls
 * staticResource, makes a server without a handler, uses the router or has web files), picohttp/store
 * when it calls load or save, picohttp/router, picohttp/auth, picohttp/cors, picohttp/events and picohttp/upload when it
 * requires them. Only those are written: each costs Storage, and memory once loaded.
 */
export function featuresFor(code, hasAssets) {
  const needed = {};
  if (hasAssets || /staticResource|HttpServer\(\s*[^,()]*\)|picohttp\/static/.test(code)) {
    needed["picohttp/static"] = FEATURES["picohttp/static"];
  }
  if (/\.(load|save)\s*\(|picohttp\/store/.test(code)) needed["picohttp/store"] = FEATURES["picohttp/store"];
  // The router's fallback is staticResource: with it an app serves files unless it names its own.
  if (/picohttp\/router/.test(code)) {
    needed["picohttp/router"] = FEATURES["picohttp/router"];
    needed["picohttp/static"] = FEATURES["picohttp/static"];
  }
  for (const name of ["picohttp/auth", "picohttp/cors", "picohttp/events", "picohttp/upload"]) {
    if (code.indexOf(name) >= 0) needed[name] = FEATURES[name];
  }
  return needed;
}

/** The core and the given features (Storage name -> file): what an app's Storage holds of picohttp. */
export function libraryWith(...features) {
  const files = { ...CORE_FILES };
  for (const name of features) {
    if (!FEATURES[name]) throw new Error("no feature module " + name + " (FEATURES has " + Object.keys(FEATURES).join(", ") + ")");
    files[name] = FEATURES[name];
  }
  return files;
}
