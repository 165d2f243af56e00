// The pretokenised form of the board modules (scripts/lib/tokenise.mjs), as npm run build writes them to
// dist/storage/ for Storage. That the interpreter runs them is the interpreter tests' part: every one of
// them installs the library from dist/storage/.
import test from "ava";
import { readFileSync } from "fs";
import { resolve } from "path";
import * as acorn from "acorn";

const tokeniser = import("../../scripts/lib/tokenise.mjs");

const BOARD_MODULES = ["picohttp.js", "picohttp-static.js", "picohttp-store.js", "picohttp-router.js", "picohttp-auth.js",
  "picohttp-cors.js", "picohttp-events.js", "picohttp-upload.js"];

/** The tokens of ES5 `code`, each as its type and value. */
function tokens(code: string): string[] {
  const list: string[] = [];
  for (const token of acorn.tokenizer(code, { ecmaVersion: 5 })) {
    list.push(token.type.label + " " + (token.value === undefined ? code.substring(token.start, token.end) : String(token.value)));
  }
  return list;
}

test("each board module in dist/storage/ is its source's tokens, line for line, shorter, with no NUL byte", async (t) => {
  const { untokenise } = await tokeniser;
  for (const name of BOARD_MODULES) {
    const source = readFileSync(resolve(__dirname, "../../dist", name), "latin1");
    const stored = readFileSync(resolve(__dirname, "../../dist/storage", name), "latin1");
    t.deepEqual(tokens(untokenise(stored)), tokens(source), name);
    t.is(untokenise(stored).split("\n").length, source.split("\n").length, `${name}: its line breaks are kept`);
    t.false(stored.includes("\0"), name);
    t.true(stored.length < source.length * 0.9, `${name}: ${stored.length} of ${source.length} bytes`);
  }
});

test("reserved words and operators become a byte each; strings and small integers go raw; the rest stays text", async (t) => {
  const { tokenise } = await tokeniser;
  const bytes = (text: string) => Array.from(tokenise(text), (c) => c.charCodeAt(0));
  // return (171), typeof (191), === (139), "ab" as 0xD1 2 a b.
  t.deepEqual(bytes('return typeof a==="ab"'), [171, 191, 97, 139, 0xd1, 2, 97, 98]);
  t.deepEqual(bytes("x=0"), [120, 61, 0xd3]);
  t.deepEqual(bytes("x=127"), [120, 61, 0xd4, 127]);
  t.deepEqual(bytes("x=300"), [120, 61, 0xd5, 300 & 255, 300 >> 8]);
  // A byte 0 in the value's two bytes: kept as text (255 is 0xFF 0x00, 512 is 0x00 0x02).
  t.is(tokenise("x=255"), "x=255");
  t.is(tokenise("x=512"), "x=512");
  // Not decimal integers of up to 32767: as written.
  t.is(tokenise("x=1e4+0x10+1.5+40000"), "x=1e4+0x10+1.5+40000");
  // Strings with a NUL or a character past ASCII, and the empty string: as written.
  t.is(tokenise('x="\\0"+"\\u00e9"+""'), 'x="\\0"+"\\u00e9"+""');
  // `catch` stays a word (Espruino issue #1868); `try` does not.
  t.is(tokenise("try{}catch(e){}").slice(1), "{}catch(e){}");
});

test("tokens that would run together keep a space between them", async (t) => {
  const { tokenise, untokenise } = await tokeniser;
  for (const code of ["a- -1", "a+ +b", "a- --b", "var a=b in c", "a=b instanceof C", "x=1e4 in y", "f(a)\nvar b=1"]) {
    t.deepEqual(tokens(untokenise(tokenise(code))), tokens(code), code);
  }
  t.is(tokenise("a- -b"), "a- -b");
  t.is(tokenise("a+ +b"), "a+ +b");
});

test("picohttp flash installs source text on firmware older than 2v26, which reads no raw integers", async (t) => {
  const { readsPretokenised, asSourceText, CORE_FILES, LIBRARY, STATUS } = await import("../../scripts/lib/library.mjs");
  for (const version of ["2v29.277", "2v26", "2v30.1", undefined]) t.true(readsPretokenised(version), String(version));
  for (const version of ["2v25.396", "2v20.48", "2v19", "1v99"]) t.false(readsPretokenised(version), version);
  const plain = asSourceText(LIBRARY);
  t.is(plain.picohttp, resolve(__dirname, "../../dist/picohttp.js"));
  t.is(plain["picohttp/static"], resolve(__dirname, "../../dist/picohttp-static.js"));
  t.is(plain["picohttp.status"], STATUS, "data files stay as they are");
  t.is(CORE_FILES.picohttp, resolve(__dirname, "../../dist/storage/picohttp.js"));
  for (const name in plain) t.notRegex(plain[name], /[\\/]storage[\\/]/, name);
});
