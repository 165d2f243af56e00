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

/**
 * The Content-Length values received (joined with ","), as a number: -1 when there were none, -2 when
 * one is not all digits or two differ (the length is then unknowable and the body is ignored).
 */
function lengthValue(values: string): number {
  if (!values) return -1;
  const list = values.split(",");
  let length = -1;
  for (let i = 0; i < list.length; i++) {
    const value = list[i];
    if (!value.length || value !== list[0]) return -2;
    for (let j = 0; j < value.length; j++) {
      const c = value.charCodeAt(j);
      if (c < 48 || c > 57) return -2;
    }
    length = value.length > 15 ? Infinity : parseInt(value, 10);
  }
  return length;
}

/**
 * Parses a complete header section (as delimited by findHeadEnd). Returns the head, or the status code
 * to answer a request that cannot be parsed or breaks a limit (400, 413, 414, 431).
 * Methods, header names and protocols are not validated: they pass through as sent.
 * Written for Espruino, which lexes a loop's body on every pass: native split, trim and indexOf do the
 * work, and the loop body is kept short.
 */
export function parseHead(head: string, limits: Limits): RequestHead | number {
  // A server should ignore empty lines before the request line.
  let start = 0;
  while (head.charCodeAt(start) === 13 || head.charCodeAt(start) === 10) start++;
  const lines = (start ? head.substring(start) : head).split("\n");
  let line = lines[0];
  if (line.length - (line.charCodeAt(line.length - 1) === 13 ? 1 : 0) > limits.maxRequestLine) return 414;
  if (lines.length < 2) return 400;
  if (head.length > limits.maxHeaderBytes) return 431;
  line = line.trim();
  const firstSpace = line.indexOf(" ");
  const lastSpace = line.lastIndexOf(" ");
  if (firstSpace <= 0 || lastSpace === firstSpace) return 400;
  const target = line.substring(firstSpace + 1, lastSpace).trim();
  const protocol = line.substring(lastSpace + 1);
  if (!target.length || !protocol.length) return 400;

  const headers: { [name: string]: string } = {};
  let lengths = "";
  let lastName = "";
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i];
    const first = text.charCodeAt(0);
    if (first === 13 || !text.length) break; // the blank line
    if ((first === 32 || first === 9) && lastName) {
      // An obsolete folded continuation line belongs to the previous field.
      headers[lastName] += " " + text.trim();
      continue;
    }
    const colon = text.indexOf(":");
    if (colon <= 0) return 400;
    if (i > limits.maxHeaders) return 431;
    const name = text.substring(0, colon).trim();
    const value = text.substring(colon + 1).trim();
    lastName = plainKey(name) ? name : "";
    // Prototype members are never strings, so this finds only fields already received.
    if (lastName) headers[name] = typeof headers[name] === "string" ? headers[name] + ", " + value : value;
    if (name.length === 14 && name.toLowerCase() === "content-length") lengths += (lengths ? "," : "") + value;
  }
  const contentLength = /*#__NOINLINE__*/ lengthValue(lengths);
  if (contentLength > limits.maxBody) return 413;
  return {
    method: line.substring(0, firstSpace),
    target: target,
    protocol: protocol,
    headers: headers,
    contentLength: contentLength >= 0 ? contentLength : -1,
  };
}
