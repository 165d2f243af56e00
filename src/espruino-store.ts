// The board's "picohttp/store" module (dist/picohttp-store.js): load and save in Storage.
import { loadFrom, saveTo } from "./storage/json";
import { Files, TextCodec } from "./core/types";

const files: Files = { storage: require("Storage"), maxNameLength: 28, base: "" };
// On a board a string is its bytes.
const bytes: TextCodec = { decode: function (text) { return text; }, encode: function (text) { return text as string; } };

/**
 * The value saved under `name`, or `fallback` when nothing readable was saved there (undefined without
 * one). Its type is what the caller says it is (`load<Settings>("settings", defaults)`): the file holds
 * whatever JSON was saved there.
 */
export function load<T = unknown>(name: string): T | undefined;
export function load<T>(name: string, fallback: T): T;
export function load(name: string, fallback?: unknown): unknown {
  return loadFrom(files, bytes, name, fallback);
}

/** Saves `value` as JSON under `name`; after a crash at any point, load() returns the old value or the new one. */
export function save(name: string, value: unknown): void {
  saveTo(files, bytes, name, value);
}
