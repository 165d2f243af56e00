// The board build (dist/picohttp.js): picohttp over Espruino's `net` and `Storage`.
import { HttpServer, platform } from "./server";
import { netAdapter } from "./adapters/net";
import { flashStorage } from "./storage/flash";
import { staticResource, useStorage } from "./static";
import { loadJSON, saveJSON } from "./storage/json";

export { HttpServer } from "./server";
export { HttpRequest } from "./core/request";
export { HttpResponse } from "./core/response";
export { staticResource, useStorage } from "./static";
export { mimeType } from "./mime";

declare const process: { memory(gc?: boolean): EspruinoMemory };
declare function require(name: string): any;

/** Board flash, as staticResource and loadJSON/saveJSON see it. */
export const storage = flashStorage();

platform.net = netAdapter(require("net"), false);
platform.handler = staticResource;
platform.codec = {
  decode: platform.codec.decode,
  // On builds with unicode support, a string literal with non-ASCII characters is held as UTF-8:
  // send its bytes. Everywhere else a string already is its bytes.
  encode: function (text) { return E.isUTF8 && E.isUTF8(text) ? (E.fromUTF8 as any)(text) : text; },
  fromBytes: function (bytes) { return E.toString(bytes); },
};
platform.freeMemory = function () { return process.memory(false).free; };
platform.options = { minFreeMemory: 200 };
useStorage(storage);

/** The value saved under `name` in flash, or `fallback`. Survives a power cut mid-save. */
export function load(name: string, fallback?: any): any {
  return loadJSON(storage, platform.codec, name, fallback);
}

/** Saves `value` as JSON under `name` in flash. */
export function save(name: string, value: any): void {
  saveJSON(storage, platform.codec, name, value);
}


