// A directory on Node standing in for board flash: names are paths below the root.
import * as fs from "fs";
import * as path from "path";
import { Storage } from "../core/types";

export function directoryStorage(root: string): Storage {
  const base = path.resolve(root);
  // Names come from requests: never let one resolve outside the root.
  const resolve = function (name: string): string | undefined {
    if (!name || name.indexOf("\0") >= 0) return undefined;
    const full = path.resolve(base, name);
    return full.indexOf(base + path.sep) === 0 ? full : undefined;
  };
  // A file, links resolved, that is still inside the root: a link must not lead a request out of it.
  const existing = function (name: string): { path: string; size: number } | undefined {
    const full = resolve(name);
    if (full === undefined) return undefined;
    try {
      const real = fs.realpathSync(full);
      const realBase = fs.realpathSync(base);
      if (real.indexOf(realBase + path.sep) !== 0) return undefined;
      const stats = fs.statSync(real);
      return stats.isFile() ? { path: real, size: stats.size } : undefined;
    } catch (error) {
      return undefined;
    }
  };
  return {
    size: function (name) {
      const file = existing(name);
      return file ? file.size : undefined;
    },
    read: function (name, offset, length) {
      const file = existing(name);
      if (!file) return undefined;
      const start = offset || 0;
      const count = Math.max(0, Math.min(length === undefined ? file.size : length, file.size - start));
      const buffer = Buffer.alloc(count);
      const fd = fs.openSync(file.path, "r");
      try {
        const read = fs.readSync(fd, buffer, 0, count, start);
        return buffer.toString("latin1", 0, read);
      } finally {
        fs.closeSync(fd);
      }
    },
    write: function (name, data) {
      const full = resolve(name);
      if (full === undefined) throw new Error("not a file name inside " + base + ": " + name);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      // Written beside and renamed over: a crash leaves the old file or the new one, never half of one.
      // The temporary file is a dot-name, which staticResource never serves.
      const temporary = path.join(path.dirname(full), "." + path.basename(full) + ".tmp-" + process.pid);
      fs.writeFileSync(temporary, Buffer.from(data, "latin1"));
      fs.renameSync(temporary, full);
    },
    erase: function (name) {
      const full = resolve(name);
      if (full !== undefined) {
        try { fs.unlinkSync(full); } catch (error) { /* already gone */ }
      }
    },
  };
}
