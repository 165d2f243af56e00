// Espruino's pretokenised form of a board module, as `npm run build` writes it for Storage
// (dist/storage/): each reserved word and multi-character operator as one byte, string literals and
// small integers with their length or value up front, as Espruino's own tools do for code saved to
// flash (EspruinoTools plugins/pretokenise.js, the token numbers of src/jslex.h). The interpreter reads
// it as it reads source text; it is shorter to hold in flash and quicker to lex at every call.
// Differences from the tools' version, for safety rather than size: line breaks are kept where the source
// has them (an error made in code from Storage copies its line, up to the error's column), no byte is
// ever 0 (a file loader that stops at NUL would cut the module short), and only strings of ASCII
// characters become raw strings (on builds with Unicode support a raw string is read as bytes, where
// the same literal as text would be read as UTF-8).
import * as acorn from "acorn";

/** Multi-character operators and reserved words, from byte 138 on, in jslex.h's order. */
const TOKENS = [
  "==", "===", "!=", "!==", "<=", "<<", "<<=", ">=", ">>", ">>>", ">>=", ">>>=", "+=", "-=", "++", "--", "*=", "/=", "%=",
  "&=", "&&", "|=", "||", "^=", "=>",
  "if", "else", "do", "while", "for", "break", "continue", "function", "return", "var", "let", "const", "this", "throw",
  "try", "catch", "finally", "true", "false", "null", "undefined", "new", "in", "instanceof", "switch", "case", "default",
  "delete", "typeof", "void", "debugger", "class", "extends", "super", "static", "of",
];
const FIRST_TOKEN = 138;
const RAW_STRING8 = 0xd1;
const RAW_INT0 = 0xd3;
const RAW_INT8 = 0xd4;
const RAW_INT16 = 0xd5;

/** Whether every character of `text` is ASCII and not NUL. */
function plainAscii(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 1 || c > 127) return false;
  }
  return true;
}

/** The literal (a decimal integer, as written) in raw form, or undefined when it is kept as text. */
function rawInteger(text, value) {
  if (!/^\d+$/.test(text)) return undefined;
  if (value === 0) return String.fromCharCode(RAW_INT0);
  if (value < 128) return String.fromCharCode(RAW_INT8, value);
  // Two bytes, low first, neither of them 0.
  if (value < 32768 && value & 0xff && value >> 8) return String.fromCharCode(RAW_INT16, value & 0xff, value >> 8);
  return undefined;
}

/** Whether two tokens written one after the other would read as one (`a b`, `- -1`, `+ +x`). */
function needsSpace(last, next) {
  if (!last) return false;
  const word = /^[\w$]/;
  if (last.kind === "text" && word.test(last.text.slice(-1)) && next.kind === "text" && word.test(next.text)) return true;
  return (last.text === "-" || last.text === "+") && next.text.charAt(0) === last.text;
}

/**
 * `code` (ES5, as the board build's minifier writes it) in Espruino's pretokenised form, as a byte string
 * (one character a byte: write it with the "latin1" encoding).
 */
export function tokenise(code) {
  const tokens = acorn.tokenizer(code, { ecmaVersion: 5 });
  let out = "";
  let end = 0;
  let last;
  for (;;) {
    const token = tokens.getToken();
    if (token.type === acorn.tokTypes.eof) break;
    if (code.substring(end, token.start).indexOf("\n") >= 0) out += "\n";
    end = token.end;
    const text = code.substring(token.start, token.end);
    let next = { kind: "text", text };
    if (token.type === acorn.tokTypes.string && token.value.length > 0 && token.value.length < 256 && plainAscii(token.value)) {
      next = { kind: "raw", text: String.fromCharCode(RAW_STRING8, token.value.length) + token.value };
    } else if (token.type === acorn.tokTypes.num && rawInteger(text, token.value) !== undefined) {
      next = { kind: "raw", text: rawInteger(text, token.value) };
    } else if (token.type !== acorn.tokTypes.string && token.type !== acorn.tokTypes.regexp && text !== "catch" &&
               TOKENS.indexOf(text) >= 0) {
      // `catch` stays a word: Espruino issue #1868.
      next = { kind: "token", text: String.fromCharCode(FIRST_TOKEN + TOKENS.indexOf(text)) };
    }
    if (needsSpace(last, next)) out += " ";
    out += next.text;
    last = next;
  }
  return code.substring(end).indexOf("\n") >= 0 ? out + "\n" : out;
}

/** Pretokenised code back as source text: each token written out, with a space between any two. */
export function untokenise(code) {
  let out = "";
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c < 128) {
      out += code.charAt(i);
      continue;
    }
    if (c === RAW_STRING8) {
      const length = code.charCodeAt(i + 1);
      out += " " + JSON.stringify(code.substr(i + 2, length)) + " ";
      i += 1 + length;
    } else if (c === RAW_INT0) {
      out += " 0 ";
    } else if (c === RAW_INT8) {
      out += " " + code.charCodeAt(++i) + " ";
    } else if (c === RAW_INT16) {
      out += " " + (code.charCodeAt(i + 1) | code.charCodeAt(i + 2) << 8) + " ";
      i += 2;
    } else if (c >= FIRST_TOKEN && c < FIRST_TOKEN + TOKENS.length) {
      out += " " + TOKENS[c - FIRST_TOKEN] + " ";
    } else {
      throw new Error("untokenise: byte " + c + " at " + i + " is no token");
    }
  }
  return out;
}
