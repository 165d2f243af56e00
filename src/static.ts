// Static files: a request path to a stored file (board flash, or a directory on Node), streamed, with
// the asset pipeline's gzip variants, ETags and Cache-Control. The storage is passed in: each entry
// point binds its own (src/espruino-static.ts, src/node.ts).
import { HttpRequest } from "./core/request";
import { BodyStream, HttpResponse } from "./core/response";
import { Files, Storage } from "./core/types";
import { mimeType } from "./mime";
import { findHeader } from "./core/headers";
import { find } from "./core/text";

function under(base: string, name: string): string {
  return !base ? name : base.charAt(base.length - 1) === "/" ? base + name : base + "/" + name;
}

/**
 * Joins the request path under `staticBase`. Returns undefined for a name no file may have: a segment that
 * could reach outside it ("..", ".", an empty one, or one with a decoded slash, backslash or NUL) or one
 * with a tab, CR or LF; and "" for a name that is never published: a dot-name at any depth (.bootcde,
 * .wificfg, .git/, .env, the asset manifest, temporary files) or a copy that save() has not finished ("name~").
 */
export function resourceName(path: string[], staticBase: string, defaultResource: string): string | undefined {
  let name = "";
  let hidden = false;
  for (let i = 0; i < path.length; i++) {
    let segment = path[i];
    if (segment === "" && i === path.length - 1) segment = defaultResource;
    // Tab, CR and LF: the asset manifest is lines of tab-separated fields, and a name holding one would
    // read (or, uploaded, write) another file's ETag and Cache-Control.
    if (segment === "" || segment === "." || segment === ".." || segment.indexOf("/") >= 0 ||
        segment.indexOf("\\") >= 0 || segment.indexOf("\0") >= 0 || segment.indexOf("\t") >= 0 ||
        segment.indexOf("\n") >= 0 || segment.indexOf("\r") >= 0) return undefined;
    if (segment.charAt(0) === "." || segment.charAt(segment.length - 1) === "~") hidden = true;
    name += (i ? "/" : "") + segment;
  }
  return hidden ? "" : under(staticBase, name);
}

/** The manifest the asset pipeline (scripts/assets.mjs) writes beside the files, under `staticBase`. */
export const MANIFEST = ".manifest";

/** Whether an Accept-Encoding value ("gzip", "gzip;q=0.8, br", "*") allows gzip; q=0 refuses it. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  const text = acceptEncoding.toLowerCase();
  let wildcard = false;
  // A loop, not split(): on Espruino, split() running out of memory exits the interpreter.
  for (let start = 0; start < text.length;) {
    let end = text.indexOf(",", start);
    if (end < 0) end = text.length;
    const coding = text.substring(start, end);
    const semicolon = coding.indexOf(";");
    const name = (semicolon < 0 ? coding : coding.substring(0, semicolon)).trim();
    const parameter = semicolon < 0 ? "" : coding.substring(semicolon + 1).trim();
    const allowed = parameter.substring(0, 2) !== "q=" || parseFloat(parameter.substring(2)) > 0;
    if (name === "gzip" || name === "x-gzip") return allowed;
    if (name === "*") wildcard = allowed;
    start = end + 1;
  }
  return wildcard;
}

/**
 * Answers a GET or HEAD with the file the request path names below `staticBase`. The file streams from
 * storage in pieces, with Content-Length and a Content-Type from its extension. When the asset pipeline
 * prepared the files, `name.gz` goes to clients that accept gzip, and the file's ETag answers
 * If-None-Match with 304. Cache-Control comes from the manifest, unless the handler set its own.
 */
export function serveStatic(files: Files, request: HttpRequest, response: HttpResponse, staticBase?: string,
                            defaultResource?: string, defaultMime?: string): void {
  const headers = response.headers;
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.status = 405;
    headers["Allow"] = "GET, HEAD";
    response.data = "Method Not Allowed";
    return;
  }
  // On a board "" is the Storage folder the asset pipeline writes to, never the root with its system files.
  const base = staticBase || files.base;
  const relative = resourceName(request.path, "", defaultResource || "index.html");
  if (relative === undefined) {
    response.status = 400;
    response.data = "Bad resource name";
    return;
  }
  if (!relative) return notFound(response);
  const name = under(base, relative);
  const storage = files.storage;
  // A name too long for the storage would be truncated into another file's name: it names nothing.
  const sizeOf = function (file: string): number | undefined {
    if (file.length > files.maxNameLength) return undefined;
    if (storage.size) return storage.size(file);
    const content = storage.read(file);
    return content === undefined ? undefined : content.length;
  };
  // This file's line in the manifest: "\n<name>\t<etag>\t<1 if name.gz exists>\t<Cache-Control>".
  const manifestName = under(base, MANIFEST);
  const manifest = sizeOf(manifestName) === undefined ? undefined : storage.read(manifestName);
  let fields: string[] = [];
  const at = manifest ? find(manifest, "\n" + relative + "\t") : -1;
  if (at >= 0) {
    const end = (manifest as string).indexOf("\n", at + 1);
    fields = (manifest as string).substring(at + relative.length + 2, end < 0 ? (manifest as string).length : end).split("\t");
  }
  let file = name;
  let etag = fields[0];
  // Without a manifest, look for a .gz; with one, only where it lists one.
  let size = manifest === undefined || fields[1] === "1" ? sizeOf(name + ".gz") : undefined;
  if (size !== undefined) {
    headers["Vary"] = "Accept-Encoding";
    if (acceptsGzip(request.header("Accept-Encoding"))) {
      file = name + ".gz";
      headers["Content-Encoding"] = "gzip";
      // A strong ETag names one representation: the compressed one gets its own.
      if (etag) etag += "-gz";
    } else {
      size = undefined;
    }
  }
  if (file === name) size = sizeOf(name);
  if (size === undefined) return notFound(response);
  headers["Content-Type"] = mimeType(name, defaultMime || "text/plain");
  if (fields[2] && findHeader(headers, "Cache-Control") === undefined) headers["Cache-Control"] = fields[2];
  if (etag) {
    headers["ETag"] = '"' + etag + '"';
    const match = request.header("If-None-Match");
    if (match && (match.trim() === "*" || find(match, '"' + etag + '"') >= 0)) {
      response.status = 304;
      return;
    }
  }
  response.data = fileBody(storage, file, size);
}

function notFound(response: HttpResponse): void {
  delete response.headers["Vary"];
  response.status = 404;
  response.data = "Not Found";
}

/**
 * A stream of a stored file. Made here rather than inside staticResource, so that its `read` keeps
 * only these three alive while the file streams, not everything staticResource used.
 */
export function fileBody(storage: Storage, name: string, size: number): BodyStream {
  return { length: size, read: function (offset: number, length: number) { return storage.read(name, offset, length); } };
}
