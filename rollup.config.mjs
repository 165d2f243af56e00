// Three bundles: the board build (ES5, minified, what Espruino loads as require("picohttp")),
// the Node build, and the test helpers for Node.
import typescript from "@rollup/plugin-typescript";
import terser from "@rollup/plugin-terser";

const nodeBuiltins = ["net", "fs", "path", "buffer"];

export default [
  {
    input: "src/espruino.ts",
    output: {
      file: "dist/picohttp.js",
      format: "cjs",
      exports: "named",
      esModule: false, // no Object.defineProperty(exports, "__esModule")
      freeze: false, // Espruino has no Object.freeze
      strict: false,
      generatedCode: "es5",
    },
    plugins: [
      typescript({ target: "ES5", declaration: false, noEmitHelpers: true, include: ["src/**/*.ts"] }),
      terser({
        ecma: 5,
        // Espruino does not hoist function declarations: hoist_funs moves them before any use.
        compress: { hoist_funs: true, passes: 2, unsafe_arrows: false },
        // Internal members start with "_": short names cost fewer variables on a board.
        mangle: { properties: { regex: /^_/ } },
        // Short lines: an Error made in code from Storage copies its source line, up to the error's column,
        // into RAM for the stack trace; deep into one 16 KB line that is more than a 1600-variable heap has.
        format: { ascii_only: true, max_line_len: 160 },
      }),
    ],
  },
  {
    input: "src/node.ts",
    external: nodeBuiltins,
    output: { file: "dist/picohttp.node.js", format: "cjs", exports: "named" },
    plugins: [typescript({ target: "ES2019", declaration: false, include: ["src/**/*.ts"] })],
  },
  {
    input: "src/testing.ts",
    external: nodeBuiltins,
    output: { file: "dist/testing.js", format: "cjs", exports: "named" },
    plugins: [typescript({ target: "ES2019", declaration: false, include: ["src/**/*.ts"] })],
  },
];
