// An app as `flash` and `cost` take it: a folder (app.ts, app.js, src/app.ts or src/app.js, and www/ for
// staticResource) or a single .js or .ts file. An app written as a module (TypeScript, or `import`) is
// bundled with the project's own Rollup and TypeScript into one ES5 script for the board, with
// `picohttp` and every other bare module name left to the board's `require` (picohttp is in Storage).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { prepareAssets } from "../assets.mjs";

const ENTRIES = ["app.ts", "app.js", "src/app.ts", "src/app.js"];
const TOOLS = "rollup @rollup/plugin-typescript typescript tslib";

/** Whether `code` is a module (it imports or exports), which the board cannot run as it is. */
export const isModule = (code) => /^\s*(import\s*[\w{*"']|export\s)/m.test(code);

/**
 * The app's code and its Storage files (name -> local path). www/ goes through the asset pipeline
 * (scripts/assets.mjs): gzipped copies where they pay off, ETags and the manifest staticResource reads,
 * written to `assetsOut` (by default a temporary folder: never inside the installed package); a name
 * that does not fit Storage is refused there. `bundled` says whether the
 * code was made from a module.
 */
export async function loadApp(app, assetsOut = join(tmpdir(), "picohttp-assets", "www")) {
  const full = resolve(app);
  if (!existsSync(full)) throw new Error(`no app at ${app}`);
  const isDir = statSync(full).isDirectory();
  let main = full;
  const assets = {};
  if (isDir) {
    const entry = ENTRIES.find((name) => existsSync(join(full, name)));
    if (!entry) throw new Error(`${app} has none of ${ENTRIES.join(", ")}`);
    main = join(full, entry);
    const www = join(full, "www");
    if (existsSync(www)) {
      const prepared = prepareAssets(www, { base: "www", out: assetsOut });
      if (prepared.problems.length) throw new Error(prepared.problems.join("\n"));
      for (const f of prepared.files) assets[f.name] = f.path;
    }
  } else if (!/\.(js|ts)$/.test(full)) {
    throw new Error(`${app}: an app is a .js or .ts file, or a folder with one of ${ENTRIES.join(", ")}`);
  }
  const dir = isDir ? full : dirname(full);
  const source = readFileSync(main, "utf8");
  const bundled = main.endsWith(".ts") || isModule(source);
  const code = bundled ? await bundleApp(main, projectOf(dir)) : source;
  return { dir, main, code, assets, bundled };
}

/** The nearest folder at or above `dir` with a package.json (the app's project), or `dir`. */
function projectOf(dir) {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, "package.json"))) return at;
    if (dirname(at) === at) return dir;
  }
}

/**
 * The nearest tsconfig.board.json (the board's settings: Espruino's globals, not Node's) or tsconfig.json
 * from `dir` up to `project`, or undefined.
 */
function tsconfigOf(dir, project) {
  for (let at = dir; ; at = dirname(at)) {
    for (const name of ["tsconfig.board.json", "tsconfig.json"]) {
      if (existsSync(join(at, name))) return join(at, name);
    }
    if (at === project || dirname(at) === at) return undefined;
  }
}

/**
 * `entry` and what it imports by relative path, as one ES5 script (CommonJS `require` for the rest),
 * built with the Rollup and @rollup/plugin-typescript installed in `project`.
 */
export async function bundleApp(entry, project) {
  const need = createRequire(join(project, "package.json"));
  const load = (name) => {
    try {
      return need(name);
    } catch (error) {
      throw new Error(`${relative(process.cwd(), entry)} is a module (TypeScript or import/export): bundling it for the ` +
        `board needs ${name} in ${project}: npm install --save-dev ${TOOLS}`);
    }
  };
  const rollup = load("rollup");
  const plugins = [];
  let scratch;
  if (entry.endsWith(".ts")) {
    const typescript = load("@rollup/plugin-typescript");
    let tsconfig = tsconfigOf(dirname(entry), project);
    if (!tsconfig) {
      // Without a tsconfig the plugin would compile every .ts file below the working folder: name the
      // entry alone (what it imports follows), with the project's own @types.
      scratch = mkdtempSync(join(tmpdir(), "picohttp-tsconfig-"));
      tsconfig = join(scratch, "tsconfig.json");
      writeFileSync(tsconfig, JSON.stringify({ files: [entry],
        compilerOptions: { strict: true, skipLibCheck: true, typeRoots: [join(project, "node_modules", "@types")] } }));
    }
    plugins.push((typescript.default || typescript)({
      tsconfig,
      // Whatever the project's tsconfig says for its own build, the board needs ES5 with the helpers
      // written out (a `require("tslib")` would not be found there) and nothing written to disk.
      compilerOptions: { target: "ES5", module: "ESNext", moduleResolution: "Bundler", declaration: false, declarationMap: false,
        sourceMap: false, inlineSourceMap: false, importHelpers: false, noEmitHelpers: false, noEmit: false,
        emitDeclarationOnly: false, composite: false, incremental: false, outDir: undefined, rootDir: undefined },
      // Only the app's own files are compiled with it.
      include: ["**/*.ts"],
      filterRoot: scratch ? dirname(entry) : dirname(tsconfig),
      // Type errors come back as warnings and fail the bundle below: as errors the plugin would leave
      // its TypeScript watcher running (it is not closed when the first build throws).
      noEmitOnError: false,
      outputToFilesystem: false,
    }));
  }
  const problems = [];
  const typeErrors = [];
  const bundle = await rollup.rollup({
    input: entry,
    plugins,
    // A bare name (picohttp, Storage, Wifi, ...) is the board's own module: left to require().
    external: (id) => !id.startsWith(".") && !isAbsolute(id) && !id.startsWith("\0"),
    onwarn: (warning) => {
      if (warning.plugin === "typescript" && /^TS\d/.test(String(warning.pluginCode))) typeErrors.push(warning.message);
      else if (warning.code === "PLUGIN_WARNING" || warning.code === "UNRESOLVED_IMPORT" || warning.code === "CIRCULAR_DEPENDENCY") {
        problems.push(warning.message);
      }
    },
  }).catch((error) => {
    throw new Error(`${relative(process.cwd(), entry)}: ${error.message}`);
  }).finally(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });
  const { output } = await bundle.generate({
    format: "cjs",
    // picohttp/espruino is the board's typings for the module that is "picohttp" in Storage.
    paths: (id) => (id === "picohttp/espruino" ? "picohttp" : id),
    strict: false, esModule: false, freeze: false, interop: "default", generatedCode: "es5", exports: "auto",
  });
  await bundle.close();
  if (typeErrors.length) throw new Error(`${relative(process.cwd(), entry)}: ${typeErrors.join("\n")}`);
  for (const problem of problems) console.error("flash: " + problem);
  return output[0].code;
}
