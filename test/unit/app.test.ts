// What `picohttp flash` does to an app before any board is involved: TypeScript and modules bundled to
// one ES5 script (scripts/lib/app.mjs), the app checked as a script (no exports), and the upload mode
// chosen from the board's memory.
import test from "ava";
import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";

const ROOT = resolve(__dirname, "../..");
const CACHE = join(ROOT, "node_modules", ".cache");

// The scripts are ES modules; ava runs this file as CommonJS through tsx.
const load = () => import(join(ROOT, "scripts", "lib", "app.mjs"));
const checker = () => import(join(ROOT, "scripts", "check-bundle.mjs"));

/** A project folder below this repository (so that its rollup and TypeScript are found) with `files`. */
function project(files: { [name: string]: string }): string {
  mkdirSync(CACHE, { recursive: true });
  const dir = mkdtempSync(join(CACHE, "picohttp-app-"));
  writeFileSync(join(dir, "package.json"), '{"name":"app","private":true}');
  for (const name in files) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), files[name]);
  }
  return dir;
}

const TSCONFIG = JSON.stringify({ compilerOptions: { target: "ES2020", module: "ESNext", moduleResolution: "Bundler", strict: true,
  types: [], outDir: "dist", declaration: true, importHelpers: true, skipLibCheck: true } });

test("a TypeScript app is bundled to one ES5 script that requires picohttp from Storage", async (t) => {
  const dir = project({
    "tsconfig.json": TSCONFIG,
    "src/app.ts": 'import { greeting } from "./words";\ndeclare function require(name: string): any;\n' +
      'const picohttp = require("picohttp");\nclass Greeter { constructor(readonly word: string) {} say() { return `${this.word}!`; } }\n' +
      "const g = new Greeter(greeting);\nnew picohttp.HttpServer(80, (q: unknown, s: { data: string }) => { s.data = g.say(); });\n",
    "src/words.ts": 'export const greeting: string = "hello";\n',
  });
  try {
    const { loadApp } = await load();
    const app = await loadApp(dir, join(dir, "out"));
    t.true(app.bundled);
    t.true(app.main.endsWith(join("src", "app.ts")));
    t.notRegex(app.code, /\bimport\b|\bexport\b|=>|`|^\s*class\b/m);
    t.regex(app.code, /"hello"/);
    t.notRegex(app.code, /tslib/); // helpers written out, whatever the project's tsconfig says
    const { checkSource } = await checker();
    t.deepEqual(checkSource(app.code, { app: true }), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("picohttp/espruino (the board's typings) becomes the Storage module picohttp", async (t) => {
  const dir = project({ "app.ts": 'import { HttpServer } from "picohttp/espruino";\nnew HttpServer(80, function () {});\n' });
  // picohttp as an app project has it: a dependency (this repository, its dist/types built by npm test).
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "picohttp"), "dir");
  try {
    const { loadApp } = await load();
    const app = await loadApp(join(dir, "app.ts"));
    t.regex(app.code, /require\(['"]picohttp['"]\)/);
    t.notRegex(app.code, /picohttp\/espruino/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an app that exports is refused by the board check: exports does not exist in an app on Espruino", async (t) => {
  const dir = project({ "app.ts": "export const port = 80;\n" });
  try {
    const { loadApp } = await load();
    const app = await loadApp(join(dir, "app.ts"));
    const { checkSource } = await checker();
    const problems = checkSource(app.code, { app: true });
    t.true(problems.some((p: { message: string }) => /exports is not defined in an app/.test(p.message)), JSON.stringify(problems));
    // A module (the library's own bundles) may use exports.
    t.deepEqual(checkSource("exports.a = 1; module.exports = exports;"), []);
    t.is(checkSource("module.exports = 1;", { app: true }).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a type error stops the bundle with the compiler's message", async (t) => {
  const dir = project({ "app.ts": "const port: number = \"eighty\";\nconsole.log(port);\n" });
  try {
    const { loadApp } = await load();
    await t.throwsAsync(loadApp(join(dir, "app.ts")), { message: /not assignable to type 'number'/ });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a TypeScript app in a project without rollup is told what to install", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "picohttp-bare-"));
  writeFileSync(join(dir, "package.json"), "{}");
  writeFileSync(join(dir, "app.ts"), "const a: number = 1;\n");
  try {
    const { loadApp } = await load();
    await t.throwsAsync(loadApp(join(dir, "app.ts")), { message: /npm install --save-dev rollup @rollup\/plugin-typescript typescript tslib/ });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("picohttp flash puts the app in Storage on a 1600-variable board, in RAM on a larger one", (t) => {
  const flash = (board: string) => spawnSync(process.execPath, [join(ROOT, "scripts", "cli.mjs"), "flash", "--board", board, "--dry-run",
    join(ROOT, "examples", "hello.js")], { cwd: ROOT, encoding: "utf8" });
  const small = flash("linux-1600");
  t.is(small.status, 0, small.stderr);
  t.regex(small.stdout, /1600 variables: the app goes to Storage \(\.bootcde\)/);
  t.regex(small.stdout, /app: \d+ bytes to \.bootcde/);
  const large = flash("linux");
  t.is(large.status, 0, large.stderr);
  t.regex(large.stdout, /app: \d+ bytes to RAM/);
  const forced = spawnSync(process.execPath, [join(ROOT, "scripts", "cli.mjs"), "flash", "--board", "linux-1600", "--dry-run", "--ram",
    join(ROOT, "examples", "hello.js")], { cwd: ROOT, encoding: "utf8" });
  t.regex(forced.stdout, /app: \d+ bytes to RAM/);
});

test("the picohttp command lists its commands, and refuses an unknown one", (t) => {
  const help = spawnSync(process.execPath, [join(ROOT, "scripts", "cli.mjs"), "--help"], { encoding: "utf8" });
  t.is(help.status, 0);
  t.regex(help.stdout, /picohttp flash/);
  t.regex(help.stdout, /picohttp assets/);
  const unknown = spawnSync(process.execPath, [join(ROOT, "scripts", "cli.mjs"), "upload"], { encoding: "utf8" });
  t.is(unknown.status, 2);
  t.regex(unknown.stderr, /no command upload/);
  const missing = spawnSync(process.execPath, [join(ROOT, "scripts", "cli.mjs"), "assets", "no-such-folder"], { encoding: "utf8" });
  t.is(missing.status, 1);
  t.regex(missing.stderr, /no-such-folder: no such folder/);
});

test("picohttp flash on a serial port says the baud it uses (115200 for an ESP8266), and what went wrong when there is no board", (t) => {
  const result = spawnSync(process.execPath, [join(ROOT, "scripts", "cli.mjs"), "flash", "--board", "esp8266", "--port", "/dev/ttyPICOHTTP-NONE",
    join(ROOT, "examples", "hello.js")], { cwd: ROOT, encoding: "utf8", timeout: 60000 });
  t.is(result.status, 1);
  t.regex(result.stdout, /\/dev\/ttyPICOHTTP-NONE at 115200 baud/);
  t.regex(result.stderr, /ttyPICOHTTP-NONE/);
  t.regex(result.stderr, /not found|Unable to connect|no answer/);
});

test("picohttp flash refuses an app that requires a module the board will not have, naming it", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "picohttp-requires-"));
  writeFileSync(join(dir, "app.js"), 'var picohttp = require("picohttp");\nvar _ = require("lodash");\nvar s = require("Storage");\n' +
    'var r = require("picohttp/router");\n');
  try {
    const result = spawnSync(process.execPath, [join(ROOT, "scripts", "cli.mjs"), "flash", "--board", "linux", "--dry-run", dir],
      { cwd: ROOT, encoding: "utf8" });
    t.is(result.status, 1);
    t.regex(result.stderr, /requires lodash, which is not on the board/);
    t.notRegex(result.stderr, /Storage,.*which|picohttp\/router, which/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
