// The conformance table (issue 9): HTTP requests and the exact bytes picohttp must answer with, written
// once and run against every target: the fake network (test/socket/conformance.test.ts), the Node build over real
// sockets (the same file) and Espruino's interpreter on both heaps (test/interpreter/conformance.espruino.test.ts).
// Every target runs test/conformance/app.js with the limits below, so that one answer is right everywhere;
// a `board` field gives the interpreter's answer where it must legitimately differ, and says why.
//
// Requests and responses are byte strings (one character per byte); utf8() turns text into its bytes.
// Below the table: the site the static cases serve (made by the asset pipeline) and the runner that sends
// each case whole and in pieces.
import * as net from "net";
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";

// ---------------------------------------------------------------------------------------------------------
// The app's configuration: app.js gets these, so the limit cases below hold on every target.

/**
 * Limits and timeouts of the main server (and, with TIGHT over them, of the minimal one). maxBody is 512:
 * on 1600 variables a body is refused with 503 while the free memory less a fifth of its length is under
 * half of minFreeMemory (200 on a board), and a 1 KB body sits near that edge beside this app.
 */
export const LIMITS = {
  maxRequestLine: 256, maxHeaderBytes: 1024, maxHeaders: 16, maxBody: 512, chunkSize: 256,
  maxConnections: 4, maxQueue: 8, headerTimeout: 10000, bodyTimeout: 10000, handlerTimeout: 10000,
};
/**
 * The minimal server's: one connection at a time, a queue of one, a short header timeout (the 503 and 408
 * cases). A queue of one, not none: a connection the board has not yet seen close must not turn the next
 * request away.
 */
export const TIGHT = { maxConnections: 1, maxQueue: 1, headerTimeout: 1000 };
/** The defaultMime the app passes to staticResource on its /mime/ route. */
export const DEFAULT_MIME = "application/x-conformance";
/** The file the app's copy of examples/rest-store.js saves its items to. */
export const STORE = "conf.json";

export interface AppOptions {
  ports: number[];
  limits: typeof LIMITS;
  tight: typeof TIGHT;
  defaultMime: string;
  store: string;
  block?: boolean;
  net?: unknown;
}

export function appOptions(ports: number[]): AppOptions {
  return { ports, limits: LIMITS, tight: TIGHT, defaultMime: DEFAULT_MIME, store: STORE };
}

// ---------------------------------------------------------------------------------------------------------
// What the answers are made of.

/** The standard reason phrases (RFC 9110 and the registry, as src/core/status.ts lists them). */
export const PHRASES: { [code: number]: string } = {
  100: "Continue", 101: "Switching Protocols",
  200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information", 204: "No Content",
  205: "Reset Content", 206: "Partial Content",
  300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
  305: "Use Proxy", 307: "Temporary Redirect", 308: "Permanent Redirect",
  400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
  405: "Method Not Allowed", 406: "Not Acceptable", 407: "Proxy Authentication Required", 408: "Request Timeout",
  409: "Conflict", 410: "Gone", 411: "Length Required", 412: "Precondition Failed", 413: "Content Too Large",
  414: "URI Too Long", 415: "Unsupported Media Type", 416: "Range Not Satisfiable", 417: "Expectation Failed",
  418: "I'm a teapot", 421: "Misdirected Request", 422: "Unprocessable Content", 425: "Too Early",
  426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests",
  431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
  500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
  504: "Gateway Timeout", 505: "HTTP Version Not Supported", 507: "Insufficient Storage",
  511: "Network Authentication Required",
};
const CLASS_PHRASES = ["", "Informational", "Success", "Redirection", "Client Error", "Server Error",
  "Unknown", "Unknown", "Unknown", "Unknown"];

/** The phrase a code 100-999 gets: its standard one, or its class's. */
export function phrase(code: number): string {
  return PHRASES[code] || CLASS_PHRASES[Math.floor(code / 100)];
}

/** Content-Type by extension, as src/mime.ts defines it. */
export const MIME: { [extension: string]: string } = {
  html: "text/html;charset=utf-8", htm: "text/html;charset=utf-8", css: "text/css;charset=utf-8",
  js: "text/javascript;charset=utf-8", mjs: "text/javascript;charset=utf-8", json: "application/json",
  txt: "text/plain;charset=utf-8", svg: "image/svg+xml", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg",
  gif: "image/gif", ico: "image/x-icon", webp: "image/webp", wasm: "application/wasm", woff: "font/woff",
  woff2: "font/woff2", xml: "application/xml", csv: "text/csv;charset=utf-8", pdf: "application/pdf",
  map: "application/json",
};

/** Text as its UTF-8 bytes. */
export function utf8(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

export type Header = [string, string];

/** Statuses without a body or a Content-Length. */
function bodiless(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/**
 * A handler's answer: status line, `headers` in order, Content-Length (unless `open`, or a bodiless status)
 * and `body` (a byte string; left out for `head`, a HEAD request).
 */
export function answer(status: number, headers: Header[], body: string,
                       options: { head?: boolean; open?: boolean; protocol?: string } = {}): string {
  let text = `${options.protocol || "HTTP/1.0"} ${status} ${phrase(status)}\r\n`;
  for (const [name, value] of headers) text += `${name}: ${value}\r\n`;
  const hasBody = !bodiless(status);
  if (hasBody && !options.open) text += `Content-Length: ${body.length}\r\n`;
  return text + "\r\n" + (hasBody && !options.head ? body : "");
}

/** A plain-text answer of `body` (the app's text routes). */
export function text(body: string, status = 200): string {
  return answer(status, [], body);
}

/** The answer the server makes itself (400, 408, 413, 414, 431, 500, 503); then it closes. */
export function serverError(status: number): string {
  const reason = phrase(status);
  return `HTTP/1.0 ${status} ${reason}\r\nContent-Type: text/plain\r\n` + (status === 503 ? "Retry-After: 1\r\n" : "") +
    `Content-Length: ${reason.length}\r\n\r\n${reason}`;
}

/** A JSON answer picohttp made from an object: Content-Type added after the handler's own headers, UTF-8 text. */
export function json(value: unknown, before: Header[] = [], options: { head?: boolean } = {}): string {
  return answer(200, before.concat([["Content-Type", "application/json"]]), utf8(JSON.stringify(value)), options);
}

/** The fields of an HttpRequest, as the app's echo route returns them (in this order). */
export interface Echo {
  method: string;
  path: string[];
  query: { [key: string]: string };
  protocol: string;
  headers: { [name: string]: string };
  /** request.header("x-lookup"), left out when undefined. */
  lookup?: string;
  data: string;
}

/** The echo route's answer for these fields (defaults: GET, HTTP/1.0, no query, headers or body). */
export function echo(fields: Partial<Echo> & { path: string[] }, options: { head?: boolean } = {}): string {
  const value: Echo = {
    method: fields.method || "GET", path: fields.path, query: fields.query || {}, protocol: fields.protocol || "HTTP/1.0",
    headers: fields.headers || {}, data: fields.data || "",
  };
  if (fields.lookup !== undefined) {
    // Before data, where the app puts it.
    const { data, ...rest } = value;
    return json({ ...rest, lookup: fields.lookup, data }, [], options);
  }
  return json(value, [], options);
}

/** A request: request line, header lines, blank line, body. */
export function request(method: string, target: string, headers: string[] = [], body = "", protocol = "HTTP/1.0"): string {
  return `${method} ${target} ${protocol}\r\n` + headers.map((line) => line + "\r\n").join("") + "\r\n" + body;
}

/** A request with a body and its Content-Length. */
export function withBody(method: string, target: string, body: string, headers: string[] = []): string {
  return request(method, target, headers.concat([`Content-Length: ${body.length}`]), body);
}

/** The bytes the app's streams produce from `offset` (app.js `pattern`). */
export function pattern(offset: number, count: number): string {
  let s = "";
  for (let i = offset; i < offset + count; i++) s += String.fromCharCode((i * 13 + 7) & 255);
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// The table's shape.

/** Bytes, or a function of the prepared site (the static cases need its ETags and gzipped copies). */
export type Bytes = string | ((site: Site) => string);

export interface Step {
  /** The request's bytes. */
  request: Bytes;
  /** The answer's exact bytes on every target. */
  response: Bytes;
  /** The board's answer, where it must legitimately differ; `why` says why. */
  board?: Bytes;
  why?: string;
}

export type ServerName = "main" | "minimal";

export interface Case {
  name: string;
  /** Cases of one group are reported as one test (the generated status codes). */
  group?: string;
  /**
   * Which of the app's servers: main (default), or minimal (examples/minimal.js: no handler; one connection
   * at a time and a queue of one, so its cases run one at a time).
   */
  server?: ServerName;
  /** Requests sent one after another, each on its own connection: state (a store, onError's count) carries over. */
  steps: Step[];
  /** false: sent whole only (the generated status cases: piece handling does not depend on the code). */
  pieces?: boolean;
  /**
   * Offsets where the first step's request must also be cut: on the fake network each one on its own (two
   * pieces), on real sockets all of them at once (pieces a few ms apart).
   */
  splits?: number[];
  /** Piece size on real sockets (default: about a twelfth of the request, 3 to 96 bytes). */
  piece?: number;
  /**
   * Connections opened first, one after another, each sending an incomplete request: they fill the minimal
   * server's slot and queue, and each gets its `response` (408) when the header timeout ends it. The steps
   * run while they wait.
   */
  occupy?: Step[];
}

function one(name: string, requestBytes: Bytes, response: Bytes, extra: Partial<Case> & Partial<Step> = {}): Case {
  const { board, why, ...rest } = extra;
  const step: Step = { request: requestBytes, response };
  if (board !== undefined) {
    step.board = board;
    step.why = why;
  }
  return { name, steps: [step], ...rest };
}

const get = (target: string, headers: string[] = []) => request("GET", target, headers);

/**
 * A case that makes the handler fail: a 500; then the app's /errors route says onError was told once about
 * a request with that path (and forgets it: each mode sees its own).
 */
function failing(name: string, target: string): Case {
  return {
    name, steps: [
      { request: get(target), response: serverError(500) },
      { request: get("/errors" + target), response: text("1") },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// The site the static cases serve: prepared by the asset pipeline (scripts/assets.mjs) under "www", as
// `npm run flash` puts it on a board.

export interface SiteFile {
  /** The file's bytes, and the gzipped copy the pipeline made (if any). */
  content: string;
  gz?: string;
  /** From the manifest; undefined for a file the pipeline did not prepare. */
  etag?: string;
  cacheControl?: string;
}

export interface Site {
  /** By name below the base ("index.html", "sub/page.txt"). */
  files: { [name: string]: SiteFile };
  /** Storage name -> local path of every prepared file (".manifest" and ".gz" copies included), under "www/". */
  prepared: { [storageName: string]: string };
  /** Files only Node's storage can hold (names longer than a board's 28 characters). */
  nodeOnly: { [name: string]: string };
}

/** The name longer than Storage's 28 characters ("www/" included), served on Node only. */
export const LONG_NAME = "abcdefghijklmnopqrstuvwxyz.txt";

function siteSource(): { [name: string]: string | Buffer } {
  const big = Buffer.alloc(3000);
  let x = 12345;
  for (let i = 0; i < big.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    big[i] = x >> 16 & 255;
  }
  const files: { [name: string]: string | Buffer } = {
    "index.html": "<!doctype html><title>conformance</title>\n" + "<p>A paragraph of text, again and again.</p>\n".repeat(40),
    "app.0a1b2c3d.js": "console.log('conformance');\n".repeat(30),
    "plain.txt": "plain text\n",
    "sub/index.html": "<p>sub index</p>\n",
    "sub/page.txt": "sub page\n",
    "sub/.secret": "a dot file\n",
    "big.bin": big,
    "m.zzz": "unknown extension\n",
    "noext": "no extension\n",
    "UP.TXT": "upper-case extension\n",
  };
  for (const extension in MIME) files["m." + extension] = `m.${extension}\n`;
  return files;
}

/** Prepares the site in `dir` with the asset pipeline. */
export async function prepareSite(dir: string): Promise<Site> {
  const { prepareAssets } = await import("../../scripts/assets.mjs");
  const source = join(dir, "site-source");
  const files = siteSource();
  for (const name in files) {
    mkdirSync(join(source, name, ".."), { recursive: true });
    writeFileSync(join(source, name), files[name]);
  }
  const result = prepareAssets(source, { base: "www", out: join(dir, "site") });
  if (result.problems.length) throw new Error("asset pipeline: " + result.problems.join("; "));
  const site: Site = { files: {}, prepared: {}, nodeOnly: { [LONG_NAME]: "a name too long for a board\n" } };
  for (const f of result.files) site.prepared[f.name] = f.path;
  for (const name in files) {
    const content = Buffer.from(files[name]).toString("latin1");
    const gzPath = site.prepared["www/" + name + ".gz"];
    site.files[name] = { content, gz: gzPath ? readFileSync(gzPath).toString("latin1") : undefined };
  }
  for (const line of (result.manifest as string).split("\n")) {
    if (!line) continue;
    const [name, etag, gz, cacheControl] = line.split("\t");
    const file = site.files[name];
    if (!file || (gz === "1") !== (file.gz !== undefined)) throw new Error("manifest line does not match the files: " + line);
    file.etag = etag;
    file.cacheControl = cacheControl;
  }
  for (const name in site.nodeOnly) site.files[name] = { content: site.nodeOnly[name] };
  return site;
}

function mimeOf(name: string, fallback = "text/plain"): string {
  const dot = name.lastIndexOf(".");
  const slash = name.lastIndexOf("/");
  if (dot < 0 || dot < slash) return fallback;
  return MIME[name.substring(dot + 1).toLowerCase()] || fallback;
}

interface StaticOptions {
  /** The request accepts gzip. */
  gzip?: boolean;
  head?: boolean;
  /** The request's If-None-Match matched: 304. */
  notModified?: boolean;
  /** The defaultMime in force (text/plain unless the route passes one). */
  fallback?: string;
}

/** staticResource's answer for the file `name` (below the base). */
function served(name: string, options: StaticOptions = {}): (site: Site) => string {
  return (site) => {
    const file = site.files[name];
    if (!file) throw new Error("no such site file: " + name);
    const headers: Header[] = [];
    const zipped = file.gz !== undefined && !!options.gzip;
    if (file.gz !== undefined) headers.push(["Vary", "Accept-Encoding"]);
    if (zipped) headers.push(["Content-Encoding", "gzip"]);
    headers.push(["Content-Type", mimeOf(name, options.fallback)]);
    if (file.cacheControl) headers.push(["Cache-Control", file.cacheControl]);
    if (file.etag) headers.push(["ETag", `"${file.etag}${zipped ? "-gz" : ""}"`]);
    return answer(options.notModified ? 304 : 200, headers, zipped ? file.gz! : file.content, { head: options.head });
  };
}

const NOT_FOUND = text("Not Found", 404);
const BAD_NAME = text("Bad resource name", 400);
const NOT_ALLOWED = answer(405, [["Allow", "GET, HEAD"]], "Method Not Allowed");

// ---------------------------------------------------------------------------------------------------------
// The table.

function statusCases(): Case[] {
  const cases: Case[] = [];
  // Every code: its phrase, and a body (with its Content-Length) unless the code has none.
  const inPieces = [100, 200, 204, 304, 404, 999];
  for (let code = 100; code <= 999; code++) {
    cases.push(one(`status ${code}`, get(`/status/n/${code}`), answer(code, [], "body"),
      { group: "status: every code 100-999 gets one short status line", pieces: inPieces.includes(code) }));
  }
  // A string of digits is that code.
  for (const code of [100, 199, 204, 304, 404, 999]) {
    cases.push(one(`status: the string "${code}" is ${code}`, get(`/status/s/${code}`), answer(code, [], "body")));
  }
  cases.push(one("status: left undefined, it is 200", get("/status/none"), answer(200, [], "body")));
  cases.push(one("status: HEAD of a 404 has its Content-Length and no body", request("HEAD", "/status/n/404"),
    answer(404, [], "body", { head: true })));
  cases.push(one("status: HEAD of a 204", request("HEAD", "/status/n/204"), answer(204, [], "")));
  // Anything else is a 500, reported to onError.
  const invalid: [string, string][] = [
    ["the number 0", "n/0"], ["the number 99", "n/99"], ["the number 1000", "n/1000"], ["the number 200.5", "n/200.5"],
    ["the number -200", "n/-200"], ["NaN", "nan"], ["null", "null"], ["true", "true"], ["an object", "object"],
    ['the string "abc"', "s/abc"], ["a string with CR LF", "s/20%0D%0A4"], ['the string " 204"', "s/%20204"],
    ['the string "2e2"', "s/2e2"], ["the empty string", "s/"],
  ];
  for (const [label, tail] of invalid) cases.push(failing(`status: ${label} is a 500, reported to onError`, "/status/" + tail));
  return cases;
}

/** The echo of a PUT of `data` (text) to /echo with its Content-Length. */
function echoPut(data: string): string {
  return echo({ method: "PUT", path: ["echo"], headers: { "Content-Length": String(utf8(data).length) }, data });
}

function requestFieldCases(): Case[] {
  return [
    one("request: a plain GET", get("/echo"), echo({ path: ["echo"] })),
    one("request: method as sent, path segments, percent- and +-decoded query", request("BREW", "/echo/a/b%20c/?q=1&w=x+y&f", ["Host: board"]),
      echo({ method: "BREW", path: ["echo", "a", "b c", ""], query: { q: "1", w: "x y", f: "" }, headers: { Host: "board" } }),
      { splits: [3, 4, 5, 9, 10, 24, 25] }),
    one("request: a lower-case method and HTTP/1.1 pass through", request("get", "/echo", [], "", "HTTP/1.1"),
      echo({ method: "get", path: ["echo"], protocol: "HTTP/1.1" })),
    one("request: an unknown protocol passes through", request("GET", "/echo", [], "", "FOO/9"),
      echo({ path: ["echo"], protocol: "FOO/9" })),
    one("request: a non-ASCII path /caf%C3%A9", get("/echo/caf%C3%A9"), echo({ path: ["echo", "café"] })),
    one("request: a non-ASCII path sent as raw UTF-8 bytes", get(utf8("/echo/café")), echo({ path: ["echo", "café"] })),
    one("request: non-ASCII query keys and values", get("/echo?k=%C3%BC&%C3%A9t%C3%A9=K%C3%BCche+%E2%82%AC"),
      echo({ path: ["echo"], query: { k: "ü", "été": "Küche €" } })),
    one("request: %2F stays inside its segment, + is literal in a path", get("/echo/a%2Fb/c+d"),
      echo({ path: ["echo", "a/b", "c+d"] })),
    one("request: malformed escapes stay as they are", get("/echo/%ZZ%4?x=%G1%"),
      echo({ path: ["echo", "%ZZ%4"], query: { x: "%G1%" } })),
    one("request: the last value of a repeated query key wins, empty parts are skipped", get("/echo?a=1&&a=2&b=&c"),
      echo({ path: ["echo"], query: { a: "2", b: "", c: "" } })),
    one("request: a fragment is not part of the path or query", get("/echo/x?y=1#frag"),
      echo({ path: ["echo", "x"], query: { y: "1" } })),
    one("request: an absolute-form target loses its scheme and host", get("http://example.com:8080/echo/x?y=1"),
      echo({ path: ["echo", "x"], query: { y: "1" } })),
    one('request: "/" is the path [""]', request("ECHO", "/"), echo({ method: "ECHO", path: [""] })),
    one('request: "http://h?q=1" is the path [""] with its query', request("ECHO", "http://h?q=1"),
      echo({ method: "ECHO", path: [""], query: { q: "1" } })),
    one("request: empty segments are kept", request("ECHO", "//a//"), echo({ method: "ECHO", path: ["", "a", "", ""] })),
    one("request: header names as sent, values trimmed, a repeated field joined, header() ignores case",
      get("/echo", ["Host: board", "X-Multi: one", "X-Multi:   two  ", "X-Empty:", "X-Tight:v", "X-LOOKUP: found"]),
      echo({ path: ["echo"], headers: { Host: "board", "X-Multi": "one, two", "X-Empty": "", "X-Tight": "v", "X-LOOKUP": "found" },
        lookup: "found" })),
    one("request: an obsolete folded line continues the previous field", get("/echo", ["X-Fold: a", "  b", "\tc", "X-Next: n"]),
      echo({ path: ["echo"], headers: { "X-Fold": "a b c", "X-Next": "n" } })),
    one("request: header names __proto__, constructor and ones starting with byte 0xFF are dropped",
      get("/echo", ["__proto__: x", "constructor: y", "\xffkey: z", "X-Kept: k"]),
      echo({ path: ["echo"], headers: { "X-Kept": "k" } })),
    one("request: query keys __proto__, constructor and ones starting with byte 0xFF are dropped",
      get("/echo?__proto__=1&constructor=2&%FFk=3&kept=4"), echo({ path: ["echo"], query: { kept: "4" } })),
    one("request: a body read by its Content-Length", withBody("PUT", "/echo", "hello"), echoPut("hello")),
    one("request: a UTF-8 body", withBody("PUT", "/echo", utf8("Küche €😀")), echoPut("Küche €😀")),
    one("request: CR and LF inside a body", withBody("PUT", "/echo", "a\r\nb\r\n\r\nc"), echoPut("a\r\nb\r\n\r\nc")),
    one("request: bytes past the Content-Length are not the body", request("PUT", "/echo", ["Content-Length: 3"], "abcdef"),
      echo({ method: "PUT", path: ["echo"], headers: { "Content-Length": "3" }, data: "abc" })),
    one("request: without a Content-Length there is no body", request("POST", "/echo", [], "ignored"),
      echo({ method: "POST", path: ["echo"] })),
    one("request: Content-Length 0", request("PUT", "/echo", ["Content-Length: 0"]),
      echo({ method: "PUT", path: ["echo"], headers: { "Content-Length": "0" } })),
    one("request: a Content-Length that is not all digits is ignored", request("PUT", "/echo", ["Content-Length: 5x"], "hello"),
      echo({ method: "PUT", path: ["echo"], headers: { "Content-Length": "5x" } })),
    one("request: two different Content-Lengths: no body", request("PUT", "/echo", ["Content-Length: 2", "Content-Length: 3"], "abc"),
      echo({ method: "PUT", path: ["echo"], headers: { "Content-Length": "2, 3" } })),
    one("request: two equal Content-Lengths are one", request("PUT", "/echo", ["Content-Length: 2", "Content-Length: 2"], "ab"),
      echo({ method: "PUT", path: ["echo"], headers: { "Content-Length": "2, 2" }, data: "ab" })),
    one("request: bare LF line ends", "GET /echo HTTP/1.0\nX-A: 1\n\n", echo({ path: ["echo"], headers: { "X-A": "1" } })),
    one("request: one leading CRLF is skipped", "\r\n" + get("/echo"), echo({ path: ["echo"] })),
    one("request: two leading CRLFs are skipped", "\r\n\r\n" + get("/echo"), echo({ path: ["echo"] }), { splits: [2, 4] }),
    one("request: the blank line split between pieces", get("/echo", ["X-A: 1"]), echo({ path: ["echo"], headers: { "X-A": "1" } }),
      { splits: [26, 27, 28, 29] }),
    one("request: HEAD gets the head alone, with the body's Content-Length", request("HEAD", "/echo"),
      echo({ method: "HEAD", path: ["echo"] }, { head: true })),
  ];
}

function responseCases(): Case[] {
  const all = pattern(0, 1000);
  return [
    one("response: defaults are HTTP/1.0, 200 OK, Content-Length 0 and no body", get("/empty"),
      "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"),
    one("response: HTTP/1.0 whatever the request's protocol", request("GET", "/empty", [], "", "HTTP/1.1"),
      "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"),
    one("response: null data is an empty body", get("/null"), "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"),
    one("response: the handler's protocol is used", get("/protocol/HTTP%2F1.1"), answer(200, [], "ok", { protocol: "HTTP/1.1" })),
    one("response: a string is its UTF-8 bytes (a UTF-8 literal in the app)", get("/text/literal"), text(utf8("Küche €"))),
    one("response: a string made with \\u escapes", get("/text/escape"), text(utf8("Küche")), {
      board: text("K\xfcche"),
      why: "on the board a string is its bytes: \"\\u00fc\" is the one byte 0xFC (Node sends the character as UTF-8)",
    }),
    one("response: a Uint8Array is sent as it is", get("/bytes/u8"), text("\x00\x01\x7f\x80\xff")),
    one("response: an ArrayBuffer is sent as it is", get("/bytes/buffer"), text("hi")),
    one("response: a Uint8Array view sends its own bytes", get("/bytes/sub"), text("\x02\x03")),
    one("response: headers in insertion order, before Content-Length", get("/headers?X-One=1&X-Two=two&Content-Type=text%2Fx"),
      answer(200, [["X-One", "1"], ["X-Two", "two"], ["Content-Type", "text/x"]], "h")),
    one("response: CR and LF are stripped from header names and values", get("/headers?X-Bad=a%0D%0Ab&X%0AEvil%0D=c"),
      answer(200, [["X-Bad", "ab"], ["XEvil", "c"]], "h")),
    one("response: the handler's Content-Length, in any letter case, gives way to the server's",
      get("/headers?content-length=99&X-A=1&CONTENT-LENGTH=7&Content-Length=5"), answer(200, [["X-A", "1"]], "h")),
    one("response: a number as a header value", get("/headers/number"), answer(200, [["X-Number", "42"]], "h")),
    one("response: HEAD with headers", request("HEAD", "/headers?X-A=1"), answer(200, [["X-A", "1"]], "h", { head: true })),
    one("response: an object is sent as JSON with Content-Type application/json", get("/json/object"),
      json({ text: "plain", number: 42, float: 1.5, flag: true, none: null, list: [1, "two", false], nested: { k: "v" } })),
    one("response: an array is sent as JSON", get("/json/array"), json(["a", 1, { b: null }])),
    one("response: JSON escapes quotes, backslashes and control characters alike", get("/json/escapes"),
      json({ s: 'quote" backslash\\ slash/ tab\t nl\n cr\r' })),
    one("response: JSON's Content-Type comes after the handler's headers", get("/json/after"),
      json({ a: 1 }, [["X-Before", "1"]])),
    one("response: the handler's Content-Type stays for JSON", get("/json/typed"),
      answer(200, [["Content-Type", "application/vnd.x+json"]], '{"a":1}')),
    one("response: the handler's content-type, in any letter case, stays for JSON", get("/json/lower"),
      answer(200, [["content-type", "text/x"]], '{"a":1}')),
    one("response: JSON of non-ASCII text from the query is UTF-8, not \\u escapes", get("/json/query?k=K%C3%BCche&%E2%82%AC=%F0%9F%98%80"),
      json({ k: "Küche", "€": "😀" })),
    one("response: JSON of a non-ASCII literal in the app is UTF-8", get("/json/text"), json({ text: "Küche" })),
    one("response: HEAD of JSON", request("HEAD", "/json/array"), json(["a", 1, { b: null }], [], { head: true })),
    one("response: a stream with a length", get("/stream/1000/length"), text(all)),
    one("response: a stream of Uint8Array pieces", get("/stream/500/u8"), text(pattern(0, 500))),
    one("response: a stream without a length ends with the connection", get("/stream/600/open"),
      answer(200, [], pattern(0, 600), { open: true })),
    one("response: a function body ends with the connection", get("/stream/700/fn"), answer(200, [], pattern(0, 700), { open: true })),
    one("response: an empty stream", get("/stream/0/length"), text("")),
    one("response: HEAD of a stream with a length", request("HEAD", "/stream/1000/length"), answer(200, [], all, { head: true })),
    one("response: HEAD of a stream without a length", request("HEAD", "/stream/600/open"), "HTTP/1.0 200 OK\r\n\r\n"),
    one("response: an asynchronous handler is answered when its Promise settles", get("/async"), text("later")),
    failing("response: a handler that throws gets a 500, reported to onError", "/throw"),
    failing("response: a handler whose Promise rejects gets a 500, reported to onError", "/reject"),
  ];
}

function bodyCases(): Case[] {
  let every = "";
  for (let i = 0; i < 256; i++) every += String.fromCharCode(i);
  return [
    one("bytes: every byte 0-255 comes back as it was sent", withBody("PUT", "/raw", every), text(every)),
    one("bytes: Latin-1 (not UTF-8) comes back as it was sent", withBody("PUT", "/raw", "caf\xe9"), text("caf\xe9")),
    one("bytes: UTF-8 with a stray byte comes back as it was sent", withBody("PUT", "/raw", utf8("Küche") + "\xff" + utf8("é")),
      text(utf8("Küche") + "\xff" + utf8("é"))),
    one("bytes: a UTF-8 body comes back as it was sent", withBody("PUT", "/raw", utf8("Küche €😀")), text(utf8("Küche €😀"))),
  ];
}

function limitCases(): Case[] {
  const { maxRequestLine, maxHeaderBytes, maxHeaders, maxBody } = LIMITS;
  // A request line of `length` bytes (its line end not counted).
  const line = (length: number) => "GET /ok/" + "a".repeat(length - 17) + " HTTP/1.0";
  // A header section of `length` bytes, request line and blank line included.
  const head = (length: number) => "GET /ok HTTP/1.0\r\nX-Pad: " + "p".repeat(length - 29) + "\r\n\r\n";
  const fields = (count: number) => request("GET", "/ok", Array.from({ length: count }, (_, i) => `X-H${i}: ${i}`));
  const body = "0123456789abcdef".repeat(64).substring(0, maxBody);
  const ok = text("ok");
  return [
    // Cut where the line reaches the limit, and between its CR and LF.
    one(`limits: a request line of ${maxRequestLine} bytes`, line(maxRequestLine) + "\r\n\r\n", ok,
      { splits: [maxRequestLine, maxRequestLine + 1, maxRequestLine + 2] }),
    one(`limits: a request line of ${maxRequestLine + 1} bytes is 414`, line(maxRequestLine + 1) + "\r\n\r\n", serverError(414),
      { splits: [maxRequestLine, maxRequestLine + 1, maxRequestLine + 2] }),
    one(`limits: a bare-LF request line of ${maxRequestLine} bytes`, line(maxRequestLine) + "\n\n", ok,
      { splits: [maxRequestLine, maxRequestLine + 1] }),
    one(`limits: a bare-LF request line of ${maxRequestLine + 1} bytes is 414`, line(maxRequestLine + 1) + "\n\n", serverError(414),
      { splits: [maxRequestLine, maxRequestLine + 1, maxRequestLine + 2] }),
    one(`limits: a header section of ${maxHeaderBytes} bytes`, head(maxHeaderBytes), ok,
      { splits: [maxHeaderBytes - 3, maxHeaderBytes - 2, maxHeaderBytes - 1] }),
    one(`limits: a header section of ${maxHeaderBytes + 1} bytes is 431`, head(maxHeaderBytes + 1), serverError(431),
      { splits: [maxHeaderBytes, maxHeaderBytes + 1] }),
    one(`limits: ${maxHeaders} header fields`, fields(maxHeaders), ok),
    one(`limits: ${maxHeaders + 1} header fields is 431`, fields(maxHeaders + 1), serverError(431)),
    one(`limits: a body of ${maxBody} bytes`, withBody("PUT", "/raw", body), text(body)),
    one(`limits: a Content-Length of ${maxBody + 1} is 413 (head alone)`, request("PUT", "/raw", [`Content-Length: ${maxBody + 1}`]),
      serverError(413)),
    one(`limits: a body of ${maxBody + 1} bytes is 413`, withBody("PUT", "/raw", body + "x"), serverError(413)),
    one("limits: a Content-Length of 20 digits is 413", request("PUT", "/raw", ["Content-Length: 99999999999999999999"]),
      serverError(413)),
    {
      name: "limits: a full queue gets 503 and a client that stops sending gets 408",
      server: "minimal",
      occupy: [
        { request: "GET /index.html HTTP/1.0\r\nX-A: 1\r\n", response: serverError(408) },
        { request: "GET /plain.txt HTTP/1.0\r\n", response: serverError(408) },
      ],
      steps: [{ request: get("/index.html"), response: serverError(503) }],
    },
  ];
}

function malformedCases(): Case[] {
  return [
    one("malformed: a request line of one word", "GARBAGE\r\n\r\n", serverError(400)),
    one("malformed: a method alone", "GET\r\n\r\n", serverError(400)),
    one("malformed: no protocol", "GET /echo\r\n\r\n", serverError(400)),
    one("malformed: an empty target", "GET  HTTP/1.0\r\n\r\n", serverError(400)),
    one("malformed: a header line without a colon", get("/echo", ["NoColon"]), serverError(400)),
    one("malformed: a header line without a name", get("/echo", [": value"]), serverError(400)),
  ];
}

function staticCases(): Case[] {
  const gzip = ["Accept-Encoding: gzip, deflate"];
  const etag = (name: string, suffix = "") => (site: Site) => `"${site.files[name].etag}${suffix}"`;
  const cases: Case[] = [
    one("static: / is index.html", get("/www/"), served("index.html")),
    one("static: gzip for a client that accepts it", get("/www/index.html", gzip), served("index.html", { gzip: true })),
    one("static: Accept-Encoding * accepts gzip", get("/www/index.html", ["Accept-Encoding: *"]), served("index.html", { gzip: true })),
    one("static: gzip;q=0 refuses it", get("/www/index.html", ["Accept-Encoding: gzip;q=0"]), served("index.html")),
    one("static: br alone is not gzip", get("/www/index.html", ["Accept-Encoding: br"]), served("index.html")),
    one("static: HEAD of a gzipped file", request("HEAD", "/www/index.html", gzip), served("index.html", { gzip: true, head: true })),
    one("static: HEAD of a plain file", request("HEAD", "/www/plain.txt"), served("plain.txt", { head: true })),
    one("static: a content-hashed name is cached for good", get("/www/app.0a1b2c3d.js", gzip), served("app.0a1b2c3d.js", { gzip: true })),
    one("static: a file streamed in many pieces", get("/www/big.bin"), served("big.bin")),
    one("static: a directory path gets its index.html", get("/www/sub/"), served("sub/index.html")),
    one("static: a file in a folder", get("/www/sub/page.txt"), served("sub/page.txt")),
    one("static: the app's defaultResource", get("/index/sub/"), served("sub/page.txt")),
    one("static: an unknown extension gets text/plain", get("/www/m.zzz"), served("m.zzz")),
    one("static: no extension gets text/plain", get("/www/noext"), served("noext")),
    one("static: an extension in upper case", get("/www/UP.TXT"), served("UP.TXT")),
    one("static: an unknown extension gets the defaultMime passed", get("/mime/m.zzz"), served("m.zzz", { fallback: DEFAULT_MIME })),
    one("static: no extension gets the defaultMime passed", get("/mime/noext"), served("noext", { fallback: DEFAULT_MIME })),
    one("static: a known extension ignores the defaultMime", get("/mime/m.css"), served("m.css", { fallback: DEFAULT_MIME })),
    one("static: a missing file is 404", get("/www/missing.css"), NOT_FOUND),
    one("static: a missing file in a folder is 404", get("/www/sub/missing.txt"), NOT_FOUND),
    one("static: the manifest is not served (a dot file)", get("/www/.manifest"), NOT_FOUND),
    one("static: a dot file in a folder is 404", get("/www/sub/.secret"), NOT_FOUND),
    one("static: PUT is 405 with Allow", withBody("PUT", "/www/index.html", "x"), NOT_ALLOWED),
    one("static: POST is 405 with Allow", request("POST", "/www/plain.txt"), NOT_ALLOWED),
    one("static: staticBase \"\" is the board's www/ folder and Node's storage root", get("/root/plain.txt"), served("plain.txt")),
    one("static: staticBase \"\" and a directory path", get("/root/", gzip), served("index.html", { gzip: true })),
    one("static: a name longer than a board's Storage names", get("/www/" + LONG_NAME), served(LONG_NAME), {
      board: NOT_FOUND,
      why: "Storage names hold 28 characters: a longer one would be truncated into another file's name, so on the " +
        "board it names nothing (Node's storage has no such limit)",
    }),
  ];
  for (const [label, target] of [["..", "/www/.."], ["%2e%2e", "/www/%2e%2e/picohttp"], ["%2E%2E", "/www/sub/%2E%2E/plain.txt"],
    ["..%2f", "/www/..%2fpicohttp"], ["%2F", "/www/sub%2Fpage.txt"], ["%5C", "/www/sub%5Cpage.txt"],
    ["a backslash", "/www/sub\\page.txt"], ["%00", "/www/plain.txt%00.html"], ["an empty segment", "/www//plain.txt"],
    ["an empty segment in a folder", "/www/sub//page.txt"], ["%09", "/www/plain.txt%09"], ["%0A", "/www/%0Aplain.txt"],
    ["%0D", "/www/sub/page.txt%0D"]]) {
    cases.push(one(`static: ${label} is 400`, get(target), BAD_NAME));
  }
  for (const extension in MIME) {
    cases.push(one(`static: .${extension} is ${MIME[extension]}`, get(`/www/m.${extension}`), served(`m.${extension}`)));
  }
  // Revalidation: the requests carry the ETag the pipeline gave the file.
  const revalidate = (name: string, target: string, ifNoneMatch: (site: Site) => string, headers: string[],
                      expect: (site: Site) => string): Case =>
    one(name, (site) => get(target, headers.concat(["If-None-Match: " + ifNoneMatch(site)])), expect);
  cases.push(
    revalidate("static: If-None-Match with the ETag is 304", "/www/index.html", etag("index.html"), [],
      served("index.html", { notModified: true })),
    revalidate("static: If-None-Match with the gzip ETag is 304 for a gzip client", "/www/index.html", etag("index.html", "-gz"), gzip,
      served("index.html", { gzip: true, notModified: true })),
    revalidate("static: the plain ETag does not match the gzipped copy", "/www/index.html", etag("index.html"), gzip,
      served("index.html", { gzip: true })),
    revalidate("static: If-None-Match * is 304", "/www/plain.txt", () => "*", [], served("plain.txt", { notModified: true })),
    revalidate("static: another ETag is 200", "/www/plain.txt", () => '"other"', [], served("plain.txt")),
  );
  return cases;
}

function exampleCases(): Case[] {
  const put = (name: string, body: string) => withBody("PUT", "/rest/" + name, body);
  const ok = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
  const status = (code: number) => answer(code, [], "");
  const items = (dict: object) => answer(200, [["Content-Type", "application/json"]], JSON.stringify(dict));
  const stored = '{"name":"' + "Küche €😀" + '","list":[1,"two",null],"n":1.5}';
  return [
    one("hello.js: /hello", get("/hello"), text("Hello world!")),
    one("hello.js: /hello with more path and a query", get("/hello/and/more?x=1"), text("Hello world!")),
    one("hello.js: /goodbye", get("/goodbye"), text("Goodbye cruel world")),
    one("hello.js: anything else is 404", get("/what"), text("I don't know what to say", 404)),
    one("hello.js: / is 404", get("/"), text("I don't know what to say", 404)),
    {
      name: "rest-store.js: PUT, GET, DELETE, 400, 404 and 501, a UTF-8 value byte for byte",
      steps: [
        { request: get("/rest/"), response: items({}) },
        { request: put("led", "on"), response: ok },
        { request: put("room", utf8("Küche")), response: ok },
        { request: get("/rest/led"), response: text("on") },
        { request: get("/rest/room"), response: text(utf8("Küche")) },
        { request: request("DELETE", "/rest/room"), response: ok },
        { request: get("/rest/"), response: items({ led: "on" }) },
        { request: put("", "x"), response: status(400) },
        { request: put("__proto__", "x"), response: status(400) },
        { request: get("/rest/constructor"), response: status(404) },
        { request: withBody("POST", "/rest/led", "x"), response: status(501) },
        { request: request("DELETE", "/rest/led"), response: ok },
        { request: request("DELETE", "/rest/led"), response: status(404) },
        { request: get("/rest/nothing"), response: status(404) },
        { request: get("/rest/"), response: items({}) },
      ],
    },
    {
      name: "JSON round trip: non-ASCII text PUT as UTF-8 comes back byte for byte",
      steps: [
        { request: withBody("PUT", "/kv/room", utf8(stored)), response: status(204) },
        { request: get("/kv/room"), response: answer(200, [["Content-Type", "application/json"]], utf8(stored)) },
        { request: request("DELETE", "/kv/room"), response: status(204) },
        { request: get("/kv/room"), response: status(404) },
      ],
    },
    { ...one("minimal.js: / is index.html", get("/"), served("index.html")), server: "minimal" },
    { ...one("minimal.js: gzip", get("/index.html", ["Accept-Encoding: gzip"]), served("index.html", { gzip: true })), server: "minimal" },
    { ...one("minimal.js: a file", get("/plain.txt"), served("plain.txt")), server: "minimal" },
    { ...one("minimal.js: HEAD of a file", request("HEAD", "/plain.txt"), served("plain.txt", { head: true })), server: "minimal" },
    { ...one("minimal.js: a missing file is 404", get("/nope"), NOT_FOUND), server: "minimal" },
    { ...one("minimal.js: Storage's root is not served (the app's own module)", get("/conformance"), NOT_FOUND), server: "minimal" },
    { ...one("minimal.js: DELETE is 405", request("DELETE", "/"), NOT_ALLOWED), server: "minimal" },
  ];
}

/** The table. */
export const cases: Case[] = [
  ...requestFieldCases(), ...responseCases(), ...statusCases(), ...bodyCases(), ...limitCases(), ...malformedCases(),
  ...staticCases(), ...exampleCases(),
];

// ---------------------------------------------------------------------------------------------------------
// The runner.

/** Transport-independent: how the first step's request is cut. `at`: offsets; `size`: pieces of that size. */
export interface Mode {
  label: string;
  at?: number[];
  size?: number;
}

/** A target: sends bytes to one of the app's servers in pieces, resolves with all it answered. */
export interface Target {
  label: string;
  board: boolean;
  send(server: ServerName, bytes: string, mode: Mode): Promise<string>;
  /** How long the server needs to take (or let go of) a connection before the next one (the occupy case). */
  acceptDelay: number;
}

export function resolve(bytes: Bytes, site: Site): string {
  return typeof bytes === "function" ? bytes(site) : bytes;
}

/** The modes a case is sent in on a target. */
export function modesFor(c: Case, target: Target, site: Site): Mode[] {
  const modes: Mode[] = [{ label: "whole" }];
  if (c.pieces === false || c.occupy) return modes;
  const bytes = resolve(c.steps[0].request, site);
  if (target.label === "fake") {
    // Every byte its own 'data' event; and, for short requests, every cut into two pieces.
    modes.push({ label: "every byte", size: 1 });
    const cuts = new Set(c.splits || []);
    if (!c.group && c.steps.length === 1 && bytes.length <= 128) for (let i = 1; i < bytes.length; i++) cuts.add(i);
    for (const at of [...cuts].sort((a, b) => a - b)) if (at > 0 && at < bytes.length) modes.push({ label: `cut at ${at}`, at: [at] });
  } else {
    const size = c.piece || Math.min(96, Math.max(3, Math.ceil(bytes.length / 12)));
    modes.push({ label: `pieces of ${size}`, size });
    if (c.splits) modes.push({ label: `cut at ${c.splits.join(", ")}`, at: c.splits });
  }
  return modes;
}

export interface Failure {
  mode: string;
  step: number;
  expected: string;
  actual: string;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Sends every step of `c` in every mode; resolves with what did not match. */
export async function runCase(c: Case, target: Target, site: Site): Promise<Failure[]> {
  const failures: Failure[] = [];
  const server = c.server || "main";
  for (const mode of modesFor(c, target, site)) {
    const occupied: Promise<string>[] = [];
    if (c.occupy) {
      // Let the server forget the connections before; then take the slot, then the queue.
      await sleep(target.acceptDelay);
      for (const holder of c.occupy) {
        occupied.push(target.send(server, resolve(holder.request, site), { label: "whole" }));
        await sleep(target.acceptDelay);
      }
    }
    for (let i = 0; i < c.steps.length; i++) {
      const step = c.steps[i];
      const expected = resolve(target.board && step.board !== undefined ? step.board : step.response, site);
      const actual = await target.send(server, resolve(step.request, site), i === 0 ? mode : { label: "whole" });
      if (actual !== expected) failures.push({ mode: mode.label, step: i, expected, actual });
    }
    for (let i = 0; i < occupied.length; i++) {
      const holder = c.occupy![i];
      const expected = resolve(target.board && holder.board !== undefined ? holder.board : holder.response, site);
      const actual = await occupied[i];
      if (actual !== expected) failures.push({ mode: `${mode.label} (occupying connection ${i + 1})`, step: -1, expected, actual });
    }
    // And let the server forget them before the next case.
    if (c.occupy) await sleep(target.acceptDelay);
  }
  return failures;
}

/** A readable account of a case's failures: the modes that failed, then the first mismatch in full. */
export function describe(c: Case, failures: Failure[]): string {
  const first = failures[0];
  let at = 0;
  while (at < first.expected.length && first.expected[at] === first.actual[at]) at++;
  const modes = [...new Set(failures.map((f) => f.mode))];
  return `${c.name}: failed in ${modes.length} mode(s): ${modes.slice(0, 6).join(", ")}${modes.length > 6 ? ", ..." : ""}\n` +
    `  first (${first.mode}, step ${first.step}), differing from byte ${at}:\n` +
    `  expected ${JSON.stringify(first.expected.substring(0, 400))}\n` +
    `  actual   ${JSON.stringify(first.actual.substring(0, 400))}`;
}

/** Runs `tasks` at most `width` at a time. */
export function limiter(width: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function <T>(task: () => Promise<T>): Promise<T> {
    if (running >= width) await new Promise<void>((go) => waiting.push(go));
    running++;
    try {
      return await task();
    } finally {
      running--;
      const next = waiting.shift();
      if (next) next();
    }
  };
}

/**
 * Runs cases side by side: `width` at a time on the main server and, beside them, one at a time on the
 * minimal one; `alone`: one case at a time in all.
 */
export function scheduler(width: number, alone = false): <T>(c: Case, task: () => Promise<T>) => Promise<T> {
  const main = limiter(width);
  const minimal = alone ? main : limiter(1);
  return (c, task) => (c.server === "minimal" ? minimal : main)(task);
}

/** The cases grouped as they are reported: one test per case, one per group. */
export function grouped(): { name: string; cases: Case[] }[] {
  const groups: { name: string; cases: Case[] }[] = [];
  const byName: { [name: string]: Case[] } = {};
  for (const c of cases) {
    const name = c.group || c.name;
    if (!byName[name]) groups.push({ name, cases: (byName[name] = []) });
    byName[name].push(c);
  }
  return groups;
}

/** What sendOverSocket appends when the server did not close in time. */
export const NO_CLOSE = "<no close after ";

/**
 * Sends `bytes` over a real socket (TCP_NODELAY), whole or in pieces `delay` ms apart, and resolves with
 * everything the server sent before it closed (then NO_CLOSE and the timeout, if it did not). Sending stops once an answer starts arriving (the server
 * may answer early, e.g. 414, and close); a reset after the answer leaves the answer as it arrived.
 */
export function sendOverSocket(port: number, bytes: string, mode: Mode, delay: number, timeout = 15000): Promise<string> {
  return new Promise((done) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.setNoDelay(true);
    let received = "";
    let at = 0;
    const cuts = mode.at ? mode.at.concat([bytes.length]) : [];
    const timer = setTimeout(() => {
      received += NO_CLOSE + timeout + " ms>";
      socket.destroy();
    }, timeout);
    const next = () => {
      if (received || at >= bytes.length || socket.destroyed) return;
      const end = mode.size ? at + mode.size : cuts.length ? cuts.shift()! : bytes.length;
      socket.write(Buffer.from(bytes.substring(at, end), "latin1"));
      at = end;
      if (at < bytes.length) setTimeout(next, delay);
    };
    socket.on("connect", next);
    socket.on("data", (chunk: Buffer) => { received += chunk.toString("latin1"); });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      done(received);
    });
  });
}
