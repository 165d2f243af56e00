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
  const hier = mark < 0 ? target : target.substring(0, mark);
  const query: { [key: string]: string } = {};
  if (mark >= 0) {
    const parts = target.substring(mark + 1).split("&");
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (!part) continue;
      const eq = part.indexOf("=");
      let key = percentDecode(eq < 0 ? part : part.substring(0, eq), true);
      const value = eq < 0 ? "" : percentDecode(part.substring(eq + 1), true);
      if (decode) key = decode(key);
      if (plainKey(key)) query[key] = decode ? decode(value) : value;
    }
  }
  const path = (hier.charAt(0) === "/" ? hier.substring(1) : hier).split("/");
  // Most paths have nothing to decode: their segments are as split.
  if (decode || hier.indexOf("%") >= 0) {
    // Not `i` again: the minifier would share one var with the loop above, which may not have run.
    for (let segment = 0; segment < path.length; segment++) {
      const text = percentDecode(path[segment]);
      path[segment] = decode ? decode(text) : text;
    }
  }
  return { path: path, query: query };
}
