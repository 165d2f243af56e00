// One app on picohttp/router, in ES5 as a board runs it, and the requests it must answer: run on Node
// (test/socket/router.test.ts) and on Espruino (test/interpreter/router.espruino.test.ts) alike.
import { Reply } from "./http";

/** The app: outputs switched by state over JSON, a form, a rest-of-path route, any-method route, a Promise. */
export const routerApp = (port: number) => `var picohttp = require("picohttp");
var router = require("picohttp/router").router;
var outputs = [false, false];
function output(request, response) {
  var n = Number(request.params.id);
  if (n >= 0 && n < outputs.length && n % 1 === 0) return n;
  response.status = 404;
  response.data = { error: "no output " + request.params.id };
}
var routed = router([
  ["GET", "/api/outputs", function (request, response) { response.data = outputs; }],
  ["GET", "/api/outputs/:id", function (request, response) {
    var n = output(request, response);
    if (n !== undefined) response.data = { id: n, on: outputs[n] };
  }],
  ["PUT", "/api/outputs/:id", function (request, response) {
    var n = output(request, response);
    if (n === undefined) return;
    if (typeof request.body.on !== "boolean") { response.status = 400; response.data = { error: "on is true or false" }; return; }
    outputs[n] = request.body.on;
    response.data = { id: n, on: outputs[n] };
  }, "json"],
  ["POST", "/api/form", function (request, response) { response.data = request.body; }, "form"],
  ["GET", "/files/*", function (request, response) { response.data = { rest: request.params["*"] }; }],
  ["*", "/api/echo", function (request, response, extra) { response.data = { method: request.method, extra: extra }; }],
  ["GET", "/api/later", function (request, response) {
    return new Promise(function (resolve) { setTimeout(function () { response.data = "later"; resolve(); }, 10); });
  }]
]);
var server = new picohttp.HttpServer(${port}, routed, ["an argument"]);
`;

/** The page the fallback (staticResource) serves for "/": Storage's www/index.html on a board, index.html on Node. */
export const INDEX = "<!doctype html><title>routed</title>";

export interface RouterCase {
  name: string;
  method: string;
  path: string;
  body?: string;
  type?: string;
  status: number;
  /** The JSON the body must be, or a check of the reply. */
  json?: unknown;
  check?: (reply: Reply) => string | undefined;
}

export const ROUTER_CASES: RouterCase[] = [
  { name: "a list", method: "GET", path: "/api/outputs", status: 200, json: [false, false] },
  { name: "a parameter", method: "GET", path: "/api/outputs/1", status: 200, json: { id: 1, on: false } },
  { name: "a JSON body sets the state", method: "PUT", path: "/api/outputs/1", body: '{"on":true}', type: "application/json", status: 200,
    json: { id: 1, on: true } },
  { name: "the state was kept", method: "GET", path: "/api/outputs/1", status: 200, json: { id: 1, on: true } },
  { name: "a JSON type with parameters", method: "PUT", path: "/api/outputs/0", body: '{"on":false}', type: "Application/JSON; charset=utf-8",
    status: 200, json: { id: 0, on: false } },
  { name: "another type: 415", method: "PUT", path: "/api/outputs/1", body: "on", type: "text/plain", status: 415,
    json: { error: "send application/json, not text/plain" } },
  { name: "no type: 415", method: "PUT", path: "/api/outputs/1", body: '{"on":true}', status: 415,
    json: { error: "send application/json (no Content-Type was given)" } },
  { name: "not JSON: 400", method: "PUT", path: "/api/outputs/1", body: "{", type: "application/json", status: 400,
    json: { error: "the body is not JSON" } },
  { name: "an empty body: 400", method: "PUT", path: "/api/outputs/1", body: "", type: "application/json", status: 400,
    json: { error: "the body is empty: send JSON" } },
  { name: "JSON nested 17 deep: 400, before it is parsed", method: "PUT", path: "/api/outputs/1",
    body: '{"on":true,"x":' + "[".repeat(16) + "]".repeat(16) + "}", type: "application/json", status: 400,
    json: { error: "the JSON is nested more than 16 levels deep" } },
  { name: "JSON nested 16 deep (brackets in strings do not count)", method: "PUT", path: "/api/outputs/1",
    body: '{"on":true,"x":' + "[".repeat(15) + '"[[[\\"{{"' + "]".repeat(15) + "}", type: "application/json", status: 200,
    json: { id: 1, on: true } },
  { name: "the handler's own 404", method: "PUT", path: "/api/outputs/7", body: '{"on":true}', type: "application/json", status: 404,
    json: { error: "no output 7" } },
  { name: "a known path with another method: 405 with Allow", method: "DELETE", path: "/api/outputs/1", status: 405,
    check: (reply) => (reply.headers.allow === "GET, HEAD, PUT" ? undefined : "Allow is " + reply.headers.allow) },
  { name: "HEAD on a GET route", method: "HEAD", path: "/api/outputs", status: 200,
    check: (reply) => (reply.body.length === 0 && reply.headers["content-length"] === "12" ? undefined : "a body or no length") },
  { name: "a form, decoded", method: "POST", path: "/api/form", body: "a=1&b=x+y&c=%C3%A9&d", type: "application/x-www-form-urlencoded",
    status: 200, json: { a: "1", b: "x y", c: "\u00e9", d: "" } },
  { name: "a form route given JSON: 415", method: "POST", path: "/api/form", body: "{}", type: "application/json", status: 415,
    json: { error: "send application/x-www-form-urlencoded, not application/json" } },
  { name: "the rest of the path", method: "GET", path: "/files/a/b%20c", status: 200, json: { rest: "a/b c" } },
  { name: "any method, with the server's args", method: "PATCH", path: "/api/echo", status: 200, json: { method: "PATCH", extra: "an argument" } },
  { name: "a Promise", method: "GET", path: "/api/later", status: 200, check: (reply) => (reply.text === "later" ? undefined : reply.text) },
  { name: "no route: staticResource", method: "GET", path: "/", status: 200, check: (reply) => (reply.text === INDEX ? undefined : reply.text) },
  { name: "no route, no file: 404", method: "GET", path: "/nothing", status: 404 },
  { name: "a parameter must not be empty", method: "GET", path: "/api/outputs/", status: 404 },
  // Back to the start: the cases can run again.
  { name: "switched back", method: "PUT", path: "/api/outputs/1", body: '{"on":false}', type: "application/json", status: 200,
    json: { id: 1, on: false } },
];

/** What is wrong with `reply` for `c`, or undefined. */
export function routerProblem(c: RouterCase, reply: Reply): string | undefined {
  if (reply.status !== c.status) return `${c.name}: status ${reply.status}, not ${c.status}: ${reply.text}`;
  if (c.json !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(reply.text);
    } catch (error) {
      return `${c.name}: not JSON: ${reply.text}`;
    }
    if (JSON.stringify(value) !== JSON.stringify(c.json)) return `${c.name}: ${reply.text}, not ${JSON.stringify(c.json)}`;
  }
  return c.check ? c.check(reply) : undefined;
}
