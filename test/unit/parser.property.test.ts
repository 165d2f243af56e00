// Property-based tests of the parser (fast-check): random and mutated requests, split at random points,
// never throw, never hang, and give the same result as the unsplit input.
import test from "ava";
import fc from "fast-check";
import { parseRequest, Limits, RequestHead } from "../../src/core/parser";
import { parseTarget } from "../../src/core/url";
import { fakeServer } from "../helpers/fake";
import { HttpRequest, HttpResponse } from "../../src/node";

const limits: Limits = { maxRequestLine: 512, maxHeaderBytes: 2048, maxHeaders: 24 };

/** What the incremental reader does with pieces: feed them, each call told the length the last one saw. */
function incremental(pieces: string[]): unknown {
  let buffer = "";
  let scanned = 0;
  for (const piece of pieces) {
    buffer += piece;
    const parsed = parseRequest(buffer, limits, scanned);
    scanned = buffer.length;
    if (typeof parsed === "object") {
      // The same head as the section alone gives (what follows it is the body).
      const { size, ...rest } = parsed as RequestHead;
      return rest;
    }
    if (parsed) return parsed;
  }
  return "incomplete";
}

function whole(raw: string): unknown {
  return incremental([raw]);
}

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const headerValue = fc.string({ unit: fc.integer({ min: 32, max: 126 }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const pathPart = fc.string({ unit: fc.constantFrom(..."abcXYZ019-._~%/?=&+#é"), maxLength: 30 });
// Field names that would mean something else to the parser (a Content-Length, a prototype member) are
// left to the conformance cases: here every field is an ordinary one.
const fieldName = token.filter((name) => name.toLowerCase() !== "content-length" && !(name in Object.prototype));
const requestParts = fc.record({
  method: token,
  path: pathPart,
  protocol: fc.constantFrom("HTTP/1.0", "HTTP/1.1", "HTTP/0.9", "XYZ/9"),
  headers: fc.array(fc.tuple(fieldName, headerValue), { maxLength: 8 }),
  body: fc.string({ maxLength: 60 }),
  eol: fc.constantFrom("\r\n", "\n"),
});
type RequestParts = typeof requestParts extends fc.Arbitrary<infer T> ? T : never;

function requestText(r: RequestParts): string {
  return `${r.method} /${r.path} ${r.protocol}${r.eol}` +
    r.headers.map(([n, v]) => `${n}: ${v}${r.eol}`).join("") +
    (r.body ? `Content-Length: ${r.body.length}${r.eol}` : "") + r.eol + r.body;
}

/** What the parser must make of a request built from `r`: a repeated field's values joined with ", ". */
function expectedHead(r: RequestParts) {
  const headers: { [name: string]: string } = {};
  for (const [name, value] of r.headers) headers[name] = name in headers ? headers[name] + ", " + value.trim() : value.trim();
  if (r.body) headers["Content-Length"] = String(r.body.length);
  return { method: r.method, target: "/" + r.path, protocol: r.protocol, headers, contentLength: r.body ? r.body.length : -1 };
}

const validRequest = requestParts.map(requestText);

/** Random bytes, and valid requests with bytes changed, inserted or removed. */
const mutated = fc.tuple(validRequest, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("set", "insert", "delete")), { maxLength: 6 }))
  .map(([raw, edits]) => {
    let s = raw;
    for (const [at, byte, kind] of edits) {
      const i = s.length ? at % s.length : 0;
      const c = String.fromCharCode(byte);
      s = kind === "set" ? s.substring(0, i) + c + s.substring(i + 1) : kind === "insert" ? s.substring(0, i) + c + s.substring(i) : s.substring(0, i) + s.substring(i + 1);
    }
    return s;
  });
const anyInput = fc.oneof(validRequest, mutated, fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 300 }));

/** Split points for a string. */
function splits(raw: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => (raw.length ? c % (raw.length + 1) : 0)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let last = 0;
  for (const p of points) { pieces.push(raw.substring(last, p)); last = p; }
  pieces.push(raw.substring(last));
  return pieces.filter((p) => p.length > 0);
}

test("the parser never throws and answers split input exactly as unsplit input", (t) => {
  fc.assert(fc.property(anyInput, fc.array(fc.nat(), { maxLength: 12 }), (raw, cuts) => {
    const expected = whole(raw);
    const actual = incremental(splits(raw, cuts));
    t.deepEqual(actual, expected);
    return true;
  }), { numRuns: 3000 });
  t.pass();
});

test("valid requests parse to exactly their method, target, protocol, fields and body length, whole or in pieces", (t) => {
  fc.assert(fc.property(requestParts, fc.array(fc.nat(), { maxLength: 12 }), (r, cuts) => {
    const raw = requestText(r);
    const expected = expectedHead(r);
    t.deepEqual(whole(raw), expected, JSON.stringify(raw));
    t.deepEqual(incremental(splits(raw, cuts)), expected, JSON.stringify(raw));
    return true;
  }), { numRuns: 2000 });
  t.pass();
});

test("parseTarget never throws on any target", (t) => {
  fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 200 }), (target) => {
    const result = parseTarget(target, (s) => s);
    return Array.isArray(result.path) && result.path.length >= 1 && Object.getPrototypeOf(result.query) === Object.prototype;
  }), { numRuns: 3000 });
  t.pass();
});

test("through the server, any bytes in any pieces get one answer and a closed connection, never a hang", async (t) => {
  const seen: string[] = [];
  const { connect } = fakeServer((req: HttpRequest, res: HttpResponse) => { res.data = req.method + " " + req.path.join("/"); },
    { headerTimeout: 100, bodyTimeout: 100, onError: () => undefined });
  await fc.assert(fc.asyncProperty(anyInput, fc.array(fc.nat(), { maxLength: 8 }), async (raw, cuts) => {
    const connection = connect();
    for (const piece of splits(raw, cuts)) connection.send(piece);
    const response = await connection.response;
    seen.push(response.substring(0, 12));
    return /^HTTP\/1\.0 \d{3} /.test(response) && connection.socket.closed;
  }), { numRuns: 200 });
  t.true(seen.length >= 200);
});
