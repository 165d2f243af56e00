// picohttp/upload on Node over real sockets: the app and checks of test/helpers/upload-app.ts, the same
// ones the interpreter test runs on a board, in a directory standing in for its flash.
import test from "ava";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { runOnNode } from "../helpers/node-app";
import { freePort } from "../helpers/browser";
import { SITE, checkUploads, uploadApp, uploadRound } from "../helpers/upload-app";

const dist = resolve(__dirname, "../../dist");

test.serial("picohttp/upload on Node: files streamed into storage, names and sizes checked first, the manifest kept true", async (t) => {
  const picohttp = require(resolve(dist, "picohttp.node.js"));
  const modules = { picohttp, "picohttp/upload": require(resolve(dist, "upload.node.js")), "picohttp/auth": require(resolve(dist, "auth.node.js")) };
  const root = mkdtempSync(join(tmpdir(), "picohttp-upload-"));
  for (const name in SITE) writeFileSync(join(root, name), Buffer.from((SITE as any)[name], "latin1"));
  const storage = picohttp.directoryStorage(root);
  // Free bytes and name lengths as a board has them: the 507 and 414 checks are against these.
  picohttp.useStorage(Object.assign({}, storage, { getFree: () => 3000000 }), 28);
  const port = await freePort();
  const server = runOnNode(uploadApp(port), modules);
  try {
    await checkUploads(t, port, 1024 * 1024);
    await uploadRound(port);
    // Nothing left over: no temporary copies, no partial file, the big one removed.
    t.deepEqual(readdirSync(root).sort(), [".manifest", "index.html", "locked.txt", "partial.bin", "style.css"]);
  } finally {
    server.close();
    picohttp.useStorage(picohttp.directoryStorage(process.cwd()));
    rmSync(root, { recursive: true, force: true });
  }
});

test("picohttp/upload on Node names the main entry's function", (t) => {
  t.is(require(resolve(dist, "upload.node.js")).uploads, require(resolve(dist, "picohttp.node.js")).uploads);
});

test("uploads() behind a handler that does not pass receive on says so, and writes nothing", async (t) => {
  const picohttp = require(resolve(dist, "picohttp.node.js"));
  const { FakeNet } = require(resolve(dist, "testing.js"));
  const storage = picohttp.memoryStorage();
  picohttp.useStorage(storage);
  try {
    const inner = picohttp.uploads(picohttp.staticResource);
    const net = new FakeNet();
    new picohttp.HttpServer(80, (request: unknown, response: unknown) => inner(request, response), { net });
    const reply = await net.request(80, "PUT /files/a.txt HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi");
    t.is(reply.status, 500);
    t.regex(reply.body, /must be the server's handler/);
    t.is(storage.read("a.txt"), undefined);
  } finally {
    picohttp.useStorage(picohttp.directoryStorage(process.cwd()));
  }
});
