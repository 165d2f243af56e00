// The board build of the core (dist/picohttp.js, Storage module "picohttp"): HttpServer, HttpRequest and
// HttpResponse over Espruino's `net`. Static files and load/save are modules of their own
// ("picohttp/static", "picohttp/store"), required on first use: an app that does not use them does not
// pay for them. Only what an app calls is exported: each function alive costs memory on a board.
//
// Its declarations (dist/types/espruino.d.ts) are what an app may use: the feature modules' shared helpers
// below are left out of them. The Espruino globals (E, require("Storage"), pins...) are declared in
// espruino-env.ts, which a board app written in TypeScript opts into.
import { HttpServer, Handler, printError } from "./server/server";
import type { HttpRequest } from "./core/request";
import type { HttpResponse } from "./core/response";
import { BOARD_DEFAULTS, tuning } from "./server/options";

export { HttpServer } from "./server/server";
export type { Handler, ServerOptions, ServerStats } from "./server/server";
export type { Tuning } from "./server/options";
export { HttpRequest } from "./core/request";
export { HttpResponse } from "./core/response";
export type { BodyFunction, BodyStream, JsonValue, ResponseData } from "./core/response";
export type { BodySink } from "./core/types";
/** @internal For the feature modules, which load the core rather than carry copies of it. */
export { find } from "./core/text";
/** @internal */
export { findHeader } from "./core/headers";
/** @internal */
export { jsonText, oneLine } from "./core/serializer";
/** @internal */
export { parseTarget } from "./core/url";

// The feature modules' functions, each loaded on first use (Espruino's own error names a module that
// is not in Storage). `arguments` passed on as they came: a parameter costs a variable on a board.
/**
 * Answers a GET or HEAD with the Storage file the request path names below `staticBase` ("" is the folder
 * `www`). From "picohttp/static", loaded on first use.
 */
export function staticResource(request: HttpRequest, response: HttpResponse, staticBase?: string, defaultResource?: string,
                               defaultMime?: string): void;
export function staticResource(): void {
  return require("picohttp/static").staticResource.apply(undefined, arguments as any);
}

/**
 * The value saved under `name` in Storage, or `fallback` when nothing readable was saved there (undefined
 * without one); its type is what the caller says it is (`load<Settings>("settings", defaults)`). From
 * "picohttp/store", loaded on first use.
 */
export function load<T = unknown>(name: string): T | undefined;
export function load<T>(name: string, fallback: T): T;
export function load(): unknown {
  return require("picohttp/store").load.apply(undefined, arguments as any);
}

/**
 * Saves `value` as JSON under `name` in Storage; after a crash at any point, load() returns the old value
 * or the new one. From "picohttp/store", loaded on first use.
 */
export function save(name: string, value: unknown): void;
export function save(): void {
  return require("picohttp/store").save.apply(undefined, arguments as any);
}

const storage = require("Storage");
HttpServer.prototype._platform = {
  // Espruino's sockets already deliver byte strings and close the way picohttp expects: no adapter.
  net: require("net"),
  handler: staticResource as Handler,
  // Espruino's own function: a JavaScript wrapper would cost a call at every use.
  encode: E.toString as (data: Uint8Array) => string,
  memory: process.memory,
  // Read where it lies in flash: no RAM.
  phrases: storage.read("picohttp.status"),
  // The board's own limits, written to Storage by `npm run flash` from boards/<board>.json.
  defaults: tuning(BOARD_DEFAULTS, (storage.readJSON("picohttp.json", true) || {}) as { [key: string]: unknown }, printError),
};
// On builds with Unicode support a string literal with non-ASCII characters is held as UTF-8: send its
// bytes. Elsewhere (the ESP32 and ESP8266 firmware) a string already is its bytes: nothing to call.
if (E.isUTF8 && E.isUTF8("\u03c0")) {
  HttpServer.prototype._platform.encodeText = function (text) {
    return (E.isUTF8 as (text: string) => boolean)(text) ? (E.fromUTF8 as (text: string) => string)(text) : text;
  };
}
