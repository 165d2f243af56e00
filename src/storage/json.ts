// Saving app state as JSON so that a crash (or power cut) mid-write never loses the previous state.
// Espruino's Storage erases a file before writing its new content, so the new content is first
// written under a second name, and reading prefers that copy while it exists and is whole.
import { Storage, TextCodec } from "../core/types";

function parse(bytes: string | undefined, codec: TextCodec): { value: any } | undefined {
  if (bytes === undefined) return undefined;
  try {
    return { value: JSON.parse(codec.decode(bytes)) };
  } catch (error) {
    return undefined;
  }
}

/** The saved value (stored as UTF-8 text on Node, as the string's bytes on Espruino), or `fallback` when nothing readable was saved under `name`. */
export function loadJSON(storage: Storage, codec: TextCodec, name: string, fallback?: any): any {
  const pending = parse(storage.read(name + "~"), codec);
  if (pending) return pending.value;
  const saved = parse(storage.read(name), codec);
  return saved ? saved.value : fallback;
}

/** Saves `value` under `name`; after a crash at any point, loadJSON returns the old value or the new one. */
export function saveJSON(storage: Storage, codec: TextCodec, name: string, value: any): void {
  const text = codec.encode(JSON.stringify(value));
  storage.write(name + "~", text);
  storage.write(name, text);
  storage.erase(name + "~");
}
