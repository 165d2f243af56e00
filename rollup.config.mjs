// The board build: the core (dist/picohttp.js, what Espruino loads as require("picohttp"), and its reason
// phrase table dist/picohttp.status) and one module
// per feature (dist/picohttp-<name>.js: Storage modules "picohttp/static", "picohttp/store",
// "picohttp/router", "picohttp/auth", "picohttp/cors", "picohttp/events", "picohttp/upload"), each ES5 and minified; a feature module takes what it shares with the core from
// require("picohttp") instead of carrying a copy. Then the Node build, its subpath entries and the test
// helpers.
import typescript from "@rollup/plugin-typescript";
import terser from "@rollup/plugin-terser";
import { tsImport } from "tsx/esm/api";
import { tokenise } from "./scripts/lib/tokenise.mjs";

const nodeBuiltins = ["net", "fs", "path", "buffer"];

const boardOutput = (file) => ({
  file,
  format: "cjs",
  exports: "named",
  esModule: false, // no Object.defineProperty(exports, "__esModule")
  freeze: false, // Espruino has no Object.freeze
  strict: false,
  generatedCode: "es5",
});

/**
 * TypeScript writes an ES5 class as `var C = (function () { function C() {} C.prototype.m = ...; return C; }())`.
 * On a board the wrapper's scope is kept alive by every method (about three variables a method, more
 * for the class): unwrapped, a class is its constructor function and its prototype assignments at the
 * top of the module. Only classes made of exactly those are unwrapped; anything else is an error here.
 */
const unwrapClasses = {
  name: "unwrap-classes",
  transform(code, id) {
    if (!/\.ts$/.test(id)) return null;
    const result = code.replace(/var (\w+) = \/\*\* @class \*\/ \(function \(\) \{\n([\s\S]*?)\n    return \1;\n\}\(\)\);/g,
      (whole, name, body) => {
        for (const line of body.split("\n")) {
          const top = line.startsWith("    ") && !line.startsWith("     ");
          if (top && !/^    (function \w+\(|\w+\.prototype\.\w+ = function|\/\*\*|\/\/|\}|\*)/.test(line) && !line.startsWith("     *")) {
            throw new Error(`unwrap-classes: class ${name} in ${id} has a statement it cannot move: ${line.trim()}`);
          }
        }
        return body.replace(/^    /gm, "");
      });
    return result === code ? null : { code: result, map: null };
  },
};

const boardPlugins = () => [
  typescript({ target: "ES5", declaration: false, noEmitHelpers: true, include: ["src/**/*.ts"] }),
  unwrapClasses,
  terser({
    ecma: 5,
    // Espruino does not hoist function declarations: hoist_funs moves them before any use.
    // A function called from one place is inlined as a function expression, made at each call: free at
    // rest, but from RAM each one made copies its text. The three largest made at every request, the
    // parser (1.3 KB), accept and prepareResponse (1 KB), are kept apart with /*#__NOINLINE__*/ in the
    // source: 22 variables more at rest from Storage (a function costs 5 and one per parameter), about
    // 13% less CPU per request from RAM. (finish gives a connection's place back in its own body instead:
    // no function to make, and no variables.)
    compress: { hoist_funs: true, passes: 2, unsafe_arrows: false },
    // Internal members start with "_": short names cost fewer variables on a board.
    mangle: { properties: { regex: /^_/ } },
    // Short lines: an Error made in code from Storage copies its source line, up to the error's column,
    // into RAM for the stack trace; deep into one 13 KB line that is more than a 1600-variable heap has.
    format: { ascii_only: true, max_line_len: 160 },
  }),
];

/**
 * Each board module also as Storage holds it (dist/storage/<file>): pretokenised (scripts/lib/tokenise.mjs),
 * 16% smaller in flash and quicker for the interpreter to lex. dist/<file> stays source text, for the
 * bundle check and for apps that upload the library to RAM.
 */
const storageForm = {
  name: "storage-form",
  generateBundle(options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type === "chunk") this.emitFile({ type: "asset", fileName: "storage/" + chunk.fileName, source: Buffer.from(tokenise(chunk.code), "latin1") });
    }
  },
};

/**
 * The reason phrase table, as the file the core reads from Storage (dist/picohttp.status, Storage file
 * "picohttp.status"): taken from src/core/status.ts, where the Node build has it.
 */
const statusTable = {
  name: "status-table",
  async generateBundle() {
    const { STATUS_PHRASES } = await tsImport("./src/core/status.ts", import.meta.url);
    this.emitFile({ type: "asset", fileName: "picohttp.status", source: STATUS_PHRASES });
  },
};

/** In a feature module, the core's own files come from require("picohttp"). */
const coreFromModule = {
  name: "core-from-module",
  resolveId(source, importer) {
    if (importer && (/\/core\/(text|headers|serializer|url)(\.ts)?$/.test(source.replace(/^\.\//, "/")) || source === "./espruino")) {
      return { id: "picohttp", external: true };
    }
    return null;
  },
};

/** A Node subpath entry re-exports the main Node bundle. */
const nodeMain = {
  name: "node-main",
  resolveId(source, importer) {
    return importer && /node-(static|store|router|auth|cors|events|upload)\.ts$/.test(importer) && source === "./node"
      ? { id: "./picohttp.node.js", external: true } : null;
  },
};

const feature = (name) => ({
  input: `src/espruino-${name}.ts`,
  output: boardOutput(`dist/picohttp-${name}.js`),
  plugins: [coreFromModule, ...boardPlugins(), storageForm],
});

const node = (input, file, extra = []) => ({
  input,
  external: nodeBuiltins,
  output: { file, format: "cjs", exports: "named" },
  plugins: [...extra, typescript({ target: "ES2019", declaration: false, include: ["src/**/*.ts"] })],
});

export default [
  { input: "src/espruino.ts", output: boardOutput("dist/picohttp.js"), plugins: [...boardPlugins(), statusTable, storageForm] },
  feature("static"),
  feature("store"),
  feature("router"),
  feature("auth"),
  feature("cors"),
  feature("events"),
  feature("upload"),
  node("src/node.ts", "dist/picohttp.node.js"),
  node("src/node-static.ts", "dist/static.node.js", [nodeMain]),
  node("src/node-store.ts", "dist/store.node.js", [nodeMain]),
  node("src/node-router.ts", "dist/router.node.js", [nodeMain]),
  node("src/node-auth.ts", "dist/auth.node.js", [nodeMain]),
  node("src/node-cors.ts", "dist/cors.node.js", [nodeMain]),
  node("src/node-events.ts", "dist/events.node.js", [nodeMain]),
  node("src/node-upload.ts", "dist/upload.node.js", [nodeMain]),
  node("src/testing.ts", "dist/testing.js"),
];
