// The Node build (dist/picohttp.node.js): picohttp over Node's `net`, serving files from a directory.
import * as net from "net";
import { isUtf8 } from "buffer";
import { platform } from "./server";
import { netAdapter } from "./adapters/net";
import { directoryStorage } from "./storage/directory";
import { staticResource } from "./static";

export { HttpServer, platform } from "./server";
export type { Handler, ServerOptions, ServerStats } from "./server";
export { HttpRequest } from "./core/request";
export type { BodyStream, ResponseData } from "./core/response";
export { HttpResponse } from "./core/response";
export type { Storage } from "./core/types";
export { staticResource, useStorage } from "./static";
export { load, save } from "./storage/json";
export { mimeType } from "./mime";
export { memoryStorage } from "./storage/memory";
export { directoryStorage } from "./storage/directory";

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

const ESCAPED_BYTE = /[\udc80-\udcff]/;

function decodeEscaped(buffer: Buffer): string {
  let text = "";
  for (let i = 0; i < buffer.length;) {
    const byte = buffer[i];
    const size = byte < 0x80 ? 1 : byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3
      : byte >= 0xf0 && byte <= 0xf4 ? 4 : 0;
    if (size > 1 && i + size <= buffer.length && isUtf8(buffer.subarray(i, i + size))) {
      text += buffer.toString("utf8", i, i + size);
      i += size;
    } else {
      text += String.fromCharCode(size === 1 ? byte : 0xdc00 + byte);
      i++;
    }
  }
  return text;
}

function encodeEscaped(text: string): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const previous = i > 0 ? text.charCodeAt(i - 1) : 0;
    // A low surrogate after a high one is half of a character, not an escaped byte.
    if (code >= 0xdc80 && code <= 0xdcff && !(previous >= 0xd800 && previous <= 0xdbff)) {
      parts.push(Buffer.from(text.substring(from, i), "utf8"), Buffer.of(code - 0xdc00));
      from = i + 1;
    }
  }
  parts.push(Buffer.from(text.substring(from), "utf8"));
  return Buffer.concat(parts);
}

platform.net = netAdapter(net);
// The working directory stands in for board flash.
platform.storage = directoryStorage(process.cwd());
platform.maxNameLength = Infinity;
platform.staticBase = "";
// Text is UTF-8. A byte that is not part of valid UTF-8 is kept as the lone surrogate U+DC80-U+DCFF
// (Python's "surrogateescape") and sent back as that byte: what comes in as bytes goes out as the same
// bytes, and text stays text.
platform.decode = function (bytes) {
  if (isAscii(bytes)) return bytes;
  const buffer = Buffer.from(bytes, "latin1");
  return isUtf8(buffer) ? buffer.toString("utf8") : decodeEscaped(buffer);
};
platform.encode = function (data) {
  if (typeof data !== "string") return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
  if (isAscii(data)) return data;
  return (ESCAPED_BYTE.test(data) ? encodeEscaped(data) : Buffer.from(data, "utf8")).toString("latin1");
};
platform.handler = staticResource;
platform.freeMemory = function () { return undefined; };
platform.options = {
  maxRequestLine: 2048, maxHeaderBytes: 8192, maxHeaders: 64, maxBody: 1048576,
  maxConnections: 64, maxQueue: 256, chunkSize: 16384, requestTimeout: 30000,
};
