import test from "ava";
import { parseRequest, Limits, RequestHead } from "../../src/core/parser";
import { parseTarget, percentDecode } from "../../src/core/url";
import { STATUS_PHRASES, reasonPhrase } from "../../src/core/status";
import { HttpResponse } from "../../src/core/response";
import { HttpRequest } from "../../src/core/request";
import { find } from "../../src/core/text";
import { errorResponse, jsonText, prepareResponse, serializeHead } from "../../src/core/serializer";
import { mimeType } from "../../src/mime";

const limits: Limits = { maxRequestLine: 100, maxHeaderBytes: 300, maxHeaders: 5 };
const identity = (text: string) => text;

/** A complete head parsed at once, as parseRequest does it: the head, or its status. */
function parseHead(raw: string, limits: Limits): RequestHead | number {
  return parseRequest(raw, limits, 0);
}

/** The length of the header section (blank line included), or -1 while it is incomplete. */
function headEnd(raw: string, scanned: number): number {
  const parsed = parseRequest(raw, { maxRequestLine: 1e6, maxHeaderBytes: 1e6, maxHeaders: 100 }, scanned);
  if (parsed === 0) return -1;
  if (typeof parsed === "number") throw new Error("status " + parsed);
  return parsed.size;
}

function head(raw: string): RequestHead {
  const parsed = parseHead(raw, limits);
  if (typeof parsed === "number") throw new Error("status " + parsed);
  return parsed;
}

test("parseRequest finds the end of the head: CRLF CRLF, LF LF and mixed; 0 while incomplete", (t) => {
  t.is(headEnd("GET / HTTP/1.0\r\n\r\nbody", 0), 18);
  t.is(headEnd("GET / HTTP/1.0\n\nbody", 0), 16);
  t.is(headEnd("GET / HTTP/1.0\r\nA: b\n\r\n", 0), 23);
  t.is(headEnd("\r\n\nGET / HTTP/1.0\r\n\r\n", 0), 21);
  t.is(headEnd("GET / HTTP/1.0\r\nA: b\r\n", 0), -1);
  t.is(headEnd("GET / HTTP/1.0\r\n\r", 0), -1);
  t.is(parseRequest("\r\n\r\n", limits, 0), 0);
});

test("parseRequest resumed from the length at any earlier call gives the same answer", (t) => {
  const raw = "POST /x HTTP/1.0\r\nHost: h\r\nContent-Length: 2\r\n\r\nab";
  const end = headEnd(raw, 0);
  for (let scanned = 0; scanned < end; scanned++) t.is(headEnd(raw, scanned), end);
  // Fed a byte at a time, each call told the length the previous one saw.
  let scanned = 0;
  for (let length = 1; length < end; length++) {
    t.is(parseRequest(raw.substring(0, length), limits, scanned), 0);
    scanned = length;
  }
  t.is((parseRequest(raw.substring(0, end), limits, scanned) as RequestHead).size, end);
});

test("parseHead reads method, target, protocol and headers as sent", (t) => {
  const h = head("BREW /pot-1?milk HTCPCP/1.0\r\nX-Thing:  spaced value \r\naccept: a\r\nAccept: b\r\n\r\n");
  t.is(h.method, "BREW");
  t.is(h.target, "/pot-1?milk");
  t.is(h.protocol, "HTCPCP/1.0");
  t.deepEqual(h.headers, { "X-Thing": "spaced value", accept: "a", Accept: "b" });
  t.is(h.contentLength, -1);
});

test("parseHead joins repeated fields and folded lines, and skips leading blank lines", (t) => {
  const h = head("\r\n\r\nGET / HTTP/1.0\r\nA: 1\r\nA: 2\r\nB: one\r\n  two\r\n\r\n");
  t.deepEqual(h.headers, { A: "1, 2", B: "one two" });
});

test("parseHead never lets a field reach the prototype, and drops the names Espruino hides", (t) => {
  const h = head("GET / HTTP/1.0\r\n__proto__: x\r\nconstructor: y\r\n\xffhidden: z\r\nhasOwnProperty: w\r\n\r\n");
  t.is(Object.getPrototypeOf(h.headers), Object.prototype);
  t.deepEqual(Object.keys(h.headers), ["hasOwnProperty"]);
  t.is(h.headers.constructor, Object);
  // A first line starting with whitespace is a field of its own (there is nothing to fold it into): its
  // name, once trimmed, is checked like any other.
  t.deepEqual(head("GET / HTTP/1.0\r\n \xffhidden: z\r\n\tconstructor: y\r\n\r\n").headers, {});
});

test("parseRequest answers an error seen before the head is complete only once it is, as if it had come whole", (t) => {
  const limits = { maxRequestLine: 64, maxHeaderBytes: 128, maxHeaders: 2 };
  t.is(parseRequest("GET / HTTP/1.0\r\nno colon\r\n", limits, 0), 0);
  t.is(parseRequest("GET / HTTP/1.0\r\nno colon\r\n\r\n", limits, 0), 400);
  t.is(parseRequest("GET / HTTP/1.0\r\nA: 1\r\nB: 2\r\nC: 3\r\n", limits, 0), 0);
  t.is(parseRequest("GET / HTTP/1.0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits, 0), 431);
  // Past maxHeaderBytes, a head that is wrong and one that never ends get the same answer.
  t.is(parseRequest("GET / HTTP/1.0\r\nno colon\r\n" + "x".repeat(200), limits, 0), 431);
  t.is(parseRequest("GARBAGE\r\nA: " + "x".repeat(200) + "\r\n\r\n", limits, 0), 431);
  t.is(parseRequest("GARBAGE\r\n\r\n", limits, 0), 400);
});

test("parseHead takes a valid Content-Length and ignores an invalid one", (t) => {
  t.is(head("PUT / HTTP/1.0\r\nContent-Length: 12\r\n\r\n").contentLength, 12);
  t.is(head("PUT / HTTP/1.0\r\ncontent-length:0\r\n\r\n").contentLength, 0);
  t.is(head("PUT / HTTP/1.0\r\nContent-Length: 12\r\nContent-Length: 12\r\n\r\n").contentLength, 12);
  for (const bad of ["-1", "1.5", "", "0x10", "12 13", "abc"]) {
    t.is(head(`PUT / HTTP/1.0\r\nContent-Length: ${bad}\r\n\r\n`).contentLength, -1, bad);
  }
  t.is(head("PUT / HTTP/1.0\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").contentLength, -1);
  t.is(head("PUT / HTTP/1.0\r\nContent-Length: x\r\nContent-Length: x\r\n\r\n").contentLength, -1);
});

test("parseHead answers malformed and oversized requests with their status", (t) => {
  t.is(parseHead("GET\r\n\r\n", limits), 400);
  t.is(parseHead("GET /\r\n\r\n", limits), 400);
  t.is(parseHead(" / HTTP/1.0\r\n\r\n", limits), 400);
  t.is(parseHead("GET / HTTP/1.0\r\nno colon here\r\n\r\n", limits), 400);
  t.is(parseHead("GET / HTTP/1.0\r\n: empty name\r\n\r\n", limits), 400);
  t.is(parseHead("GET /" + "a".repeat(200) + " HTTP/1.0\r\n\r\n", limits), 414);
  t.is(parseHead("GET / HTTP/1.0\r\n" + "A: b\r\n".repeat(6) + "\r\n", limits), 431);
  t.is(parseHead("GET / HTTP/1.0\r\nA: " + "b".repeat(300) + "\r\n\r\n", limits), 431);
  // The body's size is the server's to judge (a handler may take a body too large to hold): the length passes.
  t.is((parseHead("PUT / HTTP/1.0\r\nContent-Length: 1001\r\n\r\n", limits) as RequestHead).contentLength, 1001);
  t.is((parseHead("PUT / HTTP/1.0\r\nContent-Length: 99999999999999999999\r\n\r\n", limits) as RequestHead).contentLength, Infinity);
});

test("parseRequest bounds the request line and the header section before they are complete", (t) => {
  t.is(parseRequest("GET /" + "a".repeat(100), limits, 0), 414);
  t.is(parseRequest("GET / HTTP/1.0\r\n", limits, 0), 0);
  t.is(parseRequest("GET / HTTP/1.0\r\n" + "A: b\r\n".repeat(60), limits, 0), 431);
  // Blank lines before the request line count toward the header section's bound.
  t.is(parseRequest("\r\n".repeat(200), limits, 0), 431);
});

test("percentDecode decodes %XX and optionally +, and leaves malformed escapes", (t) => {
  t.is(percentDecode("a%20b%2Fc"), "a b/c");
  t.is(percentDecode("a+b"), "a+b");
  t.is(percentDecode("a+b", true), "a b");
  t.is(percentDecode("100%"), "100%");
  t.is(percentDecode("%zz%4"), "%zz%4");
  t.is(percentDecode("%4g%g4%-1%+1%0x1"), "%4g%g4%-1%+1%0x1", "each of the two must be a hex digit");
  t.is(percentDecode("%aF%Fa"), "\xaf\xfa");
  t.is(percentDecode("%C3%A9"), "\xc3\xa9");
});

test("parseTarget splits the path and the query", (t) => {
  t.deepEqual(parseTarget("/", identity), { path: [""], query: {} });
  t.deepEqual(parseTarget("/a/b", identity), { path: ["a", "b"], query: {} });
  t.deepEqual(parseTarget("/a/", identity), { path: ["a", ""], query: {} });
  t.deepEqual(parseTarget("/a%2Fb/c", identity).path, ["a/b", "c"]);
  t.deepEqual(parseTarget("/s?x=1&y=a+b&z&w=&&v=%26&x=2", identity).query, { x: "2", y: "a b", z: "", w: "", v: "&" });
  t.deepEqual(parseTarget("/s?a=b=c", identity).query, { a: "b=c" });
  t.deepEqual(parseTarget("http://example.com:8080/p/q?r=1", identity), { path: ["p", "q"], query: { r: "1" } });
  t.deepEqual(parseTarget("http://example.com", identity), { path: [""], query: {} });
  t.deepEqual(parseTarget("http://h?q=1", identity), { path: [""], query: { q: "1" } });
  t.deepEqual(parseTarget("http://h/a?q=1", identity), { path: ["a"], query: { q: "1" } });
  t.deepEqual(parseTarget("/a#frag", identity), { path: ["a"], query: {} });
  t.deepEqual(parseTarget("*", identity), { path: ["*"], query: {} });
  const q = parseTarget("/?__proto__=x&constructor=y&%FFk=z&toString=w", identity).query;
  t.is(Object.getPrototypeOf(q), Object.prototype);
  t.deepEqual(Object.keys(q), ["toString"]);
});

test("parseTarget decodes through the platform's decoder", (t) => {
  const utf8Decode = (bytes: string) => Buffer.from(bytes, "latin1").toString("utf8");
  const target = parseTarget("/caf%C3%A9/%E2%82%AC?k%C3%A9y=v%C3%A4l", utf8Decode);
  t.deepEqual(target.path, ["café", "€"]);
  t.deepEqual(target.query, { "kéy": "väl" });
});

test("prepareResponse takes three-digit codes, as numbers or digit strings, and nothing else", (t) => {
  const statusLine = (status: unknown) => {
    const response = new HttpResponse();
    (response as any).status = status;
    const target = { _request: new HttpRequest("GET", [""], {}, "HTTP/1.0", {}, ""), _response: response, _data: "", _length: -1 };
    return prepareResponse(target, { encode: (bytes) => String(bytes), phrases: STATUS_PHRASES }).split("\r\n")[0];
  };
  t.is(statusLine(undefined), "HTTP/1.0 200 OK");
  t.is(statusLine(204), "HTTP/1.0 204 No Content");
  t.is(statusLine("204"), "HTTP/1.0 204 No Content");
  t.is(statusLine(999), "HTTP/1.0 999 Unknown");
  t.is(statusLine(100), "HTTP/1.0 100 Continue");
  t.is(statusLine(200), "HTTP/1.0 200 OK");
  t.is(statusLine("200"), "HTTP/1.0 200 OK");
  for (const bad of [null, 0, 99, 1000, 200.5, NaN, Infinity, -200, "abc", "", " 200", "2e2", "200\r\nSet-Cookie: a=1", "200.0", [200], true, {}, []]) {
    t.throws(() => statusLine(bad), { message: /not a status code/ }, JSON.stringify(String(bad)));
  }
});

test("reasonPhrase knows the standard codes and has a generic phrase for the others", (t) => {
  t.is(reasonPhrase(200, STATUS_PHRASES), "OK");
  t.is(reasonPhrase(404, STATUS_PHRASES), "Not Found");
  t.is(reasonPhrase(418, STATUS_PHRASES), "I'm a teapot");
  t.is(reasonPhrase(503, STATUS_PHRASES), "Service Unavailable");
  t.is(reasonPhrase(299, STATUS_PHRASES), "Success");
  t.is(reasonPhrase(499, STATUS_PHRASES), "Client Error");
  t.is(reasonPhrase(600, STATUS_PHRASES), "Unknown");
  t.is(reasonPhrase(999, STATUS_PHRASES), "Unknown");
  // A board whose Storage lacks picohttp.status still answers, with its class's phrase.
  t.is(reasonPhrase(404, undefined), "Client Error");
  t.is(reasonPhrase(200, undefined), "OK");
});

test("mimeType maps the common web types and falls back", (t) => {
  t.is(mimeType("index.html", "x"), "text/html;charset=utf-8");
  t.is(mimeType("a/b.CSS", "x"), "text/css;charset=utf-8");
  t.is(mimeType("app.js", "x"), "text/javascript;charset=utf-8");
  t.is(mimeType("m.mjs", "x"), "text/javascript;charset=utf-8");
  for (const [name, type] of [["d.json", "application/json"], ["i.svg", "image/svg+xml"], ["p.png", "image/png"],
    ["j.jpg", "image/jpeg"], ["j.jpeg", "image/jpeg"], ["g.gif", "image/gif"], ["f.ico", "image/x-icon"],
    ["w.webp", "image/webp"], ["m.wasm", "application/wasm"], ["f.woff", "font/woff"], ["f.woff2", "font/woff2"],
    ["x.xml", "application/xml"], ["c.csv", "text/csv;charset=utf-8"], ["d.pdf", "application/pdf"],
    ["a.js.map", "application/json"], ["t.txt", "text/plain;charset=utf-8"]]) {
    t.is(mimeType(name, "x"), type, name);
  }
  t.is(mimeType("README", "text/plain"), "text/plain");
  t.is(mimeType("dir.d/file", "fallback"), "fallback");
  t.is(mimeType("x.unknown", "fallback"), "fallback");
  t.is(mimeType("x.html|css", "fallback"), "fallback");
});

test("find is indexOf without Espruino's false matches past the end", (t) => {
  // What Espruino 2v29's own indexOf gets wrong: a needle that runs off the end counts as found there.
  t.is(find("|a|", "|b"), -1);
  t.is(find("abc", "cd"), -1);
  t.is(find("abcab", "abx"), -1);
  t.is(find("abcab", "ab", 1), 3);
  t.is(find("abc", "bc"), 1);
  t.is(find("abc", ""), 0);
  t.is(find("", "a"), -1);
});

test("a bare-LF request line is held to maxRequestLine like a CRLF one, complete or not", (t) => {
  const limits = { maxRequestLine: 512, maxHeaderBytes: 2048, maxHeaders: 5 };
  const line = (n: number) => "GET /" + "a".repeat(n - 14) + " HTTP/1.0";
  t.is(line(512).length, 512);
  t.is(parseRequest(line(512) + "\r", limits, 0), 0);
  t.is(parseRequest(line(512) + "\r\n", limits, 0), 0);
  t.is(parseRequest(line(512) + "\n", limits, 0), 0);
  t.is(parseRequest(line(513), limits, 0), 414);
  t.is(parseRequest(line(513) + "\n", limits, 0), 414);
  t.is(parseHead(line(513) + "\n\n", limits), 414);
  t.is(typeof parseHead(line(512) + "\n\n", limits), "object");
  t.is(parseHead(line(513) + "\r\n\r\n", limits), 414);
});

test("serializeHead writes one Content-Length, the server's, whatever the handler's fields are called", (t) => {
  const head = serializeHead("HTTP/1.0", 200, { "content-length": "5", "Content-Length": 9, "CONTENT-LENGTH": 1, "X-A": "1" }, 3, STATUS_PHRASES);
  t.is(head, "HTTP/1.0 200 OK\r\nX-A: 1\r\nContent-Length: 3\r\n\r\n");
  t.is(serializeHead("HTTP/1.0\r\nX: y", 204, { "A\r\nB": "c\nd", Skipped: undefined }, -1, STATUS_PHRASES),
    "HTTP/1.0X: y 204 No Content\r\nAB: cd\r\n\r\n");
});

test("errorResponse is a complete plain-text answer; 503 says when to retry", (t) => {
  t.is(errorResponse(400, STATUS_PHRASES), "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nBad Request");
  t.is(errorResponse(503, STATUS_PHRASES), "HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\nRetry-After: 1\r\n" +
    "Content-Length: 19\r\n\r\nService Unavailable");
});

test("jsonText sends bytes from 0x80 up as themselves, keeps escaped backslashes, and refuses Espruino's circular mark", (t) => {
  // What JSON.stringify writes on Espruino without Unicode support, for the bytes of "café".
  const espruinoStyle = '{"p":"caf\\u00C3\\u00A9","q":"\\\\u00C3","r":"\\u001f"}';
  const realStringify = JSON.stringify;
  try {
    JSON.stringify = () => espruinoStyle;
    t.is(jsonText({}), '{"p":"caf\xc3\xa9","q":"\\\\u00C3","r":"\\u001f"}');
    JSON.stringify = () => '{"x":1,"self": ... }';
    t.throws(() => jsonText({}), { message: /circular/ });
    JSON.stringify = () => '{"x":"a ... b"}';
    t.is(jsonText({}), '{"x":"a ... b"}');
  } finally {
    JSON.stringify = realStringify;
  }
  t.is(jsonText({ a: "é", b: [1, "\\u00e9"] }), '{"a":"é","b":[1,"\\\\u00e9"]}');
  const loop: any = { a: 1 };
  loop.self = loop;
  t.throws(() => jsonText(loop));
});
