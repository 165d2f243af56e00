/**
 * `text.indexOf(needle, from)`, exact on every platform. Espruino 2v29's own indexOf (and includes and
 * replace) reports a needle of two or more characters that runs off the end of the string as found:
 * `"|a|".indexOf("|b")` is 2. A match that does not fit is no match, and none can follow it.
 * Every search for more than one character goes through here; scripts/check-bundle.mjs enforces it.
 */
export function find(text: string, needle: string, from?: number): number {
  const at = text.indexOf(needle, from);
  return at >= 0 && at + needle.length <= text.length ? at : -1;
}

/**
 * Whether `key` can be a property of a plain object alike on every platform. Espruino hides "__proto__",
 * "constructor" and names starting with byte 0xFF from for-in and JSON (its internal keys), and
 * "__proto__" would reach the prototype: request fields with such names are dropped everywhere.
 */
export function plainKey(key: string): boolean {
  const first = key.charCodeAt(0);
  // 0xDCFF: byte 0xFF as Node's text codec keeps it (see src/node.ts).
  return key !== "__proto__" && key !== "constructor" && first !== 0xff && first !== 0xdcff;
}

/** @internal The protocol picohttp answers with, and the one most requests come with (one string, shared). */
export const HTTP_1_0 = "HTTP/1.0";
