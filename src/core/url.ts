// Splitting a request target into path segments and a query dictionary.
import { find, plainKey } from "./text";

/** `%XX` to the byte XX (and `+` to a space when `plusIsSpace`); a malformed escape stays as it is. */
export function percentDecode(text: string, plusIsSpace?: boolean): string {
  if (text.indexOf("%") < 0 && !(plusIsSpace && text.indexOf("+") >= 0)) return text;
  let out = "";
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 37 && i + 2 < n) {
      // One character each: parseInt would read "4g" as 4. Not a hex digit: NaN, which is not >= 0.
      const hi = parseInt(text.charAt(i + 1), 16);
      const lo = parseInt(text.charAt(i + 2), 16);
      if (hi >= 0 && lo >= 0) {
        out += String.fromCharCode(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += c === 43 && plusIsSpace ? " " : text.charAt(i);
  }
  return out;
}

export interface Target {
  path: string[];
  query: { [key: string]: string };
}

/**
 * Splits an origin-form (`/a/b?x=1`) or absolute-form (`http://host/a/b?x=1`) target.
 * `decode` turns the percent-decoded bytes into the platform's text (none: they are its text).
 */
export function parseTarget(target: string, decode?: (bytes: string) => string): Target {
  const hash = target.indexOf("#");
  if (hash >= 0) target = target.substring(0, hash);
  // Origin form ("/a/b") is the usual one: only a target not starting with "/" may be absolute.
  const scheme = target.charCodeAt(0) === 47 ? -1 : find(target, "://");
  if (scheme > 0 && scheme < target.indexOf("/")) {
    // Absolute form: the path (or the query, when there is no path) starts after the authority.
    let rest = scheme + 3;
    while (rest < target.length && target.charAt(rest) !== "/" && target.charAt(rest) !== "?") rest++;
    target = "/" + target.substring(target.charAt(rest) === "/" ? rest + 1 : rest);
  }
  const mark = target.indexOf("?");
  const end = mark < 0 ? target.length : mark;
  const query: { [key: string]: string } = {};
  // Loops, not split(): on Espruino, split() running out of memory exits the interpreter (an assertion),
  // where anything else is stopped cleanly; a query's fields and a path's segments are the client's.
  if (mark >= 0) {
    const n = target.length;
    let eq = target.indexOf("=", mark); // the next "=", found once for all the fields it is past
    for (let start = mark + 1; start < n;) {
      let next = target.indexOf("&", start);
      if (next < 0) next = n;
      if (eq >= 0 && eq < start) eq = target.indexOf("=", start);
      if (next > start) {
        const split = eq >= 0 && eq < next ? eq : next;
        let key = percentDecode(target.substring(start, split), true);
        const value = split < next ? percentDecode(target.substring(split + 1, next), true) : "";
        if (decode) key = decode(key);
        if (plainKey(key)) query[key] = decode ? decode(value) : value;
      }
      start = next + 1;
    }
  }
  const path: string[] = [];
  const percent = target.indexOf("%");
  const encoded = percent >= 0 && percent < end;
  for (let at = target.charAt(0) === "/" ? 1 : 0; ;) {
    let slash = target.indexOf("/", at);
    if (slash < 0 || slash > end) slash = end;
    const segment = target.substring(at, slash);
    // Most paths have nothing to decode: their segments are as cut.
    if (decode || encoded) {
      const text = percentDecode(segment);
      path.push(decode ? decode(text) : text);
    } else {
      path.push(segment);
    }
    if (slash >= end) break;
    at = slash + 1;
  }
  return { path: path, query: query };
}
