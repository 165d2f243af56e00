// Saving app state as JSON so that a crash (or power cut) mid-write never loses the previous state.
// Espruino's Storage erases a file before writing its new content, so the new content is first
// written under a second name, `name~`, with its length after it: a copy cut short (flash left erased,
// 0xFF) is known by that, since JSON.parse on a board accepts trailing bytes ("12\xFF\xFF" is 12).
// Reading prefers the copy while it exists and is whole; `name` itself is plain JSON.
import { Files, TextCodec } from "../core/types";
import { jsonText } from "../core/serializer";

function parse(bytes: string, codec: TextCodec): { value: any } | undefined {
  try {
    return { value: JSON.parse(codec.decode(bytes)) };
  } catch (error) {
    return undefined;
  }
}

/**
 * The value saved under `name` (in board flash, or the working directory on Node), or `fallback` when
 * nothing readable was saved there.
 */
export function loadFrom(files: Files, codec: TextCodec, name: string, fallback?: unknown): unknown {
  const storage = files.storage;
  const pending = storage.read(name + "~");
  const end = pending === undefined ? -1 : pending.lastIndexOf("\n");
  const whole = end >= 0 && (pending as string).substring(end + 1) === String(end) ? parse((pending as string).substring(0, end), codec) : undefined;
  if (whole) return whole.value;
  const saved = storage.read(name);
  const parsed = saved === undefined ? undefined : parse(saved, codec);
  return parsed ? parsed.value : fallback;
}

/** Saves `value` as JSON under `name`; after a crash at any point, load() returns the old value or the new one. */
export function saveTo(files: Files, codec: TextCodec, name: string, value: unknown): void {
  const storage = files.storage;
  if (name.length + 1 > files.maxNameLength) throw new Error("picohttp: name too long to save: " + name);
  const bytes = codec.encode(jsonText(value));
  storage.write(name + "~", bytes + "\n" + bytes.length);
  storage.write(name, bytes);
  storage.erase(name + "~");
}
