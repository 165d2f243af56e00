// One app on picohttp/upload (behind picohttp/auth), in ES5 as a board runs it, and the checks it must pass
// over HTTP: run on Node (test/socket/upload.test.ts) and on Espruino (test/interpreter/upload.espruino.test.ts).
import { ExecutionContext } from "ava";
import * as net from "net";
import { gzipSync } from "zlib";
import { httpRequest, rawRequest } from "./http";

export const uploadApp = (port: number) => `var picohttp = require("picohttp");
var uploads = require("picohttp/upload").uploads;
var auth = require("picohttp/auth");
function site(request, response) {
  if (request.path[0] === "password") {
    auth.setPassword("admin", request.data);
    response.data = { set: auth.hasPassword() };
  } else {
    picohttp.staticResource(request, response);
  }
}
// Reading the site needs no password; changing it does, once one is set.
var server = new picohttp.HttpServer(${port}, auth.basic(uploads(site), "Device files",
  function (request) { return request.method !== "GET" && request.method !== "HEAD"; }));
`;

/** The site the app starts with, under the static base: a page, its .gz and the manifest listing both. */
export const SITE = {
  "index.html": "<p>old page</p>".repeat(10),
  "index.html.gz": gzipSync("<p>old page</p>".repeat(10)).toString("latin1"),
  ".manifest": "\nindex.html\toldetag\t1\tno-cache\nstyle.css\tcssetag\t0\tmax-age=60\n",
  "style.css": "p { color: red }",
};

/** `size` bytes of every value 0-255, so that a byte changed on the way shows. */
export function bytes(size: number): Buffer {
  const buffer = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buffer[i] = (i * 7 + (i >> 8)) & 255;
  return buffer;
}

const RIGHT = "Basic " + Buffer.from("admin:s3cret").toString("base64");

/** A PUT that sends its head and `sent` bytes of a `length`-byte body, then goes away. */
function abandonedUpload(port: number, path: string, length: number, sent: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(`PUT ${path} HTTP/1.0\r\nContent-Length: ${length}\r\n\r\n`);
      socket.write(bytes(sent), () => setTimeout(() => { socket.destroy(); resolve(); }, 300));
    });
    socket.on("error", reject);
  });
}

/** Polls until `check` is true, for up to `timeout` ms (a board may see the client leave only at its body timeout). */
async function eventually(check: () => Promise<boolean>, timeout: number): Promise<boolean> {
  const until = Date.now() + timeout;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Every check, in order, against the app on `port` with SITE in its storage: uploads land and are served,
 * names never published are refused, sizes are checked before a byte is read, the manifest's ETag changes
 * and the stale .gz goes, a client that leaves takes its partial file with it, and a password guards it all.
 * `big` is the size of the large upload (100 KB on a board: larger than its heap).
 */
export async function checkUploads(t: ExecutionContext, port: number, big: number): Promise<void> {
  const put = (name: string, body: string | Buffer, headers: { [name: string]: string } = {}) =>
    httpRequest(port, "/files/" + name, { method: "PUT", body, headers });

  // A new file, bytes as sent.
  let reply = await put("hello.bin", bytes(300));
  t.is(reply.status, 200, reply.text);
  t.deepEqual(JSON.parse(reply.text), { name: "hello.bin", size: 300 });
  reply = await httpRequest(port, "/hello.bin");
  t.is(reply.status, 200);
  t.true(reply.body.equals(bytes(300)), "the file comes back byte for byte");
  // A file the manifest did not list gets a line of its own: an ETag, and no-cache.
  t.regex(String(reply.headers.etag), /^"8c-[0-9a-z]+"$/, "300 bytes, in base 36, then the time and a random part");
  t.is(reply.headers["cache-control"], "no-cache");

  // Replacing a page the asset pipeline wrote: a new ETag, and its stale .gz no longer served.
  const before = await httpRequest(port, "/index.html", { headers: { "Accept-Encoding": "gzip" } });
  t.is(before.headers["content-encoding"], "gzip");
  t.is(before.headers.etag, '"oldetag-gz"');
  reply = await put("index.html", "<p>new page</p>");
  t.is(reply.status, 200, reply.text);
  const after = await httpRequest(port, "/index.html", { headers: { "Accept-Encoding": "gzip" } });
  t.is(after.text, "<p>new page</p>");
  t.is(after.headers["content-encoding"], undefined);
  t.regex(String(after.headers.etag), /^"[0-9a-z-]+"$/);
  t.not(after.headers.etag, '"oldetag"');
  t.is(after.headers["cache-control"], "no-cache");
  t.is((await httpRequest(port, "/index.html", { headers: { "If-None-Match": String(after.headers.etag) } })).status, 304);
  // Another file's line is kept as it was.
  t.is((await httpRequest(port, "/style.css")).headers.etag, '"cssetag"');
  t.is((await put("style.css", "p { color: blue }")).status, 200);
  const css = await httpRequest(port, "/style.css");
  t.is(css.text, "p { color: blue }");
  t.is(css.headers["cache-control"], "max-age=60", "an uploaded file keeps the Cache-Control its line had");
  t.not(css.headers.etag, '"cssetag"');

  // Refused before a byte is read or written.
  for (const name of [".bootcde", ".manifest", "a/.hidden", "..%2F.bootcde", "x%2F..%2F.wificfg", "page.html.gz", "backup~",
    // A tab or line break would write a line of its own into the asset manifest.
    "q%0Aindex.html%09E%090%09immutable", "tab%09name", "cr%0D"]) {
    t.is((await put(name, "x")).status, 403, name);
  }
  t.is((await httpRequest(port, "/files/", { method: "PUT", body: "x" })).status, 403);
  t.is((await put("n".repeat(40), "x")).status, 414, "a name Storage would truncate into another's");
  t.is((await put("empty.txt", "")).status, 400, "Storage cannot hold an empty file");
  t.regex(await rawRequest(port, "PUT /files/nolength.txt HTTP/1.0\r\n\r\n"), /^HTTP\/1\.0 411 /);
  t.regex(await rawRequest(port, "PUT /files/huge.bin HTTP/1.0\r\nContent-Length: 900000000\r\n\r\n"), /^HTTP\/1\.0 507 /,
    "more than Storage has free is refused at once");
  t.is((await httpRequest(port, "/huge.bin")).status, 404);

  // Other methods on an upload path.
  reply = await httpRequest(port, "/files/hello.bin");
  t.is(reply.status, 405);
  t.is(reply.headers.allow, "PUT, DELETE");

  // A client that goes away mid-upload leaves no partial file, and the next upload is not kept waiting.
  await abandonedUpload(port, "/files/partial.bin", 4000, 1500);
  t.true(await eventually(async () => (await httpRequest(port, "/partial.bin")).status === 404, 15000), "the partial file is erased");
  t.true(await eventually(async () => (await put("partial.bin", bytes(4000))).status === 200, 15000));
  t.true((await httpRequest(port, "/partial.bin")).body.equals(bytes(4000)));

  // A file larger than the heap, streamed piece by piece.
  reply = await put("big.bin", bytes(big));
  t.is(reply.status, 200, reply.text);
  reply = await httpRequest(port, "/big.bin");
  t.is(reply.body.length, big);
  t.true(reply.body.equals(bytes(big)), "the large file comes back byte for byte");

  // Removing.
  t.is((await httpRequest(port, "/files/hello.bin", { method: "DELETE" })).status, 204);
  t.is((await httpRequest(port, "/hello.bin")).status, 404);
  t.is((await httpRequest(port, "/files/hello.bin", { method: "DELETE" })).status, 404);
  t.is((await httpRequest(port, "/files/big.bin", { method: "DELETE" })).status, 204);

  // Behind the password once one is set: nothing is written without it.
  t.is((await httpRequest(port, "/password", { method: "PUT", body: "s3cret" })).status, 200);
  reply = await put("locked.txt", "x".repeat(2000));
  t.is(reply.status, 401);
  t.regex(String(reply.headers["www-authenticate"]), /^Basic realm="Device files"/);
  t.is((await httpRequest(port, "/locked.txt")).status, 404);
  t.is((await httpRequest(port, "/files/index.html", { method: "DELETE" })).status, 401);
  t.is((await put("locked.txt", "unlocked", { Authorization: RIGHT })).status, 200);
  t.is((await httpRequest(port, "/locked.txt")).text, "unlocked");
  t.is((await httpRequest(port, "/password", { method: "PUT", body: "", headers: { Authorization: RIGHT } })).status, 200);
}

/**
 * Requests that leave the storage as they found it (after checkUploads): each kind of upload, refusal and
 * removal once, for a memory check that repeats them.
 */
export async function uploadRound(port: number): Promise<void> {
  const expect = (status: number, reply: { status: number; text?: string }, what: string) => {
    if (reply.status !== status) throw new Error(what + ": " + reply.status + " " + (reply.text || ""));
  };
  const put = (name: string, body: string | Buffer, headers: { [name: string]: string } = {}) =>
    httpRequest(port, "/files/" + name, { method: "PUT", body, headers });
  expect(200, await put("round.bin", bytes(3000)), "upload");
  expect(200, await put("round.bin", bytes(2000)), "replace");
  expect(200, await httpRequest(port, "/round.bin"), "read");
  expect(204, await httpRequest(port, "/files/round.bin", { method: "DELETE" }), "delete");
  expect(403, await put(".bootcde", "x"), "a hidden name");
  expect(411, { status: Number((await rawRequest(port, "PUT /files/x HTTP/1.0\r\n\r\n")).substring(9, 12)) }, "no length");
  expect(507, { status: Number((await rawRequest(port, "PUT /files/x HTTP/1.0\r\nContent-Length: 900000000\r\n\r\n")).substring(9, 12)) }, "too big");
  await abandonedUpload(port, "/files/gone.bin", 3000, 1000);
  if (!await eventually(async () => (await put("gone.bin", "back")).status === 200, 15000)) throw new Error("the upload after an abandoned one was refused");
  expect(204, await httpRequest(port, "/files/gone.bin", { method: "DELETE" }), "delete");
  expect(200, await httpRequest(port, "/password", { method: "PUT", body: "s3cret" }), "password");
  expect(401, await put("locked.txt", "x".repeat(1000)), "no credentials");
  expect(200, await put("locked.txt", "unlocked", { Authorization: RIGHT }), "credentials");
  expect(200, await httpRequest(port, "/password", { method: "PUT", body: "", headers: { Authorization: RIGHT } }), "no password");
}
