// The Node build (dist/picohttp.node.js): picohttp over Node's `net`, serving files from a directory.
// Everything is in this one bundle; picohttp/static and picohttp/store name the same parts as on a board.
import * as net from "net";
import { isUtf8 } from "buffer";
import { Handler, HttpServer } from "./server/server";
import { NODE_DEFAULTS } from "./server/options";
import { STATUS_PHRASES } from "./core/status";
import { netAdapter } from "./adapters/net";
import { directoryStorage } from "./storage/directory";
import { serveStatic } from "./static";
import { loadFrom, saveTo } from "./storage/json";
import { HttpRequest } from "./core/request";
import { HttpResponse } from "./core/response";
import { Files, Storage, TextCodec } from "./core/types";
import { parseTarget } from "./core/url";
import { Route, RouterPlatform, routeWith } from "./router";
import { AuthPlatform, LockoutOptions, basicWith, hasPasswordIn, setPasswordIn } from "./auth";
import { UploadOptions, UploadPlatform, uploadsWith } from "./upload";

export { HttpServer } from "./server/server";
export type { Handler, ServerOptions, ServerStats } from "./server/server";
export type { Tuning } from "./server/options";
export { HttpRequest } from "./core/request";
export type { BodyFunction, BodyStream, JsonValue, ResponseData } from "./core/response";
export { HttpResponse } from "./core/response";
export type { Storage } from "./core/types";
export { mimeType } from "./mime";
export { memoryStorage } from "./storage/memory";
export { directoryStorage } from "./storage/directory";
export type { BodyKind, Route, RouteHandler, RoutedRequest } from "./router";
export { cors } from "./cors";
export { Channel } from "./events";
export type { ChannelOptions } from "./events";
export type { CorsOptions } from "./cors";
export type { UploadOptions } from "./upload";
export type { LockoutOptions } from "./auth";
export type { BodySink } from "./core/types";

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

/** @internal Text is UTF-8 (see above). Exported for the tests. */
export const codec: TextCodec = {
  decode: function (bytes) {
    if (isAscii(bytes)) return bytes;
    const buffer = Buffer.from(bytes, "latin1");
    return isUtf8(buffer) ? buffer.toString("utf8") : decodeEscaped(buffer);
  },
  encode: function (data) {
    if (typeof data !== "string") return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
    if (isAscii(data)) return data;
    return (ESCAPED_BYTE.test(data) ? encodeEscaped(data) : Buffer.from(data, "utf8")).toString("latin1");
  },
};

// The working directory stands in for board flash.
const files: Files = { storage: directoryStorage(process.cwd()), maxNameLength: Infinity, base: "" };

/**
 * Sets the storage staticResource, load and save use (the working directory by default); `maxNameLength`
 * makes names longer than that not found, as on a board (28).
 */
export function useStorage(storage: Storage, maxNameLength?: number): void {
  files.storage = storage;
  files.maxNameLength = maxNameLength || Infinity;
}

/**
 * Answers a GET or HEAD with the file the request path names below `staticBase` (the working directory,
 * or the storage given to useStorage).
 */
export function staticResource(request: HttpRequest, response: HttpResponse, staticBase?: string,
                               defaultResource?: string, defaultMime?: string): void {
  serveStatic(files, request, response, staticBase, defaultResource, defaultMime);
}

/**
 * The value saved under `name`, or `fallback` when nothing readable was saved there (undefined without
 * one). Its type is what the caller says it is (`load<Settings>("settings", defaults)`): the file holds
 * whatever JSON was saved there.
 */
export function load<T = unknown>(name: string): T | undefined;
export function load<T>(name: string, fallback: T): T;
export function load(name: string, fallback?: unknown): unknown {
  return loadFrom(files, codec, name, fallback);
}

/** Saves `value` as JSON under `name`; after a crash at any point, load() returns the old value or the new one. */
export function save(name: string, value: unknown): void {
  saveTo(files, codec, name, value);
}

const routing: RouterPlatform = {
  fallback: staticResource,
  parseForm: function (body) { return parseTarget("/?" + body, codec.decode).query; },
};

/**
 * The handler for `routes` (`[method, pattern, handler, body?]`): pass it to HttpServer. A path no route
 * has goes to `fallback` (staticResource by default); a known path asked with another method gets 405.
 */
export function router(routes: Route[], fallback?: Handler) {
  return routeWith(routing, routes, fallback);
}

const access: AuthPlatform = { files: files, bytes: function (text) { return codec.encode(text); } };

/** Sets the user name and password basic() asks for (file ".picohttp.auth" in the storage); "" asks for none. */
export function setPassword(user: string, password: string): void {
  setPasswordIn(access, user, password);
}

/** Whether a password is set. */
export function hasPassword(): boolean {
  return hasPasswordIn(access);
}

/**
 * `handler` behind basic authentication once a password is set: 401 with WWW-Authenticate without the
 * right credentials. `needs(request)` picks the requests that need them (default: all). After
 * `options.maxFailures` wrong ones in a row (default 5) it answers 429 for `options.lockout` ms (default 30000).
 */
export function basic(handler: Handler, realm?: string,
                      needs?: (request: HttpRequest) => boolean, options?: LockoutOptions) {
  return basicWith(access, handler, realm, needs, options);
}

const uploading: UploadPlatform = {
  files: files,
  free: function () { return files.storage.getFree ? files.storage.getFree() : Infinity; },
};

/**
 * `handler` with uploads: `PUT <path><name>` (default path "/files/") writes the file `name` in the storage
 * piece by piece as the body arrives, `DELETE` removes it; other requests go to `handler`.
 */
export function uploads(handler: Handler, options?: UploadOptions) {
  return uploadsWith(uploading, handler, options);
}

HttpServer.prototype._platform = {
  net: netAdapter(net),
  handler: staticResource as Handler,
  decode: codec.decode,
  encode: codec.encode,
  encodeText: codec.encode,
  phrases: STATUS_PHRASES,
  defaults: NODE_DEFAULTS,
  halfClose: true,
};
