// Turning an HttpResponse into the bytes of its head and body. Every head the server sends, its own
// error answers included, is written by serializeHead.
import { reasonPhrase } from "./status";
import { BodyStream, HttpResponse } from "./response";
import type { HttpRequest } from "./request";
import { findHeader } from "./headers";
import { find, HTTP_1_0, plainKey } from "./text";

/**
 * `text` with CR and LF removed, so that it cannot end a head's line (or an event's field) early: two
 * native searches when there are none.
 */
export function oneLine(text: string): string {
  if (text.indexOf("\r") < 0 && text.indexOf("\n") < 0) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c !== "\r" && c !== "\n") out += c;
  }
  return out;
}

/**
 * The status line and header fields, for a valid three-digit `status`; `length` < 0 means "no
 * Content-Length". The handler's own Content-Length fields, in any letter case, give way to the server's.
 * `phrases`: the reason phrase table (see status.ts).
 */
export function serializeHead(protocol: string, status: number, headers: { [name: string]: unknown }, length: number,
                              phrases: string | undefined): string {
  // Only a protocol a handler set may hold a line break: the status is a number, its phrase from the table.
  let head = protocol === HTTP_1_0 ? protocol : oneLine(protocol);
  // The usual status without a call: on a board each call costs about as much as this whole line.
  head += " " + status + " " + (status === 200 ? "OK" : reasonPhrase(status, phrases)) + "\r\n";
  for (const name in headers) {
    const value: any = headers[name];
    if (value === undefined || value === null || !plainKey(name)) continue;
    if (name.length === 14 && name.toLowerCase() === "content-length") continue;
    head += oneLine(name + ": " + value) + "\r\n";
  }
  return head + (length >= 0 ? "Content-Length: " + length + "\r\n\r\n" : "\r\n");
}

/** The whole answer for a status the server decides itself (400, 408, 413, 414, 431, 500, 503). */
export function errorResponse(status: number, phrases: string | undefined): string {
  const text = reasonPhrase(status, phrases);
  const headers: { [name: string]: string } = { "Content-Type": "text/plain" };
  if (status === 503) headers["Retry-After"] = "1";
  return serializeHead(HTTP_1_0, status, headers, text.length, phrases) + text;
}

/**
 * `value` as JSON text whose bytes from 0x80 up are themselves. Espruino without Unicode support (the
 * ESP32 and ESP8266 firmware) writes each as `\u00XX`, which a client would read as Latin-1 characters
 * (UTF-8 "é" coming back as "Ã©"); and it writes a circular reference as ` ... ` instead of failing.
 */
export function jsonText(value: unknown): string {
  let json = JSON.stringify(value);
  if (find(json, " ... ") >= 0) {
    let quoted = false;
    for (let i = 0; i < json.length; i++) {
      const c = json.charAt(i);
      if (c === "\\") i++;
      else if (c === '"') quoted = !quoted;
      else if (!quoted && c === " " && json.substr(i, 5) === " ... ") throw new Error("picohttp: circular data cannot be sent as JSON");
    }
  }
  let at = find(json, "\\u00");
  if (at < 0) return json;
  let out = "";
  let from = 0;
  while (at >= 0) {
    const hex = parseInt(json.substr(at + 4, 2), 16);
    // An escape only if the backslash is not itself escaped (an odd run of backslashes ends here).
    let run = 0;
    while (json.charAt(at - run - 1) === "\\") run++;
    if (hex >= 0x80 && run % 2 === 0) {
      out += json.substring(from, at) + String.fromCharCode(hex);
      from = at + 6;
    }
    at = find(json, "\\u00", at + 1);
  }
  return out + json.substring(from);
}

/** How the platform writes a response: bytes and text as byte strings, and its reason phrase table (status.ts). */
export interface Wire {
  /** A Uint8Array as a byte string. */
  encode(data: Uint8Array): string;
  /**
   * Text as its bytes (UTF-8); absent where a string already is its bytes (Espruino without Unicode
   * support, as on the ESP32 and ESP8266): no call for the usual body there.
   */
  encodeText?: (text: string) => string;
  phrases?: string;
}

/**
 * The request and the response a handler filled in, and where the response's body goes: the bytes, or a
 * stream and its length (a connection).
 */
export interface BodyTarget {
  _request?: HttpRequest;
  _response?: HttpResponse;
  _data: string;
  _stream?: BodyStream;
  /** Content-Length, or -1 for none. */
  _length: number;
}

/**
 * The head of the response the handler filled in (`target._response`), its body put in `target`
 * following ResponseData's rules (none for HEAD and for 1xx, 204 and 304). Throws, for a 500, when
 * `status` is not a three-digit code or the data cannot be sent. `wire` is the platform's. (Two
 * parameters: on a board each costs a variable for as long as the function exists.)
 */
export function prepareResponse(target: BodyTarget, wire: Wire): string {
  const response = target._response as HttpResponse;
  const headOnly = (target._request as HttpRequest).method === "HEAD";
  // The status line must stay one line whatever a handler puts there: a three-digit code (100-999), as a
  // number or a string of digits ("204" is 204); left undefined, 200. Anything else is the handler's error.
  const given: any = response.status;
  let status = 200;
  if (given !== 200 && given !== undefined) {
    status = Number(given);
    if (!(typeof given === "number" || typeof given === "string" && String(status) === given) ||
        !(status >= 100 && status <= 999 && status % 1 === 0)) {
      throw new Error("picohttp: not a status code: " + JSON.stringify(String(given)));
    }
  }
  const headers = response.headers;
  let data: any = response.data;
  let length = -1;
  if (data === undefined || data === null) data = "";
  const encodeText = wire.encodeText;
  if (typeof data === "string") {
    // The usual body, first: on a board each test on the way costs time.
    target._data = encodeText ? encodeText(data) : data;
    length = target._data.length;
  } else if (typeof data === "function" || typeof data.read === "function") {
    // A stream's length: its own, or else the Content-Length the handler set, or none.
    if (data.read && typeof data.length === "number") length = data.length;
    const name = findHeader(headers, "Content-Length");
    if (length < 0 && name !== undefined) length = parseInt(String(headers[name]), 10);
    if (!(length >= 0)) length = -1;
    target._stream = data.read ? data : { read: data };
    target._data = "";
  } else {
    if (data instanceof ArrayBuffer) data = new Uint8Array(data);
    if (typeof data === "object" && !(data instanceof Uint8Array)) {
      if (findHeader(headers, "Content-Type") === undefined) headers["Content-Type"] = "application/json";
      data = jsonText(data);
    }
    if (typeof data === "object") target._data = wire.encode(data);
    else target._data = encodeText ? encodeText(String(data)) : String(data);
    length = target._data.length;
  }
  target._length = length;
  // Statuses that never carry a body, nor a Content-Length.
  const bodiless = status < 200 || status === 204 || status === 304;
  if (headOnly || bodiless) {
    const stream = target._stream;
    target._stream = undefined;
    target._data = "";
    if (stream && stream.close) stream.close();
  }
  return serializeHead(response.protocol, status, headers, bodiless ? -1 : length, wire.phrases);
}
