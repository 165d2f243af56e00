// Saving app state as JSON so that a crash (or power cut) mid-write never loses the previous state.
// Espruino's Storage erases a file before writing its new content, so the new content is first
// written under a second name, and reading prefers that copy while it exists and is whole.
import { Storage } from "../core/types";
import { platform } from "../server";

/**
 * The value saved under `name` (in board flash, or the working directory on Node), or `fallback` when
 * nothing readable was saved there.
 */
export function load(name: string, fallback?: any): any {
  const storage = platform.storage as Storage;
  const parse = function (bytes: string | undefined): { value: any } | undefined {
    if (bytes === undefined) return undefined;
    try {
      return { value: JSON.parse(platform.decode(bytes)) };
    } catch (error) {
      return undefined;
    }
  };
  const pending = parse(storage.read(name + "~"));
  if (pending) return pending.value;
  const saved = parse(storage.read(name));
  return saved ? saved.value : fallback;
}

/** Saves `value` as JSON under `name`; after a crash at any point, load() returns the old value or the new one. */
export function save(name: string, value: any): void {
  const storage = platform.storage as Storage;
  if (name.length + 1 > platform.maxNameLength) throw new Error("picohttp: name too long to save: " + name);
  const bytes = platform.encode(JSON.stringify(value));
  storage.write(name + "~", bytes);
  storage.write(name, bytes);
  storage.erase(name + "~");
}
