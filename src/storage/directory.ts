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
  // Files being written in pieces: their temporary copy, open, and the size they will have.
  const pieces: { [full: string]: { fd: number; size: number; temporary: string } } = Object.create(null);
  const finishPieces = function (full: string): void {
    const piece = pieces[full];
    delete pieces[full];
    fs.closeSync(piece.fd);
    fs.renameSync(piece.temporary, full);
  };
  const dropPieces = function (full: string): void {
    const piece = pieces[full];
    if (!piece) return;
    delete pieces[full];
    fs.closeSync(piece.fd);
    try { fs.unlinkSync(piece.temporary); } catch (error) { /* already gone */ }
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
    write: function (name, data, offset, size) {
      const full = resolve(name);
      if (full === undefined) throw new Error("not a file name inside " + base + ": " + name);
      // Written beside and renamed over: a crash leaves the old file or the new one, never half of one.
      // The temporary file is a dot-name, which staticResource never serves. A file written in pieces
      // (Storage's write(name, piece, 0, size), then write(name, piece, offset)) is renamed over once its
      // last byte is in.
      const temporary = path.join(path.dirname(full), "." + path.basename(full) + ".tmp-" + process.pid);
      const bytes = Buffer.from(data, "latin1");
      if (offset) {
        const piece = pieces[full];
        if (!piece) throw new Error("a piece at offset " + offset + " of " + name + ", which is not being written");
        fs.writeSync(piece.fd, bytes, 0, bytes.length, offset);
        if (offset + bytes.length >= piece.size) finishPieces(full);
        return;
      }
      fs.mkdirSync(path.dirname(full), { recursive: true });
      dropPieces(full);
      if (size !== undefined && size > bytes.length) {
        const fd = fs.openSync(temporary, "w");
        fs.writeSync(fd, bytes, 0, bytes.length, 0);
        pieces[full] = { fd: fd, size: size, temporary: temporary };
        return;
      }
      fs.writeFileSync(temporary, bytes);
      fs.renameSync(temporary, full);
    },
    getFree: function () {
      // The root may not exist yet (it is made at the first write): its nearest existing folder says.
      let folder = base;
      while (!fs.existsSync(folder) && path.dirname(folder) !== folder) folder = path.dirname(folder);
      const stats = fs.statfsSync(folder);
      return stats.bavail * stats.bsize;
    },
    erase: function (name) {
      const full = resolve(name);
      if (full !== undefined) {
        dropPieces(full);
        try { fs.unlinkSync(full); } catch (error) { /* already gone */ }
      }
    },
  };
}
