// Uploads to flash: `PUT <path><name>` streams the body into the Storage file `name` under the static
// files' base, a piece at a time as it arrives (so a file may be larger than the heap), and `DELETE`
// removes one. The size is checked against free Storage before the first byte is written, a file left
// partial by a client that went away is erased, and the asset manifest's line for the file gets a new
// ETag (its stale .gz is removed), so staticResource serves the new file at once. Only names
// staticResource would publish can be written: never a dot-name (.bootcde, .wificfg, the manifest, the
// password), never outside the base. Platform-free: the entry points give it the storage.
import { HttpRequest } from "./core/request";
import { HttpResponse } from "./core/response";
import { BodySink, Files } from "./core/types";
import type { Handler } from "./server/server";
import { MANIFEST, resourceName } from "./static";
import { find } from "./core/text";

/** @internal What a platform gives the upload module: the static files' storage, and its free bytes. */
export interface UploadPlatform {
  files: Files;
  /** Bytes free for a new file (on a board, free and reclaimable flash: a write compacts when it must). */
  free: () => number;
}

export interface UploadOptions {
  /** The URL path files are uploaded under (default `"/files/"`): `PUT /files/index.html`. */
  path?: string;
  /** The largest file accepted, in bytes (default: whatever free Storage allows). */
  maxSize?: number;
  /** Where the files go, as staticResource's staticBase (default: where staticResource looks with none: "www" on a board). */
  staticBase?: string;
}

/** What a file costs in Storage beyond its bytes (a board's file header is 32 bytes), with some room. */
const FILE_OVERHEAD = 64;

/** The request's Storage name under the upload path, "" for one never published, undefined for none. */
function uploadName(request: HttpRequest, prefix: string[]): string | undefined {
  const path = request.path;
  if (path.length <= prefix.length) return undefined;
  for (let i = 0; i < prefix.length; i++) if (path[i] !== prefix[i]) return undefined;
  const name = resourceName(path.slice(prefix.length), "", "");
  if (name === undefined) return "";
  // A compressed variant comes from the asset pipeline, never from an upload: it would be served instead of the file.
  return name.substring(name.length - 3) === ".gz" ? "" : name;
}

/** `manifest` with the line of `name` replaced by `line` ("\n<name>\t...", or "" to remove it), or added. */
function withLine(manifest: string, name: string, line: string): string {
  const at = find(manifest, "\n" + name + "\t");
  if (at < 0) {
    if (!line) return manifest;
    return (manifest.charAt(manifest.length - 1) === "\n" ? manifest : manifest + "\n") + line.substring(1) + "\n";
  }
  const end = manifest.indexOf("\n", at + 1);
  return manifest.substring(0, at) + line + (end < 0 ? "\n" : manifest.substring(end));
}

/** Records in the manifest, if there is one, that `name` changed: a new ETag (or no line when it is gone). */
function updateManifest(files: Files, base: string, name: string, size: number, removed: boolean): void {
  const storage = files.storage;
  const manifestName = base + MANIFEST;
  const old = storage.read(manifestName);
  if (old === undefined) return; // without one, staticResource needs no ETag and looks for .gz itself
  const manifest = String(old);
  let line = "";
  if (!removed) {
    const at = find(manifest, "\n" + name + "\t");
    let cache = "no-cache";
    if (at >= 0) {
      const end = manifest.indexOf("\n", at + 1);
      const fields = manifest.substring(at + name.length + 2, end < 0 ? manifest.length : end).split("\t");
      if (fields[2]) cache = fields[2];
    }
    // Unique per upload: the size, the time and a random part (a board's clock starts again at each boot, and its Date.now() has a fraction).
    const etag = size.toString(36) + "-" + Math.floor(Date.now()).toString(36) + Math.floor(Math.random() * 1e6).toString(36);
    line = "\n" + name + "\t" + etag + "\t0\t" + cache;
  }
  storage.write(manifestName, withLine(manifest, name, line));
}

/**
 * @internal `handler` with uploads: `PUT <path><name>` (with Content-Length) writes the file `name` under the static
 * base and answers `{name, size}`; `DELETE <path><name>` removes it. Requests outside `path` go to
 * `handler`. Put it behind picohttp/auth's basic(): whoever may upload may replace the device's pages.
 */
export function uploadsWith(platform: UploadPlatform, handler: Handler, options?: UploadOptions): Handler {
  const settings = options || {};
  const prefix = (settings.path || "/files/").split("/");
  // "/files/" gives ["", "files", ""]: the segments before the name are ["files"].
  prefix.shift();
  if (prefix[prefix.length - 1] === "") prefix.pop();
  const files = platform.files;
  const base = settings.staticBase !== undefined ? settings.staticBase : files.base;
  const folder = !base || base.charAt(base.length - 1) === "/" ? base : base + "/";
  // One upload at a time: two writing the same file would mix their pieces.
  let writing = "";
  const uploads: Handler = function (request: HttpRequest, response: HttpResponse): unknown {
    const name = uploadName(request, prefix);
    if (name === undefined) return handler.apply(undefined, arguments as any);
    const storage = files.storage;
    const full = folder + name;
    const uploaded = (request as any)._uploaded;
    if (!name || full.length > files.maxNameLength) {
      response.status = 400;
      response.data = { error: name ? "the name is too long for Storage" : "this name cannot be written" };
    } else if (request.method === "PUT") {
      if (uploaded !== undefined) {
        response.data = { name: name, size: uploaded };
      } else {
        // The server never asked this handler's receive: something between it and the server does not pass it on.
        response.status = 500;
        response.data = { error: "uploads() must be the server's handler, or wrapped only in basic() or cors()" };
      }
    } else if (request.method === "DELETE") {
      // size() where the storage has it (Node: no read of the whole file); on a board read() costs nothing.
      if ((storage.size ? storage.size(full) : storage.read(full)) === undefined) {
        response.status = 404;
        response.data = { error: "no such file" };
      } else {
        storage.erase(full);
        storage.erase(full + ".gz");
        updateManifest(files, folder, name, 0, true);
        response.status = 204;
      }
    } else {
      response.status = 405;
      response.headers["Allow"] = "PUT, DELETE";
      response.data = { error: "upload with PUT, remove with DELETE" };
    }
    return undefined;
  };
  uploads.receive = function (request: HttpRequest, length: number): BodySink | number | undefined {
    const name = uploadName(request, prefix);
    if (name === undefined) return handler.receive ? handler.receive(request, length) : undefined;
    if (request.method !== "PUT") return undefined; // answered by the handler above
    // Refused before a byte is read: a name never published, or one Storage would truncate into another's.
    if (!name) return 403;
    const storage = files.storage;
    const full = folder + name;
    if (full.length > files.maxNameLength) return 414;
    if (length < 0) return 411;
    // Storage cannot hold an empty file.
    if (length === 0) return 400;
    if (settings.maxSize !== undefined && length > settings.maxSize) return 413;
    if (writing) return 503;
    // The file it replaces gives its room back (a board's write compacts if it must).
    const old = storage.size ? storage.size(full) : (storage.read(full) || "").length;
    const room = platform.free() + (old || 0);
    if (length + FILE_OVERHEAD > room) return 507;
    writing = full;
    let written = 0;
    return {
      write: function (piece: string) {
        // The first piece sizes the file; Storage then takes the rest at their offsets.
        if (written) storage.write(full, piece, written);
        else storage.write(full, piece, 0, length);
        written += piece.length;
      },
      end: function () {
        writing = "";
        storage.erase(full + ".gz");
        updateManifest(files, folder, name, length, false);
        (request as any)._uploaded = length;
      },
      abort: function () {
        if (writing === full) writing = "";
        if (written) storage.erase(full);
      },
    };
  };
  return uploads;
}
