// The app's API and page through picohttp's fake network: no sockets, no board.
import test from "ava";
import { join } from "path";
import { HttpServer, directoryStorage, useStorage } from "picohttp";
import { FakeNet } from "picohttp/testing";
import { handle, Light } from "../src/api";

useStorage(directoryStorage(join(__dirname, "..")));

function start() {
  const net = new FakeNet();
  const light: Light = { on: false, set: function (on) { light.on = on; } };
  new HttpServer(80, handle, { args: [light], net: net });
  const send = (method: string, path: string, body = "") =>
    net.request(80, `${method} ${path} HTTP/1.0\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  return { light, send };
}

test("GET /api/light answers the light's state", async (t) => {
  const { send } = start();
  const response = await send("GET", "/api/light");
  t.is(response.status, 200);
  t.is(response.headers["content-type"], "application/json");
  t.deepEqual(JSON.parse(response.body), { on: false });
});

test("PUT /api/light sets the state, and sending it twice keeps it", async (t) => {
  const { light, send } = start();
  for (let i = 0; i < 2; i++) {
    const response = await send("PUT", "/api/light", '{"on":true}');
    t.is(response.status, 200);
    t.deepEqual(JSON.parse(response.body), { on: true });
  }
  t.true(light.on);
});

test("a PUT without a boolean is refused with 400, and changes nothing", async (t) => {
  const { light, send } = start();
  for (const body of ["", "{", '{"on":"yes"}', "[]"]) {
    const response = await send("PUT", "/api/light", body);
    t.is(response.status, 400, body);
    t.deepEqual(JSON.parse(response.body), { error: 'send {"on": true} or {"on": false}' });
  }
  t.false(light.on);
});

test("other methods get 405 with Allow, other API paths 404", async (t) => {
  const { send } = start();
  const deleted = await send("DELETE", "/api/light");
  t.is(deleted.status, 405);
  t.is(deleted.headers["allow"], "GET, PUT");
  t.is((await send("GET", "/api/lamp")).status, 404);
});

test("the page is served from www/", async (t) => {
  const { send } = start();
  const page = await send("GET", "/");
  t.is(page.status, 200);
  t.regex(page.headers["content-type"], /^text\/html/);
  t.regex(page.body, /<title>Light<\/title>/);
  t.is((await send("GET", "/package.json")).status, 404);
});
