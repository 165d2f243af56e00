import test from "ava";
import { mkdtempSync, mkdirSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { staticResource, useStorage, memoryStorage, directoryStorage, Storage } from "../../src/node";
import { acceptsGzip, resourceName, serveStatic } from "../../src/static";
import { fakeServer, wait } from "../helpers/fake";

const big = (() => { let s = ""; for (let i = 0; i < 70000; i++) s += String.fromCharCode((i * 7) & 255); return s; })();

const files = {
  "www/index.html": "<h1>home</h1>",
  "www/app.js": "console.log('plain');",
  "www/app.js.gz": "\x1f\x8bGZIPPED",
  "www/only.css.gz": "\x1f\x8bcss",
  "www/sub/page.html": "<p>sub</p>",
  "www/big.bin": big,
  "www/a.3f2a1b.js": "hashed",
  "www/.manifest": "\nindex.html\tE1\t0\tno-cache\napp.js\tE2\t1\tno-cache\na.3f2a1b.js\tE3\t0\tpublic, max-age=31536000, immutable\n",
  "secret.txt": "outside the base",
  "www/noext": "no extension",
};

/** A server of `storage`'s files, bound the way an entry point binds its platform's (no shared state). */
function serve(storage: Storage, base = "www", maxNameLength = Infinity) {
  const files = { storage, maxNameLength, base: "" };
  return fakeServer((req, res) => serveStatic(files, req, res, base), { chunkSize: 512 });
}

test("serves files with Content-Type and Content-Length, index.html for / and for a directory path", async (t) => {
  const { request } = serve(memoryStorage(files));
  const home = await request("GET / HTTP/1.0\r\n\r\n");
  t.is(home.status, 200);
  t.is(home.body, "<h1>home</h1>");
  t.is(home.headers["content-type"], "text/html;charset=utf-8");
  t.is(home.headers["content-length"], "13");
  t.is((await request("GET /sub/page.html HTTP/1.0\r\n\r\n")).body, "<p>sub</p>");
  t.is((await request("GET /noext HTTP/1.0\r\n\r\n")).headers["content-type"], "text/plain");
  const custom = fakeServer((req, res) => { useStorage(memoryStorage(files)); staticResource(req, res, "www/", "page.html", "application/x-thing"); });
  t.is((await custom.request("GET /sub/ HTTP/1.0\r\n\r\n")).body, "<p>sub</p>");
  t.is((await custom.request("GET /noext HTTP/1.0\r\n\r\n")).headers["content-type"], "application/x-thing");
});

test("missing files get 404, other methods 405 with Allow, HEAD the headers only", async (t) => {
  const { request } = serve(memoryStorage(files));
  t.is((await request("GET /nope.html HTTP/1.0\r\n\r\n")).status, 404);
  const post = await request("POST /index.html HTTP/1.0\r\n\r\n");
  t.is(post.status, 405);
  t.is(post.headers["allow"], "GET, HEAD");
  const head = await request("HEAD /big.bin HTTP/1.0\r\n\r\n");
  t.is(head.status, 200);
  t.is(head.headers["content-length"], "70000");
  t.is(head.body, "");
});

test("no request reaches a file outside staticBase", async (t) => {
  const { request } = serve(memoryStorage(files));
  for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt", "/sub/..%2F..%2Fsecret.txt",
    "/..\\secret.txt", "/%5c..%5csecret.txt", "/index.html%00.txt", "//secret.txt", "/./index.html", "/sub//page.html"]) {
    const res = await request(`GET ${path} HTTP/1.0\r\n\r\n`);
    t.true(res.status === 400 || res.status === 404, `${path} → ${res.status}`);
    t.not(res.body, "outside the base", path);
  }
  t.is(resourceName(["..", "x"], "", "i"), undefined);
  t.is(resourceName(["a/b"], "", "i"), undefined);
  for (const control of ["\t", "\n", "\r"]) t.is(resourceName(["a" + control + "b"], "", "i"), undefined, JSON.stringify(control));
  t.is(resourceName(["a", ""], "w", "i"), "w/a/i");
});

test("a name the storage would truncate into another file's name is not found", async (t) => {
  const storage = memoryStorage({ "www/abcdefghijklmnopqrstuvw": "short", "www/abcdefghijklmnopqrstuvwxyz.txt": "long" });
  const { request } = serve(storage, "www", 28);
  t.is((await request("GET /abcdefghijklmnopqrstuvw HTTP/1.0\r\n\r\n")).body, "short");
  t.is((await request("GET /abcdefghijklmnopqrstuvwxyz.txt HTTP/1.0\r\n\r\n")).status, 404);
});

test("a large file streams in network-sized pieces, intact", async (t) => {
  let reads = 0;
  const storage = memoryStorage(files);
  const counting: Storage = {
    read: (name, offset, length) => { if (offset !== undefined) reads++; return storage.read(name, offset, length); },
    write: storage.write, erase: storage.erase, size: storage.size,
  };
  const { request } = serve(counting);
  const res = await request("GET /big.bin HTTP/1.0\r\n\r\n");
  t.is(res.body.length, 70000);
  t.true(res.body === big);
  t.is(res.headers["content-type"], "text/plain");
  t.is(reads, Math.ceil(70000 / 512));
});

test("a client that goes away mid-file stops the reading", async (t) => {
  let reads = 0;
  const storage = memoryStorage(files);
  const counting: Storage = {
    read: (name, offset, length) => { reads++; return storage.read(name, offset, length); },
    write: storage.write, erase: storage.erase, size: storage.size,
  };
  const { connect } = serve(counting);
  const connection = connect();
  connection.send("GET /big.bin HTTP/1.0\r\n\r\n");
  await wait(5);
  connection.hangUp();
  const atHangUp = reads;
  await wait(30);
  t.is(reads, atHangUp);
  t.true(reads < 50);
});

test("gzip: the .gz goes to clients that accept it, with Content-Encoding and Vary", async (t) => {
  const { request } = serve(memoryStorage(files));
  const zipped = await request("GET /app.js HTTP/1.0\r\nAccept-Encoding: gzip, deflate\r\n\r\n");
  t.is(zipped.body, "\x1f\x8bGZIPPED");
  t.is(zipped.headers["content-encoding"], "gzip");
  t.is(zipped.headers["vary"], "Accept-Encoding");
  t.is(zipped.headers["content-type"], "text/javascript;charset=utf-8");
  t.is(zipped.headers["etag"], '"E2-gz"');
  const plain = await request("GET /app.js HTTP/1.0\r\nAccept-Encoding: gzip;q=0, br\r\n\r\n");
  t.is(plain.body, "console.log('plain');");
  t.is(plain.headers["content-encoding"], undefined);
  t.is(plain.headers["vary"], "Accept-Encoding");
  t.is(plain.headers["etag"], '"E2"');
  t.is((await request("GET /app.js HTTP/1.0\r\n\r\n")).body, "console.log('plain');");
});

test("gzip without a manifest, and a file that exists only compressed", async (t) => {
  const { request } = serve(memoryStorage({ "x.txt": "plain", "x.txt.gz": "zipped", "only.css.gz": "css" }), "");
  t.is((await request("GET /x.txt HTTP/1.0\r\nAccept-Encoding: *\r\n\r\n")).body, "zipped");
  t.is((await request("GET /x.txt HTTP/1.0\r\n\r\n")).body, "plain");
  t.is((await request("GET /only.css HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n")).body, "css");
  const refused = await request("GET /only.css HTTP/1.0\r\n\r\n");
  t.is(refused.status, 404);
  t.is(refused.headers["vary"], undefined);
});

test("acceptsGzip reads q-values and wildcards", (t) => {
  t.true(acceptsGzip("gzip"));
  t.true(acceptsGzip("deflate, GZIP;q=0.5"));
  t.true(acceptsGzip("*"));
  t.false(acceptsGzip("gzip;q=0"));
  t.false(acceptsGzip("*, gzip;q=0"));
  t.false(acceptsGzip("*;q=0"));
  t.false(acceptsGzip("br, deflate"));
  t.false(acceptsGzip(undefined));
});

test("ETag and If-None-Match: 304 with no body; Cache-Control from the manifest unless the handler set one", async (t) => {
  const { request } = serve(memoryStorage(files));
  const first = await request("GET /a.3f2a1b.js HTTP/1.0\r\n\r\n");
  t.is(first.headers["etag"], '"E3"');
  t.is(first.headers["cache-control"], "public, max-age=31536000, immutable");
  const again = await request('GET /a.3f2a1b.js HTTP/1.0\r\nIf-None-Match: "xx", "E3"\r\n\r\n');
  t.is(again.status, 304);
  t.is(again.body, "");
  t.is(again.headers["content-length"], undefined);
  t.is(again.headers["etag"], '"E3"');
  t.is((await request("GET /a.3f2a1b.js HTTP/1.0\r\nIf-None-Match: *\r\n\r\n")).status, 304);
  t.is((await request('GET /a.3f2a1b.js HTTP/1.0\r\nIf-None-Match: "E2"\r\n\r\n')).status, 200);
  t.is((await request('HEAD / HTTP/1.0\r\nIf-None-Match: "E1"\r\n\r\n')).status, 304);
  const own = fakeServer((req, res) => { useStorage(memoryStorage(files)); res.headers["cache-control"] = "max-age=5"; staticResource(req, res, "www"); });
  const ownRes = await own.request("GET /index.html HTTP/1.0\r\n\r\n");
  t.is(ownRes.headers["cache-control"], "max-age=5");
});

test("directory storage on Node: files under the root only, streamed", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "picohttp-static-"));
  mkdirSync(join(root, "www", "sub"), { recursive: true });
  writeFileSync(join(root, "www", "index.html"), "<b>dir</b>");
  writeFileSync(join(root, "www", "sub", "data.json"), '{"a":1}');
  writeFileSync(join(root, "www", "big.bin"), Buffer.from(big, "latin1"));
  writeFileSync(join(root, "secret.txt"), "nope");
  const { request } = serve(directoryStorage(root));
  t.is((await request("GET / HTTP/1.0\r\n\r\n")).body, "<b>dir</b>");
  t.is((await request("GET /sub/data.json HTTP/1.0\r\n\r\n")).headers["content-type"], "application/json");
  t.true((await request("GET /big.bin HTTP/1.0\r\n\r\n")).body === big);
  t.is((await request("GET /sub HTTP/1.0\r\n\r\n")).status, 404);
  t.is((await request("GET /../secret.txt HTTP/1.0\r\n\r\n")).status, 400);
  const storage = directoryStorage(root);
  t.is(storage.read("../secret.txt"), undefined);
  t.is(storage.read("/etc/passwd"), undefined);
  t.throws(() => storage.write("../x", "y"));
});

test("HttpServer() with no handler serves the platform's storage", async (t) => {
  useStorage(memoryStorage({ "index.html": "default handler" }));
  const { request } = fakeServer(undefined as any);
  t.is((await request("GET / HTTP/1.0\r\n\r\n")).body, "default handler");
});

test("storages take a file in pieces, as Storage does: the old file stays readable until the last byte on Node, and an erase mid-way leaves nothing", (t) => {
  const root = mkdtempSync(join(tmpdir(), "picohttp-pieces-"));
  const directory = directoryStorage(root);
  const memory = memoryStorage();
  for (const storage of [directory, memory]) {
    storage.write("a.txt", "old");
    storage.write("a.txt", "0123", 0, 10);
    storage.write("a.txt", "4567", 4);
    if (storage === directory) t.is(storage.read("a.txt"), "old", "written beside, renamed over once complete");
    storage.write("a.txt", "89", 8);
    t.is(storage.read("a.txt"), "0123456789");
    storage.write("b.txt", "xy", 0, 10);
    storage.erase("b.txt");
    t.is(storage.read("b.txt"), undefined);
  }
  // No temporary copy left behind, and an offset with no file under way is an error, not a stray file.
  t.deepEqual(require("fs").readdirSync(root), ["a.txt"]);
  t.throws(() => directory.write("c.txt", "z", 5), { message: /not being written/ });
  t.true(directory.getFree!() > 0);
});
