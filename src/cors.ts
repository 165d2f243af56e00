// Cross-origin requests: a page served from elsewhere (a dashboard on a laptop, another device) may call
// the device's API. Preflights (OPTIONS with Access-Control-Request-Method) are answered here with 204;
// every other request from an allowed origin is handled and gets Access-Control-Allow-Origin. Requests
// from other origins are handled too, without the header: the browser then withholds the answer from the
// page, as CORS intends (it is not access control: use picohttp/auth for that).
import { HttpRequest } from "./core/request";
import { HttpResponse } from "./core/response";
import type { Handler } from "./server/server";


export interface CorsOptions {
  /** `"*"` (default), one origin (`"http://192.168.1.20:8080"`), or a list of them. */
  origin?: string | string[];
  /** The methods a preflight allows (default: `"GET, HEAD, PUT, POST, DELETE"`). */
  methods?: string;
  /** The request headers a preflight allows (default: `"Content-Type"`). */
  headers?: string;
  /** Seconds a browser may keep a preflight's answer (default 600). */
  maxAge?: number;
}

/** The Access-Control-Allow-Origin for `origin` under `allowed`, or undefined when it is not allowed. */
function allowedOrigin(allowed: string | string[] | undefined, origin: string): string | undefined {
  if (allowed === undefined || allowed === "*") return "*";
  if (typeof allowed === "string") return allowed === origin ? origin : undefined;
  for (let i = 0; i < allowed.length; i++) {
    if (allowed[i] === origin) return origin;
  }
  return undefined;
}

/** `handler` with CORS: pass the result to HttpServer (or wrap a router with it). */
export function cors(handler: Handler, options?: CorsOptions): Handler {
  const settings = options || {};
  const withCors: Handler = function (this: unknown, request: HttpRequest, response: HttpResponse): unknown {
    const origin = request.header("Origin");
    const allow = origin === undefined ? undefined : allowedOrigin(settings.origin, origin);
    if (allow !== undefined) {
      response.headers["Access-Control-Allow-Origin"] = allow;
      // A cache must not give one origin's answer to another.
      if (allow !== "*") response.headers.Vary = "Origin";
      if (request.method === "OPTIONS" && request.header("Access-Control-Request-Method") !== undefined) {
        response.status = 204;
        response.headers["Access-Control-Allow-Methods"] = settings.methods || "GET, HEAD, PUT, POST, DELETE";
        response.headers["Access-Control-Allow-Headers"] = settings.headers || "Content-Type";
        response.headers["Access-Control-Max-Age"] = String(settings.maxAge === undefined ? 600 : settings.maxAge);
        return undefined;
      }
    }
    return handler.apply(undefined, arguments as any);
  };
  // A preflight has no body: any other request's goes where the handler says.
  if (handler.receive) withCors.receive = handler.receive;
  return withCors;
}
