// picohttp/router on Node over real sockets: the app and the requests of test/helpers/router-app.ts, the
// same ones the interpreter test sends to a board.
import test from "ava";
import { resolve } from "path";
import { httpRequest } from "../helpers/http";
import { runOnNode } from "../helpers/node-app";
import { freePort } from "../helpers/browser";
import { INDEX, ROUTER_CASES, routerApp, routerProblem } from "../helpers/router-app";

const dist = resolve(__dirname, "../../dist");

test.serial("picohttp/router on Node: parameters, 405 with Allow, JSON and form bodies, 415 and 400, the fallback", async (t) => {
  const picohttp = require(resolve(dist, "picohttp.node.js"));
  const modules: { [name: string]: unknown } = {
    picohttp, "picohttp/router": require(resolve(dist, "router.node.js")),
  };
  picohttp.useStorage(picohttp.memoryStorage({ "index.html": INDEX }));
  const port = await freePort();
  const server = runOnNode(routerApp(port), modules);
  try {
    for (const c of ROUTER_CASES) {
      const reply = await httpRequest(port, c.path, { method: c.method, body: c.body,
        headers: c.type ? { "Content-Type": c.type } : {} });
      t.is(routerProblem(c, reply), undefined);
    }
  } finally {
    server.close();
    picohttp.useStorage(picohttp.directoryStorage(process.cwd()));
  }
});

test("picohttp/router on Node names the main entry's router", (t) => {
  t.is(require(resolve(dist, "router.node.js")).router, require(resolve(dist, "picohttp.node.js")).router);
});
