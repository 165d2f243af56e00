// The board build of the core (dist/picohttp.js, Storage module "picohttp"): HttpServer, HttpRequest and
// HttpResponse over Espruino's `net`. Static files and load/save are modules of their own
// ("picohttp/static", "picohttp/store"), required on first use: an app that does not use them does not
// pay for them. Only what an app calls is exported: each function alive costs memory on a board.
import { HttpServer, Handler, printError } from "./server/server";
import { BOARD_DEFAULTS, tuning } from "./server/options";

export { HttpServer } from "./server/server";
export { HttpRequest } from "./core/request";
export { HttpResponse } from "./core/response";
// For the feature modules, which load the core rather than carry copies of it.
export { find } from "./core/text";
export { findHeader } from "./core/headers";
export { jsonText } from "./core/serializer";

declare const process: { memory(gc?: boolean): EspruinoMemory };
declare function require(name: string): any;

// The feature modules' functions, each loaded on first use (Espruino's own error names a module that
// is not in Storage). `arguments` passed on as they came: a parameter costs a variable on a board.
/** staticResource(request, response, staticBase, defaultResource, defaultMime), from "picohttp/static". */
export function staticResource(request: any, response: any, staticBase?: string, defaultResource?: string, defaultMime?: string): void;
export function staticResource(): void {
  return require("picohttp/static").staticResource.apply(undefined, arguments);
}

/** load(name, fallback), from "picohttp/store". */
export function load(name: string, fallback?: any): any;
export function load(): any {
  return require("picohttp/store").load.apply(undefined, arguments);
}

/** save(name, value), from "picohttp/store". */
export function save(name: string, value: any): void;
export function save(): void {
  return require("picohttp/store").save.apply(undefined, arguments);
}

const storage = require("Storage");
HttpServer.prototype._platform = {
  // Espruino's sockets already deliver byte strings and close the way picohttp expects: no adapter.
  net: require("net"),
  handler: staticResource as Handler,
  // On builds with unicode support a string literal with non-ASCII characters is held as UTF-8: send
  // its bytes. Everywhere else a string already is its bytes (and text from the wire needs no decoding).
  encode: function (data) {
    if (typeof data !== "string") return E.toString(data);
    return E.isUTF8 && E.isUTF8(data) ? (E.fromUTF8 as any)(data) : data;
  },
  freeMemory: function (collect) { return process.memory(collect).free; },
  // Read where it lies in flash: no RAM.
  phrases: storage.read("picohttp.status"),
  // The board's own limits, written to Storage by `npm run flash` from boards/<board>.json.
  defaults: tuning(BOARD_DEFAULTS, storage.readJSON("picohttp.json", true) || {}, printError),
};
