// One app on picohttp/auth and picohttp/cors, in ES5 as a board runs it, and the requests it must answer
// in order: run on Node (test/socket/access.test.ts) and on Espruino (test/interpreter/access.espruino.test.ts).
import { Reply } from "./http";

export const accessApp = (port: number) => `var picohttp = require("picohttp");
var auth = require("picohttp/auth");
var cors = require("picohttp/cors").cors;
var settings = { name: "device" };
function handler(request, response) {
  if (request.path[0] === "api" && request.path[1] === "settings") {
    if (request.method === "PUT") settings.name = request.data;
    response.data = settings;
  } else if (request.path[0] === "api" && request.path[1] === "password") {
    auth.setPassword("admin", request.data);
    response.data = { set: auth.hasPassword() };
  } else {
    response.data = "open";
  }
}
// Once a password is set, changes need it; reads do not. Four wrong guesses lock it for 2 s.
var guarded = auth.basic(handler, "Device settings", function (request) { return request.method !== "GET"; },
  { maxFailures: 4, lockout: 2000 });
var server = new picohttp.HttpServer(${port}, cors(guarded, { origin: ["http://dash.local"] }));
`;

const basic = (credentials: string) => "Basic " + Buffer.from(credentials).toString("base64");
const RIGHT = basic("admin:s3cret");

export interface AccessCase {
  name: string;
  method: string;
  path: string;
  body?: string;
  headers?: { [name: string]: string };
  status: number;
  text?: string;
  /** Response headers that must have these values, or match (undefined: must be absent). */
  expect?: { [name: string]: string | RegExp | undefined };
  /** Milliseconds to wait before it is sent. */
  wait?: number;
}

export const ACCESS_CASES: AccessCase[] = [
  { name: "no password: reads", method: "GET", path: "/api/settings", status: 200, text: '{"name":"device"}' },
  { name: "no password: changes", method: "PUT", path: "/api/settings", body: "one", status: 200, text: '{"name":"one"}' },
  { name: "a password is set", method: "PUT", path: "/api/password", body: "s3cret", status: 200, text: '{"set":true}' },
  { name: "a change without credentials: 401", method: "PUT", path: "/api/settings", body: "two", status: 401,
    expect: { "www-authenticate": 'Basic realm="Device settings", charset="UTF-8"' } },
  { name: "a wrong password: 401", method: "PUT", path: "/api/settings", body: "two", headers: { Authorization: basic("admin:s3cre") }, status: 401 },
  { name: "a wrong user: 401", method: "PUT", path: "/api/settings", body: "two", headers: { Authorization: basic("root:s3cret") }, status: 401 },
  { name: "another scheme: 401", method: "PUT", path: "/api/settings", body: "two", headers: { Authorization: "Bearer " + RIGHT.substring(6) }, status: 401 },
  { name: "the right credentials", method: "PUT", path: "/api/settings", body: "two", headers: { Authorization: RIGHT }, status: 200, text: '{"name":"two"}' },
  { name: "the scheme in any case", method: "PUT", path: "/api/settings", body: "three", headers: { Authorization: "bAsIc " + RIGHT.substring(6) },
    status: 200, text: '{"name":"three"}' },
  { name: "reads stay open", method: "GET", path: "/api/settings", status: 200, text: '{"name":"three"}' },
  ...[1, 2, 3].map((n) => ({ name: `wrong guess ${n}: 401`, method: "PUT", path: "/api/settings", body: "x",
    headers: { Authorization: basic("admin:guess" + n) }, status: 401 })),
  { name: "a 4th wrong guess in a row: 401, and the password is locked", method: "PUT", path: "/api/settings", body: "x",
    headers: { Authorization: basic("admin:guess4") }, status: 401 },
  { name: "the right credentials while locked: 429", method: "PUT", path: "/api/settings", body: "x", headers: { Authorization: RIGHT },
    status: 429, expect: { "retry-after": /^[12]$/, "www-authenticate": undefined } },
  { name: "no credentials while locked: 429", method: "PUT", path: "/api/settings", body: "x", status: 429 },
  { name: "reads stay open while locked", method: "GET", path: "/api/settings", status: 200, text: '{"name":"three"}' },
  { name: "the right credentials once the lockout is over", method: "PUT", path: "/api/settings", body: "four", headers: { Authorization: RIGHT },
    status: 200, text: '{"name":"four"}', wait: 2100 },
  { name: "a preflight from an allowed origin: 204, no credentials needed", method: "OPTIONS", path: "/api/settings",
    headers: { Origin: "http://dash.local", "Access-Control-Request-Method": "PUT" }, status: 204,
    expect: { "access-control-allow-origin": "http://dash.local", vary: "Origin", "access-control-allow-methods": "GET, HEAD, PUT, POST, DELETE",
      "access-control-allow-headers": "Content-Type", "access-control-max-age": "600" } },
  { name: "a request from an allowed origin", method: "GET", path: "/", headers: { Origin: "http://dash.local" }, status: 200, text: "open",
    expect: { "access-control-allow-origin": "http://dash.local" } },
  { name: "a request from another origin: answered, without the header", method: "GET", path: "/", headers: { Origin: "http://evil.example" },
    status: 200, text: "open", expect: { "access-control-allow-origin": undefined } },
  { name: "a preflight from another origin is not answered for it", method: "OPTIONS", path: "/api/settings",
    headers: { Origin: "http://evil.example", "Access-Control-Request-Method": "PUT" }, status: 401,
    expect: { "access-control-allow-origin": undefined } },
  // Back to the start: the cases can run again.
  { name: "the password removed (with it)", method: "PUT", path: "/api/password", body: "", headers: { Authorization: RIGHT }, status: 200,
    text: '{"set":false}' },
  { name: "and changes are open again", method: "PUT", path: "/api/settings", body: "device", status: 200, text: '{"name":"device"}' },
];

/** What is wrong with `reply` for `c`, or undefined. */
export function accessProblem(c: AccessCase, reply: Reply): string | undefined {
  if (reply.status !== c.status) return `${c.name}: status ${reply.status}, not ${c.status}: ${reply.text}`;
  if (c.text !== undefined && reply.text !== c.text) return `${c.name}: ${reply.text}, not ${c.text}`;
  for (const name in c.expect || {}) {
    const expected = c.expect![name];
    const got = reply.headers[name];
    if (expected instanceof RegExp ? !(typeof got === "string" && expected.test(got)) : got !== expected) {
      return `${c.name}: ${name} is ${got}, not ${expected}`;
    }
  }
  return undefined;
}
