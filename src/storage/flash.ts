// Board flash through Espruino's `require("Storage")`: a flat namespace of files named with at most
// 28 characters. Files read from it are strings that point into flash, so slicing them costs no RAM.
import { Storage } from "../core/types";

/** Storage silently truncates longer names, which would alias another file. */
export const MAX_NAME = 28;

export function flashStorage(flash?: any): Storage {
  const storage = flash || require("Storage");
  return {
    size: function (name: string) {
      if (name.length > MAX_NAME) return undefined;
      const file = storage.read(name);
      return file === undefined ? undefined : file.length;
    },
    read: function (name: string, offset?: number, length?: number) {
      if (name.length > MAX_NAME) return undefined;
      return offset === undefined ? storage.read(name) : storage.read(name, offset, length);
    },
    write: function (name: string, data: string) {
      if (name.length > MAX_NAME) throw new Error("Storage names have at most " + MAX_NAME + " characters: " + name);
      // Storage cannot hold an empty file; a single space stands for it.
      storage.write(name, data.length ? data : " ");
    },
    erase: function (name: string) {
      if (name.length <= MAX_NAME) storage.erase(name);
    },
  };
}
