// staticResource: files from the platform's storage (board flash, or a directory on Node), streamed.
import { HttpRequest } from "./core/request";
import { HttpResponse } from "./core/response";
import { Storage } from "./core/types";
import { mimeType } from "./mime";
import { platform } from "./server";

/** Sets the storage staticResource, load and save use (the entry point sets the platform's own). */
export function useStorage(storage: Storage): void {
  platform.storage = storage;
}

/**
 * Joins the request path under `staticBase`, or returns undefined when a segment could reach
 * outside it: "..", ".", an empty segment, or one with a (decoded) slash, backslash or NUL.
 */
export function resourceName(path: string[], staticBase: string, defaultResource: string): string | undefined {
  let name = "";
  for (let i = 0; i < path.length; i++) {
    let segment = path[i];
    if (segment === "" && i === path.length - 1) segment = defaultResource;
    if (segment === "" || segment === "." || segment === ".." || segment.indexOf("/") >= 0 ||
        segment.indexOf("\\") >= 0 || segment.indexOf("\0") >= 0) return undefined;
    name += (i ? "/" : "") + segment;
  }
  if (!staticBase) return name;
  return staticBase.charAt(staticBase.length - 1) === "/" ? staticBase + name : staticBase + "/" + name;
}

/**
 * Answers a GET or HEAD with the file the request path names below `staticBase`: the file streams
 * from storage in pieces, with Content-Length and a Content-Type from its extension.
 */
export function staticResource(request: HttpRequest, response: HttpResponse, staticBase?: string,
                               defaultResource?: string, defaultMime?: string): void {
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.status = 405;
    response.headers["Allow"] = "GET, HEAD";
    response.data = "Method Not Allowed";
    return;
  }
  const name = resourceName(request.path, staticBase || "", defaultResource || "index.html");
  if (name === undefined) {
    response.status = 400;
    response.data = "Bad resource name";
    return;
  }
  const storage = platform.storage as Storage;
  let size: number | undefined;
  if (name.length <= platform.maxNameLength) {
    if (storage.size) size = storage.size(name);
    else {
      const file = storage.read(name);
      size = file === undefined ? undefined : file.length;
    }
  }
  if (size === undefined) {
    response.status = 404;
    response.data = "Not Found";
    return;
  }
  response.headers["Content-Type"] = mimeType(name, defaultMime || "text/plain");
  response.data = {
    length: size,
    read: function (offset: number, length: number) { return storage.read(name, offset, length); },
  };
}
