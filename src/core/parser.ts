// The request parser, picohttpparser-style: one pure function over the bytes received so far (a byte
// string) that returns the parsed head, "incomplete" or the status to answer with, and resumes its
// search where the previous call stopped. No regular expressions (Espruino's engine is too weak); on a
// resumed call, no allocation until the header section is complete.
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
 *
 * Most requests come in one piece: a first call walks the head line by line and finds its end on the way.
 * A call that resumes first looks for the blank line with a native search from where the last one stopped,
 * and walks only once it is there. Either way an error is answered only once the head is complete (see
 * settle), so the answer does not depend on how the request was split.
 * The head is walked a line at a time: splitting it whole would be faster on Espruino but holds a second
 * copy of it, which a 1 KB head on a 1600-variable heap cannot afford.
 */
export function parseRequest(buffer: string, limits: Limits, scanned: number): RequestHead | number {
  let start = 0;
  for (let c = buffer.charCodeAt(0); c === 13 || c === 10; c = buffer.charCodeAt(++start));
  const head = start;
  let end = buffer.indexOf("\n", start);
  if (end < 0 || end - start > limits.maxRequestLine) {
    const lineEnd = end < 0 ? buffer.length : end;
    // Without its LF yet, the line may still end in the CR that comes with it; with it, the CR is not counted.
    if (lineEnd - start - (buffer.charCodeAt(lineEnd - 1) === 13 ? 1 : 0) > limits.maxRequestLine) return 414;
    if (end < 0) return buffer.length > limits.maxHeaderBytes ? 431 : 0;
  }
  const found = scanned ? settle(buffer, head, scanned, limits, -1) : -1;
  if (found >= 0) return found;

  // Native trim: far cheaper on Espruino than a loop in JavaScript.
  const line = buffer.substring(start, end).trim();
  const firstSpace = line.indexOf(" ");
  const lastSpace = line.lastIndexOf(" ");
  if (firstSpace <= 0 || lastSpace === firstSpace) return settle(buffer, head, 0, limits, 400);
  const target = line.substring(firstSpace + 1, lastSpace).trim();
  const protocol = line.substring(lastSpace + 1);
  if (!target.length || !protocol.length) return settle(buffer, head, 0, limits, 400);

  const headers: { [name: string]: string } = {};
  const maxHeaders = limits.maxHeaders;
  let count = 0;
  let contentLength = -1;
  let lengthSeen: string | undefined;
  let lastName = "";
  for (;;) {
    start = end + 1;
    end = buffer.indexOf("\n", start);
    if (end < 0) return buffer.length > limits.maxHeaderBytes ? 431 : 0;
    const first = buffer.charCodeAt(start);
    if (first < 33) {
      if (first === 13 ? end === start + 1 : end === start) break; // the blank line
      if ((first === 32 || first === 9) && lastName) {
        // An obsolete folded continuation line belongs to the previous field.
        headers[lastName] += " " + buffer.substring(start, end).trim();
        continue;
      }
    }
    const colon = buffer.indexOf(":", start);
    if (!(colon > start && colon < end)) return settle(buffer, head, 0, limits, 400);
    if (++count > maxHeaders) return settle(buffer, head, 0, limits, 431);
    const name = buffer.substring(start, colon).trim();
    const value = buffer.substring(colon + 1, end).trim();
    const held = headers[name];
    // The usual field, new and starting with a plain byte, is added at once. A repeated one is joined;
    // prototype members ("constructor"...) are never strings, so that finds only fields already received.
    if (held === undefined && first > 32 && first < 255) headers[name] = value;
    else if (plainKey(name)) headers[name] = typeof held === "string" ? held + ", " + value : value;
    else {
      lastName = "";
      continue;
    }
    lastName = name;
    if (name.length === 14 && name.toLowerCase() === "content-length") {
      // A second, different Content-Length makes the length unknowable: the body is then ignored.
      if (lengthSeen === undefined) contentLength = /*#__NOINLINE__*/ lengthValue(value);
      else if (value !== lengthSeen) contentLength = -2;
      lengthSeen = value;
    }
  }
  if (end + 1 - head > limits.maxHeaderBytes) return 431;
  // The usual method and protocol are shared strings, not copies: on a board each string held costs
  // variables, for as long as its request is handled.
  const method = line.substring(0, firstSpace);
  return {
    method: method === GET ? GET : method,
    target: target,
    protocol: protocol === HTTP_1_0 ? HTTP_1_0 : protocol,
    headers: headers,
    contentLength: contentLength >= 0 ? contentLength : -1,
    size: end + 1,
  };
}

/**
 * The answer for the head starting at `head`, its blank line searched for from `from` (0: the whole head):
 * 0 while incomplete (431 past maxHeaderBytes), 431 when larger than that, else `status` (-1 for a
 * resumed call: go on). So a head found wrong before its end was seen gets the answer it would have had
 * complete. Two native searches rather than a loop (Espruino runs JavaScript slowly and its own indexOf
 * fast), resumed two bytes back, as the blank line may straddle two pieces.
 */
function settle(buffer: string, head: number, from: number, limits: Limits, status: number): number {
  const at = from - 2 > head ? from - 2 : head;
  const bare = find(buffer, "\n\n", at);
  const crlf = find(buffer, "\n\r\n", at);
  const size = crlf >= 0 && (bare < 0 || crlf < bare) ? crlf + 3 : bare < 0 ? -1 : bare + 2;
  if (size < 0) return buffer.length > limits.maxHeaderBytes ? 431 : 0;
  return size - head > limits.maxHeaderBytes ? 431 : status;
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
