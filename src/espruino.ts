// The board build (dist/picohttp.js): picohttp over Espruino's `net` and `Storage`.
// Only what an app calls is exported: each function alive costs memory on a board.
import { platform } from "./server";
import { staticResource } from "./static";

export { HttpServer } from "./server";
export { HttpRequest } from "./core/request";
export { HttpResponse } from "./core/response";
export { staticResource } from "./static";
export { load, save } from "./storage/json";

declare const process: { memory(gc?: boolean): EspruinoMemory };
declare function require(name: string): any;

// Espruino's sockets already deliver byte strings and close the way picohttp expects: no adapter needed.
platform.net = require("net");
platform.storage = require("Storage");
platform.handler = staticResource;
// On builds with unicode support a string literal with non-ASCII characters is held as UTF-8: send its
// bytes. Everywhere else a string already is its bytes.
platform.encode = function (data) {
  if (typeof data !== "string") return E.toString(data);
  return E.isUTF8 && E.isUTF8(data) ? (E.fromUTF8 as any)(data) : data;
};
platform.decode = function (bytes) { return bytes; };
// Without a collection the figure counts garbage as used: cheap, and a collection is asked for only
// when that figure would turn work away.
platform.freeMemory = function (collect) { return process.memory(!!collect).free; };
// The board's limits, written to Storage by `npm run flash` from boards/<board>.json.
platform.options = require("Storage").readJSON("picohttp.json", true) || {};
if (!platform.options.minFreeMemory) platform.options.minFreeMemory = 200;
