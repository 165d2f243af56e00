// The board's "picohttp/store" module (dist/picohttp-store.js): load and save in Storage.
import { loadFrom, saveTo } from "./storage/json";
import { Files, TextCodec } from "./core/types";

declare function require(name: string): any;

const files: Files = { storage: require("Storage"), maxNameLength: 28, base: "" };
// On a board a string is its bytes.
const bytes: TextCodec = { decode: function (text) { return text; }, encode: function (text) { return text as string; } };

export function load(name: string, fallback?: any): any {
  return loadFrom(files, bytes, name, fallback);
}

export function save(name: string, value: any): void {
  saveTo(files, bytes, name, value);
}
