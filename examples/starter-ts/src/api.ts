// The app's requests: a JSON API for the board's light, and the page (www/) for everything else.
// Portable: the same code runs on the board (src/app.ts) and on Node (src/node.ts, the tests).
import { HttpRequest, HttpResponse, staticResource } from "picohttp/espruino";

/** What the API switches: the board's LED, or a stand-in on Node. */
export interface Light {
  on: boolean;
  set(on: boolean): void;
}

function problem(response: HttpResponse, status: number, message: string): void {
  response.status = status;
  response.data = { error: message };
}

/**
 * GET /api/light: {"on": false}. PUT /api/light with {"on": true}: switches it and answers its state.
 * Anything outside /api/ is a file of the page, from www/.
 */
export function handle(request: HttpRequest, response: HttpResponse, light: Light): void {
  if (request.path[0] !== "api") return staticResource(request, response, "www");
  if (request.path.length !== 2 || request.path[1] !== "light") return problem(response, 404, "no such resource");
  if (request.method === "PUT") {
    let body: { on?: unknown } | undefined;
    try {
      body = JSON.parse(request.data);
    } catch (error) {
      body = undefined;
    }
    // A state, not a toggle: a request sent twice cannot undo itself.
    if (!body || typeof body.on !== "boolean") return problem(response, 400, 'send {"on": true} or {"on": false}');
    light.set(body.on);
  } else if (request.method !== "GET") {
    response.headers.Allow = "GET, PUT";
    return problem(response, 405, "GET or PUT");
  }
  response.data = { on: light.on };
}
