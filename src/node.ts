// The Node build (dist/picohttp.node.js): picohttp over Node's `net`, serving files from a directory.
import * as net from "net";
import { isUtf8 } from "buffer";
import { HttpServer, platform } from "./server";
import { netAdapter } from "./adapters/net";
import { directoryStorage } from "./storage/directory";
import { staticResource, useStorage } from "./static";
import { loadJSON, saveJSON } from "./storage/json";

export { HttpServer } from "./server";
export type { Handler, ServerOptions, ServerStats } from "./server";
export { HttpRequest } from "./core/request";
export type { BodyStream, ResponseData } from "./core/response";
export { HttpResponse } from "./core/response";
export type { Storage } from "./core/types";
export { staticResource, useStorage } from "./static";
export { mimeType } from "./mime";
export { memoryStorage } from "./storage/memory";
export { directoryStorage } from "./storage/directory";

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The working directory, as staticResource and load/save see it (board flash on a board). */
export const storage = directoryStorage(process.cwd());

platform.net = netAdapter(net, true);
platform.handler = staticResource;
platform.codec = {
  // Text is UTF-8; bytes that are not valid UTF-8 are kept whole, one character per byte, so that
  // binary data survives: Buffer.from(request.data, "latin1") gives it back.
  decode: function (bytes) {
    if (isAscii(bytes)) return bytes;
    const buffer = Buffer.from(bytes, "latin1");
    return isUtf8(buffer) ? buffer.toString("utf8") : bytes;
  },
  encode: function (text) { return isAscii(text) ? text : Buffer.from(text, "utf8").toString("latin1"); },
  fromBytes: function (bytes) { return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1"); },
};
platform.options = {
  maxRequestLine: 2048, maxHeaderBytes: 8192, maxHeaders: 64, maxBody: 1048576,
  maxConnections: 64, maxQueue: 256, chunkSize: 16384,
};
useStorage(storage);

/** The value saved under `name` in the working directory, or `fallback`. Survives a crash mid-save. */
export function load(name: string, fallback?: any): any {
  return loadJSON(storage, platform.codec, name, fallback);
}

/** Saves `value` as JSON under `name` in the working directory. */
export function save(name: string, value: any): void {
  saveJSON(storage, platform.codec, name, value);
}
