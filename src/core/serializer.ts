// Turning an HttpResponse into the bytes of its head and body. Every head the server sends, its own
// error answers included, is written by serializeHead.
import { reasonPhrase, statusCode } from "./status";
import { BodyStream, HttpResponse } from "./response";
import { findHeader } from "./headers";
import { find, plainKey } from "./text";

/** Statuses that never carry a body, nor a Content-Length. */
export function hasNoBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/** A header name or value that cannot break the head: CR and LF are removed. */
function headerText(value: string | number): string {
  const text = String(value);
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
 */
export function serializeHead(protocol: string, status: number, headers: { [name: string]: unknown }, length: number): string {
  let head = headerText(protocol) + " " + status + " " + reasonPhrase(status) + "\r\n";
  for (const name in headers) {
    const value: any = headers[name];
    if (value === undefined || value === null || !plainKey(name)) continue;
    if (name.length === 14 && name.toLowerCase() === "content-length") continue;
    head += headerText(name) + ": " + headerText(value) + "\r\n";
  }
  if (length >= 0) head += "Content-Length: " + length + "\r\n";
  return head + "\r\n";
}

/** The whole answer for a status the server decides itself (400, 408, 413, 414, 431, 500, 503). */
export function errorResponse(status: number): string {
  const text = reasonPhrase(status);
  const headers: { [name: string]: string } = { "Content-Type": "text/plain" };
  if (status === 503) headers["Retry-After"] = "1";
  return serializeHead("HTTP/1.0", status, headers, text.length) + text;
}

/**
 * `value` as JSON text whose bytes from 0x80 up are themselves. Espruino without Unicode support (the
 * ESP32 and ESP8266 firmware) writes each as `\u00XX`, which a client would read as Latin-1 characters
 * (UTF-8 "é" coming back as "Ã©"); and it writes a circular reference as ` ... ` instead of failing.
 */
export function jsonText(value: unknown): string {
  let json = JSON.stringify(value);
  if (find(json, " ... ") >= 0 && /*#__NOINLINE__*/ circular(json)) throw new Error("picohttp: circular data cannot be sent as JSON");
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

/** Whether Espruino's JSON text holds its mark for a circular reference outside any string. */
function circular(json: string): boolean {
  let quoted = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charAt(i);
    if (c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === " " && json.substr(i, 5) === " ... ") return true;
  }
  return false;
}

export interface PreparedBody {
  /** The whole body as bytes, or the stream to read it from. */
  bytes?: string;
  stream?: BodyStream;
  /** Content-Length, or -1 for none. */
  length: number;
}

/** Converts `response.data` to bytes or a stream, following ResponseData's rules. `encode` is the platform's. */
export function prepareBody(response: HttpResponse, encode: (data: string | Uint8Array) => string): PreparedBody {
  let data: any = response.data;
  if (data === undefined || data === null) data = "";
  if (typeof data === "function" || typeof data.read === "function") {
    // A stream's length: its own, or else the Content-Length the handler set, or none.
    let length = data.read && typeof data.length === "number" ? data.length : -1;
    const name = findHeader(response.headers, "Content-Length");
    if (length < 0 && name !== undefined) length = parseInt(String(response.headers[name]), 10);
    return { stream: data.read ? data : { read: data }, length: length >= 0 ? length : -1 };
  }
  if (data instanceof ArrayBuffer) data = new Uint8Array(data);
  if (typeof data === "object" && !(data instanceof Uint8Array)) {
    if (findHeader(response.headers, "Content-Type") === undefined) {
      response.headers["Content-Type"] = "application/json";
    }
    data = jsonText(data);
  }
  const bytes = encode(typeof data === "object" ? data : String(data));
  return { bytes: bytes, length: bytes.length };
}

/** A response ready for the wire: its head, and its body as bytes or a stream (none for HEAD and bodiless statuses). */
export interface PreparedResponse extends PreparedBody {
  head: string;
}

/**
 * The head and body of what the handler filled in. Throws, for a 500, when `status` is not a three-digit
 * code or the data cannot be sent. `headOnly`: a HEAD request, answered with the head alone.
 */
export function prepareResponse(response: HttpResponse, headOnly: boolean,
                                encode: (data: string | Uint8Array) => string): PreparedResponse {
  const status = statusCode(response.status);
  if (status < 0) throw new Error("picohttp: not a status code: " + JSON.stringify(String(response.status)));
  const body = prepareBody(response, encode);
  const bodiless = hasNoBody(status);
  const prepared: PreparedResponse = {
    head: serializeHead(response.protocol, status, response.headers, bodiless ? -1 : body.length),
    length: body.length,
  };
  if (!headOnly && !bodiless) {
    prepared.bytes = body.bytes;
    prepared.stream = body.stream;
  } else if (body.stream && body.stream.close) {
    body.stream.close();
  }
  return prepared;
}
