// The request parser, picohttpparser-style: one pure function over the bytes received so far (a byte
// string) that returns the parsed head, "incomplete" or the status to answer with, and resumes its
// search where the previous call stopped. No regular expressions (Espruino's engine is too weak) and no
// allocation until the header section is complete.
import { find, HTTP_1_0, plainKey } from "./text";

const GET = "GET";

/** Limits a request must fit in; each one broken is answered with its own status code. */
export interface Limits {
  /** Longest request line, in bytes (414). */
  maxRequestLine: number;
  /** Largest header section, request line included, in bytes (431). */
  maxHeaderBytes: number;
  /** Most header fields (431). */
  maxHeaders: number;
}

/** @internal The parsed request line and header fields. */
export interface RequestHead {
  method: string;
  target: string;
  protocol: string;
  headers: { [name: string]: string };
  /** The declared body length, or -1 when there is no valid Content-Length. */
  contentLength: number;
  /** Where the body starts: the bytes of the header section, its blank line (and any before it) included. */
  size: number;
}

/**
 * @internal Parses the request head at the start of `buffer`. `scanned` is the buffer's length at the previous
 * call (0 at the first), so that each byte is searched about once. Returns the head; 0 while it is
 * incomplete (call again with more); or the status code for a request that cannot be parsed or breaks a
 * limit (400, 414, 431; maxBody is the server's to check, as a handler may take the body itself). Empty lines before the request line are skipped; bare LF line ends are
 * accepted like CRLF. Methods, header names and protocols are not validated: they pass through as sent.
 * The head is parsed a line at a time: splitting it whole would be faster on Espruino but holds a second
 * copy of it, which a 1 KB head on a 1600-variable heap cannot afford.
 */
export function parseRequest(buffer: string, limits: Limits, scanned: number): RequestHead | number {
  let start = 0;
  while (buffer.charCodeAt(start) === 13 || buffer.charCodeAt(start) === 10) start++;
  let end = buffer.indexOf("\n", start);
  const lineEnd = end < 0 ? buffer.length : end;
  // Without its LF yet, the line may still end in the CR that comes with it; with it, the CR is not counted.
  if (lineEnd - start - (buffer.charCodeAt(lineEnd - 1) === 13 ? 1 : 0) > limits.maxRequestLine) return 414;
  // The blank line that ends the head: two native searches rather than a loop (Espruino runs JavaScript
  // slowly and its own indexOf fast), resumed two bytes back, as it may straddle two pieces.
  const from = scanned - 2 > start ? scanned - 2 : start;
  const bare = find(buffer, "\n\n", from);
  const crlf = find(buffer, "\n\r\n", from);
  const size = crlf >= 0 && (bare < 0 || crlf < bare) ? crlf + 3 : bare < 0 ? -1 : bare + 2;
  if (size < 0) return buffer.length > limits.maxHeaderBytes ? 431 : 0;
  if (size - start > limits.maxHeaderBytes) return 431;

  // Native trim: far cheaper on Espruino than a loop in JavaScript.
  const line = buffer.substring(start, end).trim();
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
    end = buffer.indexOf("\n", start);
    const first = buffer.charCodeAt(start);
    if (end === start || (end === start + 1 && first === 13)) break; // the blank line
    if ((first === 32 || first === 9) && lastName) {
      // An obsolete folded continuation line belongs to the previous field.
      headers[lastName] += " " + buffer.substring(start, end).trim();
      continue;
    }
    const colon = buffer.indexOf(":", start);
    if (colon < 0 || colon > end || colon === start) return 400;
    if (++count > limits.maxHeaders) return 431;
    const name = buffer.substring(start, colon).trim();
    const value = buffer.substring(colon + 1, end).trim();
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
  // The usual method and protocol are shared strings, not copies: on a board each string held costs
  // variables, for as long as its request is handled.
  const method = line.substring(0, firstSpace);
  return {
    method: method === GET ? GET : method,
    target: target,
    protocol: protocol === HTTP_1_0 ? HTTP_1_0 : protocol,
    headers: headers,
    contentLength: contentLength >= 0 ? contentLength : -1,
    size: size,
  };
}

/** A Content-Length value as a number, or -2 when it is not all digits. (Kept out of parseRequest's loop:
 * Espruino lexes the text of skipped branches too.) */
function lengthValue(value: string): number {
  if (!value.length) return -2;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return -2;
  }
  return value.length > 15 ? Infinity : parseInt(value, 10);
}
