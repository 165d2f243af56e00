// The asset pipeline (scripts/assets.mjs), and what staticResource makes of its output.
import test from "ava";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { gunzipSync } from "zlib";
import { spawnSync } from "child_process";
import { directoryStorage, staticResource, useStorage } from "../../src/node";
import { fakeServer } from "../helpers/fake";

const pipeline = import("../../scripts/assets.mjs");

function site(): string {
  const dir = mkdtempSync(join(tmpdir(), "picohttp-assets-"));
  mkdirSync(join(dir, "img"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><p>" + "repeat me ".repeat(100) + "</p>");
  writeFileSync(join(dir, "app.0123abcd.js"), "console.log('hashed');".repeat(20));
  writeFileSync(join(dir, "img", "dot.svg"), "<svg/>");
  return dir;
}

test("gzips where it pays off, hashes ETags, writes the manifest", async (t) => {
  const { prepareAssets } = await pipeline;
  const out = mkdtempSync(join(tmpdir(), "picohttp-assets-out-"));
  const result = prepareAssets(site(), { base: "www", out });
  t.deepEqual(result.problems, []);
  const names = result.files.map((f: any) => f.name).sort();
  t.deepEqual(names, ["www/.manifest", "www/app.0123abcd.js", "www/app.0123abcd.js.gz", "www/img/dot.svg",
    "www/index.html", "www/index.html.gz"]);
  t.is(gunzipSync(readFileSync(join(out, "index.html.gz"))).toString(), readFileSync(join(out, "index.html"), "utf8"));
  t.false(existsSync(join(out, "img", "dot.svg.gz")), "a tiny file is not worth compressing");
  const lines = readFileSync(join(out, ".manifest"), "utf8").split("\n").filter(Boolean).map((l) => l.split("\t"));
  const byName = Object.fromEntries(lines.map((l) => [l[0], l]));
  t.is(byName["index.html"][2], "1");
  t.is(byName["index.html"][3], "no-cache");
  t.is(byName["img/dot.svg"][2], "0");
  t.is(byName["app.0123abcd.js"][3], "public, max-age=31536000, immutable");
  t.regex(byName["index.html"][1], /^[A-Za-z0-9_-]{16}$/);
  const again = prepareAssets(site(), { base: "www", out: mkdtempSync(join(tmpdir(), "picohttp-assets-out-")) });
  t.is(again.manifest, result.manifest, "the same content gives the same ETags");
});

test("refuses names that do not fit Storage's 28 characters once prefixed, and writes nothing", async (t) => {
  const dir = site();
  writeFileSync(join(dir, "a-rather-long-file-name.html"), "x".repeat(500));
  const result = spawnSync(process.execPath, ["scripts/assets.mjs", dir, "--base", "www", "--out", join(dir, "..", "never")],
    { encoding: "utf8" });
  t.is(result.status, 1);
  t.regex(result.stderr, /"www\/a-rather-long-file-name\.html(\.gz)?" has \d+ characters: Storage names have at most 28/);
  t.false(existsSync(join(dir, "..", "never")));
});

test("staticResource serves the pipeline's output: gzip, ETag, 304, Cache-Control", async (t) => {
  const { prepareAssets } = await pipeline;
  const root = mkdtempSync(join(tmpdir(), "picohttp-assets-root-"));
  prepareAssets(site(), { base: "www", out: join(root, "www") });
  const { request } = fakeServer((req, res) => { useStorage(directoryStorage(root)); staticResource(req, res, "www"); });
  const zipped = await request("GET / HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n");
  t.is(zipped.headers["content-encoding"], "gzip");
  t.is(gunzipSync(Buffer.from(zipped.body, "latin1")).toString(), "<!doctype html><p>" + "repeat me ".repeat(100) + "</p>");
  t.is(zipped.headers["cache-control"], "no-cache");
  const etag = zipped.headers["etag"];
  t.regex(etag, /^"[A-Za-z0-9_-]{16}-gz"$/);
  t.is((await request(`GET / HTTP/1.0\r\nAccept-Encoding: gzip\r\nIf-None-Match: ${etag}\r\n\r\n`)).status, 304);
  t.is((await request(`GET / HTTP/1.0\r\nIf-None-Match: ${etag}\r\n\r\n`)).status, 200, "the plain copy has another ETag");
  t.is((await request("GET /img/dot.svg HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n")).body, "<svg/>");
});
