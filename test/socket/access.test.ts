// picohttp/auth and picohttp/cors on Node over real sockets: the app and requests of
// test/helpers/access-app.ts, the same ones the interpreter test sends to a board.
import test from "ava";
import { resolve } from "path";
import { httpRequest } from "../helpers/http";
import { runOnNode } from "../helpers/node-app";
import { freePort } from "../helpers/browser";
import { ACCESS_CASES, accessApp, accessProblem } from "../helpers/access-app";

const dist = resolve(__dirname, "../../dist");

test.serial("picohttp/auth and picohttp/cors on Node: 401 until the right credentials, preflights, allowed origins only", async (t) => {
  const picohttp = require(resolve(dist, "picohttp.node.js"));
  const modules: { [name: string]: unknown } = {
    picohttp, "picohttp/auth": require(resolve(dist, "auth.node.js")), "picohttp/cors": require(resolve(dist, "cors.node.js")),
  };
  const storage = picohttp.memoryStorage();
  picohttp.useStorage(storage);
  const port = await freePort();
  const server = runOnNode(accessApp(port), modules);
  try {
    for (const c of ACCESS_CASES) {
      if (c.wait) await new Promise((resolve) => setTimeout(resolve, c.wait));
      const reply = await httpRequest(port, c.path, { method: c.method, body: c.body, headers: c.headers || {} });
      t.is(accessProblem(c, reply), undefined);
    }
    // The credentials file is a dot-name: staticResource never serves it.
    const auth = modules["picohttp/auth"] as { setPassword(user: string, password: string): void };
    auth.setPassword("admin", "s3cret");
    t.truthy(storage.read(".picohttp.auth"));
    const { FakeNet } = require(resolve(dist, "testing.js"));
    const net = new FakeNet();
    new picohttp.HttpServer(80, picohttp.staticResource, { net });
    t.is((await net.request(80, "GET /.picohttp.auth HTTP/1.0\r\n\r\n")).status, 404);
    auth.setPassword("admin", "");
    t.is(storage.read(".picohttp.auth"), undefined);
  } finally {
    server.close();
    picohttp.useStorage(picohttp.directoryStorage(process.cwd()));
  }
});

test("a user name with ':' is refused; the comparison is exact", (t) => {
  const auth = require(resolve(dist, "auth.node.js"));
  t.throws(() => auth.setPassword("a:b", "x"), { message: /cannot contain ':'/ });
  const { sameText } = require("../../src/auth");
  t.true(sameText("abc", "abc"));
  t.false(sameText("abc", "abd"));
  t.false(sameText("ab", "abc"));
  t.false(sameText("abcd", "abc"));
  t.false(sameText("", "abc"));
  t.true(sameText("", ""));
});

test("picohttp/auth and picohttp/cors on Node name the main entry's functions", (t) => {
  const main = require(resolve(dist, "picohttp.node.js"));
  t.is(require(resolve(dist, "auth.node.js")).basic, main.basic);
  t.is(require(resolve(dist, "cors.node.js")).cors, main.cors);
});
