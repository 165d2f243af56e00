// The board's "picohttp/router" module (dist/picohttp-router.js): routes over the core, which it loads
// with require("picohttp") (the percent-decoder for form bodies, and staticResource for paths no route has).
import { Route, RouterPlatform, routeWith } from "./router";
import { parseTarget } from "./core/url";
import { staticResource } from "./espruino";
import type { Handler } from "./server/server";

export type { BodyKind, Route, RouteHandler, RoutedRequest } from "./router";

const platform: RouterPlatform = {
  fallback: staticResource,
  // On a board the decoded bytes are the text.
  parseForm: function (body) { return parseTarget("/?" + body).query; },
  free: function () { return process.memory(false).free; },
};

/**
 * The handler for `routes` (`[method, pattern, handler, body?]`): pass it to HttpServer. A path no route
 * has goes to `fallback` (staticResource by default); a known path asked with another method gets 405.
 */
export function router(routes: Route[], fallback?: Handler) {
  return routeWith(platform, routes, fallback);
}
