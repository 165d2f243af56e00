// The request parser: pure functions over the bytes received so far (a byte string). No regular
// expressions (Espruino's engine is too weak) and no allocation until the header section is complete.
import { find, plainKey } from "./text";

/** Limits a request must fit in; each one broken is answered with its own status code. */
export interface Limits {
  /** Longest request line, in bytes (414). */
  maxRequestLine: number;
  /** Largest header section, request line included, in bytes (431). */
  maxHeaderBytes: number;
  /** Most header fields (431). */
  maxHeaders: number;
  /** Largest body accepted through Content-Length, in bytes (413). */
  maxBody: number;
}

export interface RequestHead {
  method: string;
  target: string;
  protocol: string;
  headers: { [name: string]: string };
  /** The declared body length, or -1 when there is no valid Content-Length. */
  contentLength: number;
}

/**
 * Finds the blank line that ends the header section. Scanning starts at `from` (where the previous call
 * stopped, so each byte is looked at about once). Returns the length of the header section including
 * the blank line, or -1 if it is not complete yet. Bare LF line ends are accepted like CRLF.
 */
export function findHeadEnd(buffer: string, from: number): number {
  // Two native searches rather than a loop: Espruino runs JavaScript slowly and its own indexOf fast.
  if (from < 0) from = 0;
  const bare = find(buffer, "\n\n", from);
  const crlf = find(buffer, "\n\r\n", from);
  if (crlf >= 0 && (bare < 0 || crlf < bare)) return crlf + 3;
  return bare < 0 ? -1 : bare + 2;
}

/**
 * Checks an incomplete header section (starting at its request line) against the limits. Returns 0
 * while it may still grow, else the status to answer with.
 */
export function checkIncompleteHead(buffer: string, limits: Limits): number {
  let end = buffer.indexOf("\n");
  // Without its LF yet, the line may still end in the CR that comes with it; with it, the CR is not counted.
  if (end < 0) end = buffer.length;
  if (end - (buffer.charCodeAt(end - 1) === 13 ? 1 : 0) > limits.maxRequestLine) return 414;
  return buffer.length > limits.maxHeaderBytes ? 431 : 0;
}

/** A Content-Length value as a number, or -2 when it is not all digits. (Kept out of parseHead's loop:
 * Espruino lexes the text of skipped branches too.) */
function lengthValue(value: string): number {
  if (!value.length) return -2;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return -2;
  }
  return value.length > 15 ? Infinity : parseInt(value, 10);
}

/**
 * Parses a complete header section (as delimited by findHeadEnd), a line at a time: splitting it whole
 * would be faster on Espruino but holds a second copy of it, which a 1 KB head on a 1600-variable heap
 * cannot afford. Returns the head, or the status code to answer a request that cannot be parsed or breaks a limit (400, 413, 414, 431).
 * Methods, header names and protocols are not validated: they pass through as sent.
 */
export function parseHead(head: string, limits: Limits, size?: number): RequestHead | number {
  // A server should ignore empty lines before the request line.
  let start = 0;
  while (head.charCodeAt(start) === 13 || head.charCodeAt(start) === 10) start++;
  let end = head.indexOf("\n", start);
  if (end < 0) return 400;
  if (end - start - (head.charCodeAt(end - 1) === 13 ? 1 : 0) > limits.maxRequestLine) return 414;
  // `size`: where the section ends in `head` (a connection's buffer, body and all: no copy is made).
  if ((size === undefined ? head.length : size) > limits.maxHeaderBytes) return 431;
  // Native trim: far cheaper on Espruino than a loop in JavaScript.
  const line = head.substring(start, end).trim();
  const firstSpace = line.indexOf(" ");
  const lastSpace = line.lastIndexOf(" ");
  if (firstSpace <= 0 || lastSpace === firstSpace) return 400;
  const target = line.substring(firstSpace + 1, lastSpace).trim();
  const protocol = line.substring(lastSpace + 1);
  if (!target.length || !protocol.length) return 400;

  const headers: { [name: string]: string } = {};
  let count = 0;
  let contentLength = -1;
  let lengthSeen: string | undefined;
  let lastName = "";
  for (;;) {
    start = end + 1;
    end = head.indexOf("\n", start);
    const first = head.charCodeAt(start);
    if (end < 0 || end === start || (end === start + 1 && first === 13)) break; // the blank line
    if ((first === 32 || first === 9) && lastName) {
      // An obsolete folded continuation line belongs to the previous field.
      headers[lastName] += " " + head.substring(start, end).trim();
      continue;
    }
    const colon = head.indexOf(":", start);
    if (colon < 0 || colon > end || colon === start) return 400;
    if (++count > limits.maxHeaders) return 431;
    const name = head.substring(start, colon).trim();
    const value = head.substring(colon + 1, end).trim();
    if (!plainKey(name)) { lastName = ""; continue; }
    // Prototype members are never strings, so this finds only fields already received.
    headers[name] = typeof headers[name] === "string" ? headers[name] + ", " + value : value;
    lastName = name;
    if (name.length === 14 && name.toLowerCase() === "content-length") {
      // A second, different Content-Length makes the length unknowable: the body is then ignored.
      if (lengthSeen === undefined) contentLength = /*#__NOINLINE__*/ lengthValue(value);
      else if (value !== lengthSeen) contentLength = -2;
      lengthSeen = value;
    }
  }
  if (contentLength > limits.maxBody) return 413;
  return {
    method: line.substring(0, firstSpace),
    target: target,
    protocol: protocol,
    headers: headers,
    contentLength: contentLength >= 0 ? contentLength : -1,
  };
}
