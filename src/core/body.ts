// Every response body that is not a string: bytes, numbers and booleans, JSON, and streams read a piece at
// a time. The core sends strings itself and takes the rest from here, so on a board this is a module of its
// own ("picohttp/body"), loaded the first time a handler sends anything else (a served file is a stream).
import { BodyStream } from "./response";
import type { BodyTarget, Wire } from "./serializer";
import { findHeader } from "./headers";
import { find } from "./text";

/** A body being sent: how much of it has gone out (the stream's offset). */
export interface StreamTarget extends BodyTarget {
  _at: number;
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

/**
 * Puts `data` (anything ResponseData allows but a string, null or undefined) in `target` as bytes
 * (`_data`) or a stream (`_stream`), and returns its length for the Content-Length, -1 for none. An object
 * without a Content-Type gets application/json in `headers`. Throws when it cannot be sent.
 */
export function prepareBody(target: BodyTarget, data: any, headers: { [name: string]: unknown }, wire: Wire): number {
  if (typeof data === "function" || typeof data.read === "function") {
    // A stream's length: its own, or else the Content-Length the handler set, or none.
    let length = data.read && typeof data.length === "number" ? data.length : -1;
    const name = findHeader(headers, "Content-Length");
    if (length < 0 && name !== undefined) length = parseInt(String(headers[name]), 10);
    target._stream = data.read ? data : { read: data };
    target._data = "";
    return length >= 0 ? length : -1;
  }
  if (data instanceof ArrayBuffer) data = new Uint8Array(data);
  if (typeof data === "object" && !(data instanceof Uint8Array)) {
    if (findHeader(headers, "Content-Type") === undefined) headers["Content-Type"] = "application/json";
    data = jsonText(data);
  }
  if (typeof data === "object") target._data = wire.encode(data);
  else target._data = wire.encodeText ? wire.encodeText(String(data)) : String(data);
  return target._data.length;
}

/**
 * The next piece of `target`'s stream, at most `size` bytes and never past its length, as a byte string;
 * null when the stream has nothing yet. "" (or the last piece) once it is over: the stream is then closed
 * and taken off `target`. Throws for a piece that is neither text nor bytes.
 */
export function nextPiece(target: StreamTarget, size: number, wire: Wire): string | null {
  const stream = target._stream as BodyStream;
  let read: any = stream.read(target._at, size);
  if (read === null) return null;
  if (read && typeof read !== "string") {
    if (read instanceof ArrayBuffer) read = new Uint8Array(read);
    if (!(read instanceof Uint8Array)) throw new Error("picohttp: a stream piece must be a string or bytes, not " + typeof read);
    read = wire.encode(read);
  }
  const left = target._length - target._at;
  if (read && target._length >= 0 && read.length > left) read = read.substring(0, left);
  if (read) target._at += read.length;
  if (!read || target._at === target._length) {
    target._stream = undefined;
    if (stream.close) stream.close();
  }
  return read || "";
}
