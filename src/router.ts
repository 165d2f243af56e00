// Routing and request bodies, for apps that want more than one handler: a table of method, path
// pattern and handler, with 404 falling through (to staticResource by default) and 405 with Allow for a
// known path asked with another method; a route may ask for a JSON or form body, parsed before its
// handler runs (400 for a body that does not parse, 415 for another type). Platform-free: the entry
// points (espruino-router.ts, node-router.ts) give it the fallback and the form decoder.
import { find } from "./core/text";
import { HttpRequest } from "./core/request";
import { HttpResponse } from "./core/response";
import type { Handler } from "./server/server";

/** The body a route asks for: JSON (`application/json`) or a form (`application/x-www-form-urlencoded`). */
export type BodyKind = "json" | "form";

/** The request a route's handler gets: the spec's, with the path's parameters and the parsed body. */
export interface RoutedRequest extends HttpRequest {
  /** The values of the pattern's `:name` segments (and `*`, the rest of the path), percent-decoded. */
  params: { [name: string]: string };
  /** The parsed body, when the route asked for one: JSON's value, or the form's fields. */
  body?: unknown;
}

/** A route's handler: `(request, response, ...args)` as for HttpServer, with `request.params` and `request.body`. */
export type RouteHandler = (request: RoutedRequest, response: HttpResponse, ...args: any[]) => unknown;

/**
 * `[method, pattern, handler]` or `[method, pattern, handler, body]`. `method` is a method name (a GET
 * route answers HEAD too) or `"*"` for any; `pattern` is a path such as `/api/outputs/:id`, whose `:name`
 * segments match any one segment, and a last segment `*` matches the rest of the path.
 */
export type Route = [string, string, RouteHandler] | [string, string, RouteHandler, BodyKind];

/** What a platform gives the router. */
export interface RouterPlatform {
  /** The handler for a path no route has: staticResource. */
  fallback: Handler;
  /** A form body's fields (percent-decoded, `+` as space, text in the platform's encoding). */
  parseForm: (body: string) => { [name: string]: string };
  /** Variables free now, where memory is counted in them (a board); absent where it is not. */
  free?: () => number;
}

/**
 * JSON nested deeper than this is refused (400) before it is parsed: Espruino parses, frees and
 * stringifies nested values by recursion in C, with no check of the stack, and a board's stack is a few
 * KB (ArduinoJson's nesting limit is 10 for the same reason). A device's JSON is rarely deeper than 4.
 */
export const MAX_JSON_DEPTH = 16;

/**
 * At most what parsing `body` as `kind` takes, in a board's variables, or -1 for JSON nested deeper
 * than MAX_JSON_DEPTH. Measured on Espruino 2v29 (1600-variable build): a JSON value takes one or two
 * (a number or short string with its name or index, a container), a long string one more per 8 to 12
 * bytes, so JSON takes up to one a byte ("[[[[", "[1.5,1.5"); a form field at its peak (the split
 * parts and the fields made from them, both held) 4.8 for short ones, 12 for 37-byte ones.
 */
export function bodyCost(body: string, kind: BodyKind): number {
  let values = 1;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    if (kind === "form") {
      if (code === 38) values++; // &
    } else if (quoted) {
      if (code === 92) i++; // a backslash: what follows it is in the string
      else if (code === 34) quoted = false;
    } else if (code === 34) {
      quoted = true;
    } else if (code === 91 || code === 123) { // [ {
      if (++depth > MAX_JSON_DEPTH) return -1;
      values++;
    } else if (code === 93 || code === 125) { // ] }
      depth--;
    } else if (code === 44) { // ,
      values++;
    }
  }
  return kind === "form" ? 5 * values + (body.length >> 2) : 2 * values + (body.length >> 3);
}

/** The parameters of `path` (a request's decoded segments) under `pattern`, or undefined if it does not match. */
export function matchPath(pattern: string, path: string[]): { [name: string]: string } | undefined {
  const parts = (pattern.charAt(0) === "/" ? pattern.substring(1) : pattern).split("/");
  const params: { [name: string]: string } = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part === "*" && i === parts.length - 1) {
      params["*"] = path.slice(i).join("/");
      return params;
    }
    if (i >= path.length) return undefined;
    if (part.charAt(0) === ":") {
      if (!path[i]) return undefined;
      params[part.substring(1)] = path[i];
    } else if (part !== path[i]) {
      return undefined;
    }
  }
  return parts.length === path.length ? params : undefined;
}

function refuse(response: HttpResponse, status: number, message: string): false {
  response.status = status;
  response.data = { error: message };
  return false;
}

/** Parses the request's body as `kind` into request.body; false (and the response filled in) when it cannot. */
function readBody(request: RoutedRequest, response: HttpResponse, kind: BodyKind, platform: RouterPlatform): boolean {
  // Literals here, not a table: on a board a table would be held in RAM all the time.
  const wanted = kind === "json" ? "application/json" : "application/x-www-form-urlencoded";
  const type = request.header("Content-Type");
  const semicolon = type ? String(type).indexOf(";") : -1;
  const mime = type ? String(semicolon < 0 ? type : String(type).substring(0, semicolon)).trim().toLowerCase() : "";
  if (mime !== wanted) return refuse(response, 415, "send " + wanted + (mime ? ", not " + mime : " (no Content-Type was given)"));
  const body = request.data;
  // A short body is parsed as it is: it cannot nest too deep, and the server's memory guard left room for it.
  if (body.length > MAX_JSON_DEPTH) {
    const cost = bodyCost(body, kind);
    if (cost < 0) return refuse(response, 400, "the JSON is nested more than " + MAX_JSON_DEPTH + " levels deep");
    const free = platform.free ? platform.free() : -1;
    // Refused rather than parsed: out of memory, the interpreter would stop the handler half-way. (With
    // some room left for the handler's own work.)
    if (free >= 0 && cost > free - 64) return refuse(response, 413, "the body is too large to parse with the memory free now");
  }
  if (kind === "form") {
    request.body = platform.parseForm(body);
    return true;
  }
  if (!body) return refuse(response, 400, "the body is empty: send JSON");
  try {
    request.body = JSON.parse(body);
  } catch (error) {
    return refuse(response, 400, "the body is not JSON");
  }
  return true;
}

/**
 * The handler for `routes`: pass it to HttpServer. Paths no route has go to `fallback`, with the server's
 * args, or else to the platform's staticResource (request and response only).
 */
export function routeWith(platform: RouterPlatform, routes: Route[],
                          fallback?: Handler) {
  return function (this: unknown, request: HttpRequest, response: HttpResponse): unknown {
    let allowed = "";
    for (let i = 0; i < routes.length; i++) {
      const route = routes[i];
      const params = matchPath(route[1], request.path);
      if (!params) continue;
      const method = route[0];
      if (method === request.method || method === "*" || (method === "GET" && request.method === "HEAD")) {
        const routed = request as RoutedRequest;
        routed.params = params;
        if (route[3] && !readBody(routed, response, route[3], platform)) return undefined;
        return route[2].apply(undefined, arguments as any);
      }
      if (find(", " + allowed + ",", ", " + method + ",") < 0) allowed += (allowed ? ", " : "") + method + (method === "GET" ? ", HEAD" : "");
    }
    if (allowed) {
      response.status = 405;
      response.headers.Allow = allowed;
      response.data = { error: request.method + " is not allowed here: " + allowed };
      return undefined;
    }
    // The server's args are the routes': staticResource would read the first as its staticBase.
    return fallback ? fallback.apply(undefined, arguments as any) : platform.fallback(request, response);
  };
}
