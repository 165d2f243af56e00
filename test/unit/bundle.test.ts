// The built board bundle must use only what Espruino runs: checked without the interpreter.
import test from "ava";
import { readFileSync } from "fs";
import { resolve } from "path";

const checker = import("../../scripts/check-bundle.mjs");

const BOARD_BUNDLES = ["picohttp.js", "picohttp-static.js", "picohttp-store.js", "picohttp-router.js", "picohttp-auth.js", "picohttp-cors.js", "picohttp-events.js",
  "picohttp-upload.js"];

test("the board bundles pass the Espruino dialect check", async (t) => {
  const { checkSource } = await checker;
  for (const name of BOARD_BUNDLES) {
    const problems = checkSource(readFileSync(resolve(__dirname, "../../dist", name), "utf8"));
    t.deepEqual(problems, [], name);
  }
});

test("the feature modules take what they share from the core, not a copy of it", (t) => {
  for (const name of ["picohttp-static.js", "picohttp-store.js", "picohttp-router.js", "picohttp-events.js"]) {
    const source = readFileSync(resolve(__dirname, "../../dist", name), "utf8");
    t.regex(source, /require\("picohttp"\)/, name);
    t.false(source.includes("function find"), name);
    t.false(source.includes("|100Continue"), name);
  }
  // The core carries no static-file or storage code: it loads those modules on first use.
  const core = readFileSync(resolve(__dirname, "../../dist/picohttp.js"), "utf8");
  t.regex(core, /require\("picohttp\/static"\)|"picohttp\/static"/);
  t.false(core.includes("text/html"), "no MIME table in the core");
  t.false(core.includes(".manifest"), "no asset manifest in the core");
});

test("nothing a client sends is cut with split(): on Espruino, split() running out of memory exits the interpreter", (t) => {
  // The core parses the request; picohttp/static reads Accept-Encoding and splits only its own manifest's
  // lines (a file's few fields); picohttp/events cuts what the app sends into lines.
  for (const name of ["picohttp.js", "picohttp-static.js", "picohttp-events.js"]) {
    const source = readFileSync(resolve(__dirname, "../../dist", name), "utf8");
    const splits = source.match(/\.split\([^)]*\)/g) || [];
    t.deepEqual(splits.filter((call) => call !== '.split("\\t")'), [], name);
  }
});

test("on Node, picohttp/static and picohttp/store name the main entry's functions", (t) => {
  const main = require("picohttp");
  t.is(require("picohttp/static").staticResource, main.staticResource);
  t.is(require("picohttp/static").useStorage, main.useStorage);
  t.is(require("picohttp/store").load, main.load);
  t.is(require("picohttp/store").save, main.save);
  t.is(require("picohttp/router").router, main.router);
  t.is(require("picohttp/auth").basic, main.basic);
  t.is(require("picohttp/cors").cors, main.cors);
  t.is(require("picohttp/events").Channel, main.Channel);
});

test("the check catches each construct Espruino cannot run", async (t) => {
  const { checkSource } = await checker;
  const cases: [string, RegExp][] = [
    ["f(); function f() {}", /f is used before its function declaration/],
    ["function g(c) { if (c) { var z = 1; } return z; }", /var z is used outside the block/],
    ["x: for (;;) { break x; }", /labels are not supported/],
    ["var r = /a|b/;", /alternation/],
    ["var r = /ab?/;", /the \? quantifier/],
    ["var r = /a{2}/;", /\{m,n\} quantifier/],
    ["var r = /(?:a)/;", /group modifier/],
    ["var r = /\\bword/;", /word boundary/],
    ["var r = /(a)\\1/;", /backreference/],
    ["var s = Array.prototype.slice.call(arguments);", /Array\.prototype\.slice reads undefined/],
    ["var s = String.prototype.trim;", /String\.prototype\.trim reads undefined/],
    ["var m = new Map();", /Map does not exist/],
    ["var a = Array.from([]);", /Array\.from does not exist/],
    ["Object.freeze({});", /Object\.freeze does not exist/],
    ["p.finally(function () {});", /\.finally\(\) does not exist/],
    ["encodeURIComponent('é');", /encodeURIComponent does not exist/],
    ["var o = __assign({}, {});", /__assign is a compiler helper/],
    ["'a=b'.split('=', 2);", /split\(\) ignores its limit/],
    ["var o = { get x() { return 1; } };", /getters and setters/],
    ["String.fromCharCode.apply(null, a);", /fromCharCode\.apply/],
    ["(function () { h(); })(); function h() {}", /h is used before its function declaration/],
    ["const x = 1;", /not ES5/],
    ["var f = () => 1;", /not ES5/],
    ["var s = `template`;", /not ES5/],
    ["class A {}", /not ES5/],
    ["var at = table.indexOf('|' + key);", /indexOf\(\) with a needle that may be longer/],
    ["var at = table.indexOf('ab');", /indexOf\(\) with a needle/],
    ["function f(t, n) { return t.indexOf(n); }", /indexOf\(\) with a needle/],
    ["function f(t, n) { var a = t.indexOf(n); return a >= 0 && a + n.length <= other.length ? a : -1; }", /indexOf\(\) with a needle/],
    ["function f(t, n) { var a = t.indexOf(n); g(function () { return a + n.length <= t.length; }); return a; }", /indexOf\(\) with a needle/],
    ["if (s.includes('ab')) {}", /includes\(\) with a needle/],
    ["s = s.replace('ab', 'c');", /replace\(\) with a needle/],
    ["s = s.replace(x, 'c');", /replace\(\) with a needle/],
  ];
  for (const [source, expected] of cases) {
    const problems = checkSource(source);
    t.true(problems.some((p: any) => expected.test(p.message)), `${source} → ${JSON.stringify(problems)}`);
  }
});

test("the check accepts what Espruino runs", async (t) => {
  const { checkSource } = await checker;
  const fine = [
    "function f() {} f();",
    "var late = function () { return later; }; var later = 2;",
    "function a() { return b(); } function b() { return 1; } a();",
    "for (var i = 0; i < 2; i++) {} i;",
    "var r = /[a|b?]+\\d*$/;",
    "var s = [].slice.call(arguments, 1);",
    "try { x(); } catch (e) { e; }",
    "var o = { a: 1 }; o.a;",
    "var at = s.indexOf('|'); s.indexOf('\\n', 3); s.replace(/ab/g, ''); s.includes('x');",
    "function find(t, n, f) { var a = t.indexOf(n, f); return a >= 0 && a + n.length <= t.length ? a : -1; }",
    "function find(t, n) { var a = t.indexOf(n); return 0 <= a && t.length >= n.length + a ? a : -1; }",
  ];
  for (const source of fine) t.deepEqual(checkSource(source), [], source);
});
