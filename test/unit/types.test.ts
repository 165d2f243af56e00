// The published declarations (dist/types, from `npm run build`; `npm test` builds first), checked the way
// an app's compiler sees them: small apps, each a file of its own, compiled with the TypeScript compiler
// API against the built .d.ts files. A line marked `// error TS<code>` must get exactly that error; every
// other line must compile. One program per kind of project (Node; a board app with the Espruino globals; a
// project with both @types/node and the Espruino globals), parsed library files shared between them.
import test from "ava";
import * as ts from "typescript";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "fs";
import { join, resolve } from "path";

const root = resolve(__dirname, "../..");
const types = join(root, "dist", "types");
const env = join(types, "espruino-env.d.ts");
/** Where the snippets pretend to be (they are never written). */
const snippets = join(root, "test", "unit", "__types__");

function missingBuild(): string | undefined {
  for (const file of ["node.d.ts", "espruino.d.ts", "espruino-static.d.ts", "espruino-store.d.ts", "espruino-router.d.ts",
    "espruino-auth.d.ts", "espruino-cors.d.ts", "espruino-events.d.ts", "espruino-upload.d.ts", "node-static.d.ts", "node-store.d.ts", "node-router.d.ts",
    "node-auth.d.ts", "node-cors.d.ts", "node-events.d.ts", "node-upload.d.ts", "testing.d.ts", "espruino-env.d.ts"]) {
    if (!existsSync(join(types, file))) return `dist/types/${file} is missing: run \`npm run build\` first (npm test does)`;
  }
  return undefined;
}

const common: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: false,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  esModuleInterop: true,
  typeRoots: [join(root, "node_modules", "@types")],
};

/** A Node project: "picohttp" and its subpaths are the Node build's declarations (and the board's, as "picohttp/espruino"). */
const nodeOptions: ts.CompilerOptions = {
  ...common,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  types: ["node"],
  paths: {
    "picohttp": [join(types, "node.d.ts")],
    "picohttp/static": [join(types, "node-static.d.ts")],
    "picohttp/store": [join(types, "node-store.d.ts")],
    "picohttp/router": [join(types, "node-router.d.ts")],
    "picohttp/auth": [join(types, "node-auth.d.ts")],
    "picohttp/cors": [join(types, "node-cors.d.ts")],
    "picohttp/events": [join(types, "node-events.d.ts")],
    "picohttp/upload": [join(types, "node-upload.d.ts")],
    "picohttp/testing": [join(types, "testing.d.ts")],
    "picohttp/espruino": [join(types, "espruino.d.ts")],
  },
};

/** A board app: ES5, no @types/node, the Espruino globals, and "picohttp" the board module (as in Storage). */
const boardOptions: ts.CompilerOptions = {
  ...common,
  target: ts.ScriptTarget.ES5,
  lib: ["lib.es5.d.ts", "lib.es2015.promise.d.ts"],
  types: [],
  paths: {
    "picohttp": [join(types, "espruino.d.ts")],
    "picohttp/static": [join(types, "espruino-static.d.ts")],
    "picohttp/store": [join(types, "espruino-store.d.ts")],
    "picohttp/router": [join(types, "espruino-router.d.ts")],
    "picohttp/auth": [join(types, "espruino-auth.d.ts")],
    "picohttp/cors": [join(types, "espruino-cors.d.ts")],
    "picohttp/events": [join(types, "espruino-events.d.ts")],
    "picohttp/upload": [join(types, "espruino-upload.d.ts")],
  },
};

// --- Node -----------------------------------------------------------------------------------------------

const nodeSnippets: { [name: string]: string } = {
  "server-forms.ts": `
import { HttpServer, Handler, HttpRequest, HttpResponse, ServerOptions } from "picohttp";
import { FakeNet } from "picohttp/testing";
const h: Handler = (request: HttpRequest, response: HttpResponse, unit: string) => { response.data = unit; };
new HttpServer();
new HttpServer(8080);
new HttpServer(8080, h);
new HttpServer(8080, h, ["C"]);
new HttpServer(8080, h, ["C"], false, false, false);
new HttpServer(8080, h, undefined, true);
new HttpServer(8080, h, { maxBody: 10, threads: false, start: false, args: ["C"], net: new FakeNet(), onError: (error) => undefined });
new HttpServer(undefined, undefined, { block: false });
const options: ServerOptions = { headerTimeout: 2000 };
const server = new HttpServer(8080, h, options).start();
server.close();
const served: number = server.stats.requests + server.limits.maxBody + server.port;
new HttpServer(80, h, { maxBody: 10 }, false, false); // error TS2353
new HttpServer(80, h, { maxBody: "10" }); // error TS2769
new HttpServer(80, h, { maxBodySize: 10 }); // error TS2769
new HttpServer("80"); // error TS2345
`,
  "server-internals.ts": `
import { HttpServer } from "picohttp";
const server = new HttpServer(8080);
server._connections; // error TS2339
server._listener; // error TS2339
server._ending; // error TS2339
HttpServer.prototype._platform; // error TS2339
`,
  "internal-exports.ts": `
import { codec } from "picohttp"; // error TS2305
import { Platform } from "picohttp"; // error TS2305
import { find } from "picohttp/espruino"; // error TS2305
import { jsonText } from "picohttp/espruino"; // error TS2305
import { findHeader } from "picohttp/espruino"; // error TS2305
`,
  "response-data.ts": `
import { HttpServer, HttpResponse, BodyStream, JsonValue, ResponseData } from "picohttp";
type Reading = { value: number; unit: string; at?: string };
const reading: Reading = { value: 21.5, unit: "C" };
new HttpServer(8080, (request, response) => {
  response.data = "x";
  response.data = { a: 1 };
  response.data = { a: [1, "é", null, { b: true }], c: undefined };
  response.data = [1, 2, 3];
  response.data = reading;
  response.data = { query: request.query, headers: request.headers, path: request.path };
  response.data = 42;
  response.data = true;
  response.data = null;
  response.data = undefined;
  response.data = new Uint8Array(2);
  response.data = new Uint8Array(2).buffer;
  response.data = Buffer.from("x");
  response.data = { length: 5, read: (offset: number, size: number) => "12345".substr(offset, size) };
  response.data = { read: (offset: number) => (offset ? undefined : new Uint8Array([1])), close: () => undefined };
  response.data = (offset: number, size: number) => (offset < 10 ? "x" : undefined);
  const stream: BodyStream = { length: 1, read: () => "x" };
  response.data = stream;
  const json: JsonValue = { nested: { list: [reading] } };
  response.data = json;
  const any: ResponseData = "fine";
  response.data = any;
});
const response = new HttpResponse("HTTP/1.0", 200, { "X-A": "b" }, { ok: true });
response.data = new Map(); // error TS2322
response.data = new Set([1]); // error TS2322
response.data = Promise.resolve(1); // error TS2322
response.data = new Date(); // error TS2322
response.data = () => 5; // error TS2322
response.data = { when: new Date() }; // error TS2322
response.data = { f: () => 1 }; // error TS2322
response.data = [new Map()]; // error TS2322
response.data = { length: 5, read: () => 12345 }; // error TS2322
new HttpResponse("HTTP/1.0", 200, {}, Promise.resolve("x")); // error TS2345
`,
  "store.ts": `
import { load, save } from "picohttp";
import * as store from "picohttp/store";
const n: number = load<{ n: number }>("x", { n: 0 }).n;
const inferred: string = load("y", { unit: "C" }).unit;
const list: string[] = load<string[]>("z", []);
const maybe = load<number>("w");
if (maybe !== undefined) maybe.toFixed(1);
const raw: unknown = load("v");
save("x", { n: n + 1 });
store.save("y", [1, 2]);
store.load<{ n: number }>("x", { n: 0 }).n.toFixed();
load("x").n; // error TS2571
load<{ n: number }>("x").n; // error TS2532
const wrong: string = load("y", { n: 0 }).n; // error TS2322
`,
  "static-and-testing.ts": `
import { HttpServer, staticResource, useStorage, memoryStorage, directoryStorage, mimeType } from "picohttp";
import * as statics from "picohttp/static";
import { FakeNet, FakeConnection, parseResponse, ParsedResponse } from "picohttp/testing";
useStorage(memoryStorage({ "index.html": "<h1>hi</h1>" }), 28);
useStorage(directoryStorage("."));
const type: string = mimeType("a.css", "text/plain") + statics.mimeType("a.js", "text/plain");
const net = new FakeNet();
new HttpServer(80, (request, response) => staticResource(request, response, "www"), { net: net });
new HttpServer(81, (request, response) => statics.staticResource(request, response), { net: net });
const answer: Promise<ParsedResponse> = net.request(80, "GET / HTTP/1.0\\r\\n\\r\\n", 1);
const connection: FakeConnection = net.connect(80);
connection.sendInPieces("GET / HTTP/1.0\\r\\n\\r\\n", 3);
const status: number = parseResponse("HTTP/1.0 200 OK\\r\\n\\r\\n").status;
net.listeners; // error TS2339
`,
  "upload.ts": `
import { HttpServer, Handler, BodySink, basic, router } from "picohttp";
import { uploads } from "picohttp/upload";
new HttpServer(80, basic(uploads(router([]), { path: "/www/", maxSize: 65536 })));
// A handler of its own that takes bodies piece by piece.
let total = 0;
const sink: BodySink = { write: (piece: string) => { total += piece.length; }, end: () => undefined, abort: () => { total = 0; } };
const counting: Handler = (request, response) => { response.data = { total }; };
counting.receive = (request, length) => length > 1000000 ? 413 : request.method === "PUT" ? sink : undefined;
new HttpServer(81, counting);
counting.receive = () => "yes"; // error TS2322
uploads(counting, { path: 1 }); // error TS2322
`,
  "board-types-on-node.ts": `
// The board declarations compile in a Node project too, and bring no Espruino globals with them.
import { HttpServer, HttpRequest, HttpResponse, staticResource, load, save } from "picohttp/espruino";
new HttpServer(80, (request: HttpRequest, response: HttpResponse) => {
  if (request.path[0] === "state") response.data = load("state", { on: false });
  else staticResource(request, response);
});
save("state", { on: true });
digitalWrite(D2, 1); // error TS2304 TS2304
E.getSizeOf({}); // error TS2304
const memory = process.memory(); // error TS2339
`,
};

// --- A board app --------------------------------------------------------------------------------------

const boardSnippets: { [name: string]: string } = {
  "board-app.ts": `
import { HttpServer, HttpRequest, HttpResponse, staticResource, load, save } from "picohttp";
type Settings = { unit: string; interval: number };
const settings = load<Settings>("settings", { unit: "C", interval: 1000 });
digitalWrite(D2, 1);
digitalWrite([D4, D5], 2);
pinMode(D2, "output");
const level: number = digitalRead(D0) + analogRead(A0);
analogWrite(D12, 0.5, { freq: 1000 });
const watch: number = setWatch(function (event) { digitalWrite(LED1, event.state); }, BTN1, { repeat: true, edge: "both", debounce: 50 });
clearWatch(watch);
const file: string | undefined = require("Storage").read("www/index.html", 0, 100);
const free: number = process.memory().free + process.memory(false).usage + require("Storage").getFree();
const names: string[] = require("Storage").list(/^www\\//);
require("Storage").writeJSON("x.json", { a: 1 });
const log = require("Storage").open("log.txt", "a");
log.write("line\\n");
const wifi = require("Wifi");
wifi.setHostname("picohttp");
wifi.connect("ssid", { password: "secret" }, function (error) {
  if (error) console.log("wifi:", error);
  else console.log(wifi.getIP().ip);
});
wifi.save();
const timer: number = setTimeout(function () { digitalWrite(D2, 0); }, 10);
clearTimeout(timer);
setInterval(function () { console.log(getTime()); }, settings.interval);
E.on("init", function () { save("settings", settings); });
const size: number = E.getSizeOf(settings);
const server = new HttpServer(80, function (request: HttpRequest, response: HttpResponse) {
  if (request.path[0] === "api") {
    response.data = { unit: settings.unit, temperature: E.getTemperature(), uptime: getTime(), free: process.memory(false).free };
    return;
  }
  staticResource(request, response, "www");
}, { maxBody: 1024, minFreeMemory: 300 });
require("net").createServer(function (socket) { socket.on("data", function (data) { socket.write(data); }); }).listen(23);
function onInit() { server.start(); }
digitalWrite("D2", 1); // error TS2345
require("Storage").read(1); // error TS2345
load<Settings>("settings").unit; // error TS2532
server._connections; // error TS2339
`,
  "board-app-script.ts": `
// The way the examples are written: no import, the module by its Storage name.
var picohttp = require("picohttp");
var saved = picohttp.load<{ on: boolean }>("state", { on: false });
new picohttp.HttpServer(80, function (request, response) {
  response.data = { on: saved.on, path: request.path };
});
load(); // the interpreter's own load(): the saved app
picohttp.save("state", { on: !saved.on });
var other: any = require("Something");
picohttp.load("state", { on: false }, 1); // error TS2554
load("state", { on: false }); // error TS2554
new picohttp.HttpServer(80, function (request, response) { response.data = new Date(); }); // error TS2322
`,
  "board-internals.ts": `
import { find } from "picohttp"; // error TS2305
import { jsonText } from "picohttp"; // error TS2305
`,
};

// --- Both -------------------------------------------------------------------------------------------------

const mixedSnippets: { [name: string]: string } = {
  "mixed.ts": `
// @types/node and the Espruino globals in one program: neither redeclares the other's require or process.
import { readFileSync } from "fs";
const text: string = readFileSync("x", "utf8");
const file: string | undefined = require("Storage").read("x");
const anything = require("fs");
const free: number = process.memory().free;
const cwd: string = process.cwd();
digitalWrite(D2, 1);
console.log(E.getSizeOf(file));
`,
};

// --- The compiler -----------------------------------------------------------------------------------------

const parsed = new Map<string, ts.SourceFile>();

/** A program of the snippets (as virtual files) and `roots`, sharing parsed library files with the others. */
function compile(options: ts.CompilerOptions, files: { [name: string]: string }, roots: string[] = []): ts.Program {
  const virtual = new Map<string, string>();
  for (const name in files) virtual.set(join(snippets, name), files[name]);
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (fileName, version, onError, shouldCreate) => {
    const text = virtual.get(fileName);
    if (text !== undefined) return ts.createSourceFile(fileName, text, version, true);
    const key = fileName + " " + JSON.stringify(version);
    let file = parsed.get(key);
    if (!file) {
      file = getSourceFile.call(host, fileName, version, onError, shouldCreate);
      if (file) parsed.set(key, file);
    }
    return file;
  };
  host.fileExists = (fileName) => virtual.has(fileName) || ts.sys.fileExists(fileName);
  host.readFile = (fileName) => virtual.has(fileName) ? virtual.get(fileName) : ts.sys.readFile(fileName);
  return ts.createProgram([...virtual.keys(), ...roots], options, host);
}

let programs: { node: ts.Program; board: ts.Program; mixed: ts.Program } | undefined;

function build() {
  const missing = missingBuild();
  if (missing) throw new Error(missing);
  if (!programs) {
    programs = {
      node: compile(nodeOptions, nodeSnippets),
      board: compile(boardOptions, boardSnippets, [env]),
      mixed: compile(nodeOptions, mixedSnippets, [env]),
    };
  }
  return programs;
}

function describe(diagnostic: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code}: ${text}`;
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${diagnostic.file.fileName.substring(root.length + 1)}:${line + 1} TS${diagnostic.code}: ${text}`;
}

function diagnosticsOf(program: ts.Program, file: ts.SourceFile): ts.Diagnostic[] {
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
}

/**
 * Problems with the snippet `name`: a line marked `// error TS<code> ...` without exactly those errors, or
 * an error on an unmarked line. None when it compiles as its marks say.
 */
function check(program: ts.Program, name: string): string[] {
  const file = program.getSourceFile(join(snippets, name));
  if (!file) return [`${name} is not in the program`];
  const got = new Map<number, number[]>();
  const problems: string[] = [];
  for (const diagnostic of diagnosticsOf(program, file)) {
    const line = file.getLineAndCharacterOfPosition(diagnostic.start || 0).line;
    got.set(line, [...(got.get(line) || []), diagnostic.code]);
    const mark = /\/\/ error((?: TS\d+)+)/.exec(file.text.split("\n")[line]);
    if (!mark) problems.push("unexpected: " + describe(diagnostic));
  }
  file.text.split("\n").forEach((text, line) => {
    const mark = /\/\/ error((?: TS\d+)+)/.exec(text);
    if (!mark) return;
    const expected = mark[1].trim().split(" ").map((code) => Number(code.substring(2))).sort();
    const actual = (got.get(line) || []).slice().sort();
    if (expected.join() !== actual.join()) {
      problems.push(`${name}:${line + 1}: expected ${mark[1].trim()}, got ${actual.length ? actual.map((c) => "TS" + c).join(" ") : "no error"}: ${text.trim()}`);
    }
  });
  return problems;
}

/** Errors in the program's options or globals, or in the built declarations it reads. */
function declarationProblems(program: ts.Program): string[] {
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const file of program.getSourceFiles()) {
    if (file.fileName.indexOf(types) === 0) diagnostics.push(...diagnosticsOf(program, file));
  }
  return diagnostics.map(describe);
}

const snippet = test.macro((t, kind: "node" | "board" | "mixed", name: string) => {
  const program = build()[kind];
  t.deepEqual(check(program, name), []);
});

for (const name in nodeSnippets) test(`Node: ${name}`, snippet, "node", name);
for (const name in boardSnippets) test(`board: ${name}`, snippet, "board", name);
for (const name in mixedSnippets) test(`@types/node with the Espruino globals: ${name}`, snippet, "mixed", name);

test("the built declarations compile, in every kind of project", (t) => {
  const { node, board, mixed } = build();
  t.deepEqual(declarationProblems(node), [], "Node");
  t.deepEqual(declarationProblems(board), [], "board");
  // A clash between the two sets of globals may be reported in @types/node's files: every file that declares
  // a name the Espruino globals declare too is checked.
  const all = [...mixed.getOptionsDiagnostics(), ...mixed.getGlobalDiagnostics()];
  for (const file of sharingNames(mixed)) all.push(...diagnosticsOf(mixed, file));
  t.deepEqual(all.map(describe), [], "@types/node with the Espruino globals");
});

/** The Espruino globals' file, and every file that declares a name it declares (`require`, `Console`...). */
function sharingNames(program: ts.Program): ts.SourceFile[] {
  const checker = program.getTypeChecker();
  const envFile = program.getSourceFile(env) as ts.SourceFile;
  const files = new Set([envFile]);
  const visit = (node: ts.Node): void => {
    const name = (node as { name?: ts.Node }).name;
    // Not the names of `declare global` and `namespace NodeJS`, which every @types/node file shares.
    if (name && ts.isIdentifier(name) && !ts.isModuleDeclaration(node)) {
      const symbol = checker.getSymbolAtLocation(name);
      for (const declaration of (symbol && symbol.declarations) || []) files.add(declaration.getSourceFile());
    }
    ts.forEachChild(node, visit);
  };
  visit(envFile);
  return [...files];
}

test("the Espruino globals are opt-in: nothing in the Node or board declarations pulls them in", (t) => {
  const { node } = build();
  t.is(node.getSourceFile(env), undefined);
  const board = compile(boardOptions, { "plain.ts": `import { HttpServer } from "picohttp";\nnew HttpServer(80);\n` });
  t.is(board.getSourceFile(env), undefined);
  t.deepEqual(check(board, "plain.ts"), []);
});

/** The names an entry point's declarations export: values (classes, functions, constants) and types. */
function declaredExports(program: ts.Program, entry: string): { values: string[]; types: string[] } {
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(join(types, entry));
  if (!file) throw new Error(entry + " is not in the program");
  const values: string[] = [];
  const typeNames: string[] = [];
  for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(file) as ts.Symbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    (target.flags & ts.SymbolFlags.Value ? values : typeNames).push(symbol.name);
  }
  return { values: values.sort(), types: typeNames.sort() };
}

/** The names a built board bundle exports (rollup writes `exports.name=`). */
function bundleExports(bundle: string): string[] {
  const source = ts.sys.readFile(join(root, "dist", bundle)) || "";
  const names = new Set<string>();
  const pattern = /\bexports\.(\w+)\s*=/g;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) names.add(match[1]);
  return [...names].sort();
}

test("each entry point declares what its build exports, and nothing internal", (t) => {
  const { node, board } = build();
  const core = ["HttpRequest", "HttpResponse", "HttpServer", "load", "save", "staticResource"];
  const routerTypes = ["BodyKind", "Route", "RouteHandler", "RoutedRequest"];
  const coreTypes = ["BodyFunction", "BodySink", "BodyStream", "Handler", "JsonValue", "ResponseData", "ServerOptions", "ServerStats", "Tuning"];
  const program = compile(nodeOptions, {
    "entries.ts": ["node", "node-static", "node-store", "node-router", "node-auth", "node-cors", "node-events", "node-upload", "testing", "espruino",
      "espruino-static", "espruino-store", "espruino-router", "espruino-auth", "espruino-cors", "espruino-events", "espruino-upload"]
      .map((entry) => `import "${join(types, entry)}";`).join("\n"),
  });
  const declared = (entry: string) => declaredExports(program, entry);

  t.deepEqual(declared("node.d.ts"), {
    values: [...core, "Channel", "basic", "cors", "directoryStorage", "hasPassword", "memoryStorage", "mimeType", "router", "setPassword", "uploads", "useStorage"].sort(),
    types: [...coreTypes, ...routerTypes, "ChannelOptions", "CorsOptions", "LockoutOptions", "Storage", "UploadOptions"].sort(),
  });
  t.deepEqual(declared("node-auth.d.ts"), { values: ["basic", "hasPassword", "setPassword"], types: ["LockoutOptions"] });
  t.deepEqual(declared("espruino-auth.d.ts"), { values: ["basic", "hasPassword", "setPassword"], types: ["LockoutOptions"] });
  t.deepEqual(declared("node-cors.d.ts"), { values: ["cors"], types: ["CorsOptions"] });
  t.deepEqual(declared("espruino-cors.d.ts"), { values: ["cors"], types: ["CorsOptions"] });
  t.deepEqual(declared("node-events.d.ts"), { values: ["Channel"], types: ["ChannelOptions"] });
  t.deepEqual(declared("espruino-events.d.ts"), { values: ["Channel"], types: ["ChannelOptions"] });
  t.deepEqual(declared("node-upload.d.ts"), { values: ["uploads"], types: ["UploadOptions"] });
  t.deepEqual(declared("espruino-upload.d.ts"), { values: ["uploads"], types: ["UploadOptions"] });
  t.deepEqual(declared("node-router.d.ts"), { values: ["router"], types: routerTypes });
  t.deepEqual(declared("espruino-router.d.ts"), { values: ["router"], types: routerTypes });
  t.deepEqual(declared("node-static.d.ts"), { values: ["mimeType", "staticResource", "useStorage"], types: [] });
  t.deepEqual(declared("node-store.d.ts"), { values: ["load", "save", "useStorage"], types: [] });
  t.deepEqual(declared("testing.d.ts"), {
    values: ["FakeConnection", "FakeNet", "FakeSocket", "memoryStorage", "parseResponse"], types: ["ParsedResponse"],
  });
  t.deepEqual(declared("espruino.d.ts"), { values: core, types: coreTypes });
  t.deepEqual(declared("espruino-static.d.ts"), { values: ["staticResource"], types: [] });
  t.deepEqual(declared("espruino-store.d.ts"), { values: ["load", "save"], types: [] });

  // What the builds export: the declared values, and on each platform only the internals named here.
  const runtime = (file: string) => Object.keys(require(join(root, "dist", file))).sort();
  t.deepEqual(runtime("picohttp.node.js"), [...declared("node.d.ts").values, "codec"].sort(), "codec: for the tests");
  t.deepEqual(runtime("static.node.js"), declared("node-static.d.ts").values);
  t.deepEqual(runtime("store.node.js"), declared("node-store.d.ts").values);
  t.deepEqual(runtime("router.node.js"), declared("node-router.d.ts").values);
  t.deepEqual(runtime("auth.node.js"), declared("node-auth.d.ts").values);
  t.deepEqual(runtime("cors.node.js"), declared("node-cors.d.ts").values);
  t.deepEqual(runtime("events.node.js"), declared("node-events.d.ts").values);
  t.deepEqual(runtime("upload.node.js"), declared("node-upload.d.ts").values);
  t.deepEqual(runtime("testing.js"), declared("testing.d.ts").values);
  t.deepEqual(bundleExports("picohttp.js"), [...core, "find", "findHeader", "jsonText", "oneLine", "parseTarget"].sort(), "the five for the feature modules");
  // "picohttp/espruino" may run on Node too (the same app, for development): all it declares is there.
  t.deepEqual(core.filter((name) => runtime("picohttp.node.js").indexOf(name) < 0), []);
  t.deepEqual(bundleExports("picohttp-static.js"), declared("espruino-static.d.ts").values);
  t.deepEqual(bundleExports("picohttp-store.js"), declared("espruino-store.d.ts").values);
  t.deepEqual(bundleExports("picohttp-router.js"), declared("espruino-router.d.ts").values);
  t.deepEqual(bundleExports("picohttp-auth.js"), declared("espruino-auth.d.ts").values);
  t.deepEqual(bundleExports("picohttp-cors.js"), declared("espruino-cors.d.ts").values);
  t.deepEqual(bundleExports("picohttp-events.js"), declared("espruino-events.d.ts").values);
  t.deepEqual(bundleExports("picohttp-upload.js"), declared("espruino-upload.d.ts").values);

  // No member or name starting with "_" in any declaration an entry point reads.
  const underscored: string[] = [];
  for (const p of [program, node, board]) {
    for (const file of p.getSourceFiles()) {
      if (file.fileName.indexOf(types) !== 0) continue;
      const visit = (n: ts.Node): void => {
        const name = (n as { name?: ts.Node }).name;
        if (name && ts.isIdentifier(name) && name.text.charAt(0) === "_") {
          underscored.push(`${file.fileName.substring(types.length + 1)}: ${name.text}`);
        }
        ts.forEachChild(n, visit);
      };
      visit(file);
    }
  }
  t.deepEqual([...new Set(underscored)], []);
});

test("every subpath resolves to its declarations under each module resolution an app may use", (t) => {
  const missing = missingBuild();
  if (missing) return t.fail(missing);
  // An app project with picohttp installed (this repository, linked as node_modules/picohttp).
  mkdirSync(join(root, "node_modules", ".cache"), { recursive: true });
  const project = mkdtempSync(join(root, "node_modules", ".cache", "picohttp-resolve-"));
  try {
    mkdirSync(join(project, "node_modules"));
    symlinkSync(root, join(project, "node_modules", "picohttp"), "dir");
    const expected: { [name: string]: string } = {
      "picohttp": "node.d.ts", "picohttp/espruino": "espruino.d.ts", "picohttp/espruino-env": "espruino-env.d.ts",
      "picohttp/static": "node-static.d.ts", "picohttp/store": "node-store.d.ts", "picohttp/testing": "testing.d.ts",
      "picohttp/router": "node-router.d.ts", "picohttp/auth": "node-auth.d.ts", "picohttp/cors": "node-cors.d.ts", "picohttp/events": "node-events.d.ts",
      "picohttp/upload": "node-upload.d.ts",
    };
    const kinds: [string, ts.CompilerOptions][] = [
      ["node10 (module: commonjs)", { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }],
      ["node16", { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }],
      ["bundler", { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }],
    ];
    for (const [kind, options] of kinds) {
      for (const name in expected) {
        const resolved = ts.resolveModuleName(name, join(project, "app.ts"), options, ts.sys).resolvedModule;
        t.truthy(resolved, `${kind}: ${name} does not resolve`);
        if (resolved) t.is(resolved.resolvedFileName.split(/[\\/]/).pop(), expected[name], `${kind}: ${name}`);
      }
    }
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});
