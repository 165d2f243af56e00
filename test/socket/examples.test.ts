// The spec's three examples, run as an app author runs them (`node examples/x.js`), driven by a real
// HTTP client over real sockets.
import test from "ava";
import { ChildProcess, spawn } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as net from "net";
import { join, resolve } from "path";
import { httpRequest, rawRequest, waitForPort } from "../helpers/http";

const examples = resolve(__dirname, "../../examples");

async function runExample(name: string, port: number, cwd: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(examples, name)], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => { output += d; });
  child.stderr!.on("data", (d) => { output += d; });
  try {
    await waitForPort(port);
  } catch (error) {
    child.kill();
    throw new Error(`${name} did not listen on ${port}: ${output}`);
  }
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null) return done();
    child.on("exit", () => done());
    child.kill();
  });
}

test.serial("hello.js answers hello, goodbye and anything else on port 8080", async (t) => {
  const child = await runExample("hello.js", 8080, tmpdir());
  try {
    const hello = await httpRequest(8080, "/hello");
    t.is(hello.status, 200);
    t.is(hello.text, "Hello world!");
    t.is(hello.headers["content-length"], "12");
    t.is((await httpRequest(8080, "/goodbye/and/more?x=1")).text, "Goodbye cruel world");
    const other = await httpRequest(8080, "/what");
    t.is(other.status, 404);
    t.is(other.text, "I don't know what to say");
    t.regex(await rawRequest(8080, "GET /hello HTTP/1.0\r\n\r\n"), /^HTTP\/1\.0 200 OK\r\n/);
  } finally {
    await stop(child);
  }
});

test.serial("rest-store.js creates, reads, updates and deletes items, and they survive a restart", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "picohttp-rest-"));
  let child = await runExample("rest-store.js", 8765, dir);
  try {
    t.is((await httpRequest(8765, "/")).text, "{}");
    t.is((await httpRequest(8765, "/a", { method: "PUT", body: "first" })).status, 200);
    t.is((await httpRequest(8765, "/caf%C3%A9", { method: "PUT", body: "crème" })).status, 200);
    t.is((await httpRequest(8765, "/a")).text, "first");
    t.is((await httpRequest(8765, "/caf%C3%A9")).text, "crème");
    t.is((await httpRequest(8765, "/a", { method: "PUT", body: "second" })).status, 200);
    const all = await httpRequest(8765, "/");
    t.is(all.headers["content-type"], "application/json");
    t.deepEqual(JSON.parse(all.text), { a: "second", "café": "crème" });
    t.is((await httpRequest(8765, "/nothing")).status, 404);
    t.is((await httpRequest(8765, "/constructor")).status, 404);
    t.is((await httpRequest(8765, "/", { method: "PUT", body: "x" })).status, 400);
    t.is((await httpRequest(8765, "/a", { method: "POST", body: "x" })).status, 501);
    t.is((await httpRequest(8765, "/a", { method: "DELETE" })).status, 200);
    t.is((await httpRequest(8765, "/a", { method: "DELETE" })).status, 404);
    t.deepEqual(JSON.parse(readFileSync(join(dir, "test.json"), "utf8")), { "café": "crème" });
    t.false(existsSync(join(dir, "test.json~")));
    await stop(child);
    child = await runExample("rest-store.js", 8765, dir);
    t.is((await httpRequest(8765, "/caf%C3%A9")).text, "crème");
    // Bytes that are not UTF-8 come back as the same bytes, before and after a restart.
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00, 0xc3]);
    t.is((await httpRequest(8765, "/bin", { method: "PUT", body: png })).status, 200);
    t.deepEqual((await httpRequest(8765, "/bin")).body, png);
    await stop(child);
    child = await runExample("rest-store.js", 8765, dir);
    t.deepEqual((await httpRequest(8765, "/bin")).body, png);
  } finally {
    await stop(child);
  }
});

test.serial("rest-store.js recovers the newest whole copy after a crash mid-save", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "picohttp-rest-"));
  // A crash after the new copy was written but before the old file was replaced:
  writeFileSync(join(dir, "test.json"), '{"k":"old"}');
  writeFileSync(join(dir, "test.json~"), '{"k":"new"}\n11');
  let child = await runExample("rest-store.js", 8765, dir);
  try {
    t.is((await httpRequest(8765, "/k")).text, "new");
    await stop(child);
    // A crash while the new copy was being written: it is cut short, the old file is whole.
    writeFileSync(join(dir, "test.json"), '{"k":"old"}');
    writeFileSync(join(dir, "test.json~"), '{"k":"ne');
    child = await runExample("rest-store.js", 8765, dir);
    t.is((await httpRequest(8765, "/k")).text, "old");
    await stop(child);
    // Cut short where the rest of the flash is still erased: JSON.parse on a board reads "12\xff\xff" as 12.
    writeFileSync(join(dir, "test.json~"), Buffer.from([0x31, 0x32, 0xff, 0xff, 0xff]));
    child = await runExample("rest-store.js", 8765, dir);
    t.is((await httpRequest(8765, "/k")).text, "old");
  } finally {
    await stop(child);
  }
});

test.serial("minimal.js serves the files of the directory it runs from on port 80", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "picohttp-minimal-"));
  writeFileSync(join(dir, "index.html"), "<h1>home</h1>");
  writeFileSync(join(dir, "style.css"), "h1{}");
  const secret = '{"ssid":"home","password":"hunter2"}';
  mkdirSync(join(dir, ".git"));
  mkdirSync(join(dir, ".local", "flash"), { recursive: true });
  mkdirSync(join(dir, "sub"));
  writeFileSync(join(dir, ".env"), "WIFI_PASSWORD=hunter2");
  writeFileSync(join(dir, ".git", "config"), "hunter2");
  writeFileSync(join(dir, ".local", "flash", "app.js"), secret);
  writeFileSync(join(dir, ".wifi.json"), secret);
  writeFileSync(join(dir, ".test.json.tmp-123"), secret);
  writeFileSync(join(dir, "test.json~"), secret);
  writeFileSync(join(dir, "sub", ".hidden"), secret);
  writeFileSync(join(dir, "sub", "page.txt"), "page");
  const outside = mkdtempSync(join(tmpdir(), "picohttp-outside-"));
  writeFileSync(join(outside, "passwd"), "root:hunter2");
  symlinkSync(outside, join(dir, "evil-link"));
  symlinkSync(join(outside, "passwd"), join(dir, "inside-link"));
  symlinkSync(join(dir, "sub", "page.txt"), join(dir, "page-link"));
  const child = await runExample("minimal.js", 80, dir);
  try {
    const home = await httpRequest(80, "/");
    t.is(home.text, "<h1>home</h1>");
    t.is(home.headers["content-type"], "text/html;charset=utf-8");
    t.is((await httpRequest(80, "/style.css")).headers["content-type"], "text/css;charset=utf-8");
    t.is((await httpRequest(80, "/missing.txt")).status, 404);
    t.is((await httpRequest(80, "/../etc/passwd")).status, 400);
    // What a checkout holds besides the site: never served.
    for (const path of ["/.env", "/.git/config", "/.local/flash/app.js", "/.wifi.json", "/evil-link/passwd",
      "/inside-link", "/.test.json.tmp-123", "/test.json~", "/sub/.hidden"]) {
      const reply = await httpRequest(80, path);
      t.is(reply.status, 404, path);
      t.false(reply.text.includes("hunter2"), path);
    }
    t.is((await httpRequest(80, "/sub/page.txt")).text, "page");
    t.is((await httpRequest(80, "/page-link")).text, "page", "a link that stays inside the base is followed");
  } finally {
    await stop(child);
  }
});

test.serial("the control app on a port already taken says so and exits with status 1", async (t) => {
  const taken = net.createServer();
  await new Promise<void>((done) => taken.listen(0, "127.0.0.1", () => done()));
  const port = (taken.address() as net.AddressInfo).port;
  try {
    const result = await new Promise<{ code: number | null; output: string }>((done) => {
      const child = spawn(process.execPath, [join(examples, "control", "app.js")], {
        cwd: mkdtempSync(join(tmpdir(), "picohttp-taken-")), env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout!.on("data", (d) => { output += d; });
      child.stderr!.on("data", (d) => { output += d; });
      const timer = setTimeout(() => child.kill(), 10000);
      child.on("exit", (code) => { clearTimeout(timer); done({ code, output }); });
    });
    t.is(result.code, 1, result.output);
    t.regex(result.output, new RegExp(`cannot listen on port ${port}: EADDRINUSE \\(taken`));
  } finally {
    taken.close();
  }
});
