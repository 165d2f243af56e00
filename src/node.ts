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

platform.net = netAdapter(net);
// The working directory stands in for board flash.
platform.storage = directoryStorage(process.cwd());
platform.maxNameLength = Infinity;
// Text is UTF-8. Bytes that are not valid UTF-8 are kept whole, one character per byte, so that binary
// data survives: Buffer.from(request.data, "latin1") gives it back.
platform.decode = function (bytes) {
  if (isAscii(bytes)) return bytes;
  const buffer = Buffer.from(bytes, "latin1");
  return isUtf8(buffer) ? buffer.toString("utf8") : bytes;
};
platform.encode = function (data) {
  if (typeof data !== "string") return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
  return isAscii(data) ? data : Buffer.from(data, "utf8").toString("latin1");
};
platform.handler = staticResource;
platform.freeMemory = function () { return undefined; };
platform.options = {
  maxRequestLine: 2048, maxHeaderBytes: 8192, maxHeaders: 64, maxBody: 1048576,
  maxConnections: 64, maxQueue: 256, chunkSize: 16384,
};
