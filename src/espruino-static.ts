// The board's "picohttp/static" module (dist/picohttp-static.js): staticResource over Storage.
import { serveStatic } from "./static";
import { HttpRequest } from "./core/request";
import { HttpResponse } from "./core/response";
import { Files } from "./core/types";

// staticBase "" is the Storage folder the asset pipeline writes to, never the root with its system
// files (.bootcde, .wificfg, the library, saved state). Names over 28 characters would be truncated.
const files: Files = { storage: require("Storage"), maxNameLength: 28, base: "www" };

export function staticResource(request: HttpRequest, response: HttpResponse, staticBase?: string,
                               defaultResource?: string, defaultMime?: string): void {
  serveStatic(files, request, response, staticBase, defaultResource, defaultMime);
}
