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
const validRequest = fc.record({
  method: token,
  path: pathPart,
  protocol: fc.constantFrom("HTTP/1.0", "HTTP/1.1", "HTTP/0.9", "XYZ/9"),
  headers: fc.array(fc.tuple(token, headerValue), { maxLength: 8 }),
  body: fc.string({ maxLength: 60 }),
  eol: fc.constantFrom("\r\n", "\n"),
}).map((r) => `${r.method} /${r.path} ${r.protocol}${r.eol}` +
  r.headers.map(([n, v]) => `${n}: ${v}${r.eol}`).join("") +
  (r.body ? `Content-Length: ${Buffer.byteLength(r.body, "latin1")}${r.eol}` : "") + r.eol + r.body);

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

test("valid requests parse to their method, target and protocol", (t) => {
  fc.assert(fc.property(validRequest, (raw) => {
    const result = whole(raw) as any;
    if (typeof result === "number") return result === 400 || result === 414 || result === 431;
    return typeof result === "object" && raw.startsWith(result.method + " ") && raw.indexOf(result.protocol) > 0;
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
