// Files kept in an object: for tests, and for apps that want scratch storage.
import { Storage } from "../core/types";

export function memoryStorage(files?: { [name: string]: string }): Storage {
  const store: { [name: string]: string } = {};
  for (const name in files) store[name] = files[name];
  const has = function (name: string) { return typeof store[name] === "string"; };
  return {
    size: function (name) { return has(name) ? store[name].length : undefined; },
    read: function (name, offset, length) {
      if (!has(name)) return undefined;
      const file = store[name];
      return offset === undefined ? file : file.substr(offset, length === undefined ? file.length : length);
    },
    write: function (name, data, offset) {
      if (name === "__proto__") return;
      // A piece: the first one (offset 0) starts the file, the rest land at their offsets.
      store[name] = offset && has(name) ? store[name].substring(0, offset) + data : data;
    },
    erase: function (name) { delete store[name]; },
  };
}
