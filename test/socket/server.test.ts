import test, { ExecutionContext } from "ava";
// Serial where a test counts live timers: no other test of this file runs meanwhile.
import { intervalsStopped } from "../helpers/timers";
import { HttpRequest, HttpResponse, codec } from "../../src/node";
import { HttpServer as RawHttpServer } from "../../src/server/server";
import { parseResponse } from "../../src/adapters/fake";
import { fakeServer, wait } from "../helpers/fake";

const echo = (request: HttpRequest, response: HttpResponse) => {
  response.data = JSON.stringify({
    method: request.method, path: request.path, query: request.query, protocol: request.protocol,
    headers: request.headers, data: request.data,
  });
};

test("every field of HttpRequest reaches the handler", async (t) => {
  const { request } = fakeServer(echo);
  const res = await request("PATCH /a/b%20c/?x=1&y=two+words&flag HTTP/1.0\r\nHost: h\r\nX-Custom: V\r\n" +
    "Content-Length: 5\r\n\r\nhello");
  t.is(res.status, 200);
  t.deepEqual(JSON.parse(res.body), {
    method: "PATCH", path: ["a", "b c", ""], query: { x: "1", y: "two words", flag: "" }, protocol: "HTTP/1.0",
    headers: { Host: "h", "X-Custom": "V", "Content-Length": "5" }, data: "hello",
  });
});

test("request.header() looks names up case-insensitively", async (t) => {
  let seen: unknown[] = [];
  const { request } = fakeServer((req) => { seen = [req.header("x-custom"), req.header("X-CUSTOM"), req.header("nope")]; });
  await request("GET / HTTP/1.0\r\nX-Custom: v\r\n\r\n");
  t.deepEqual(seen, ["v", "v", undefined]);
});

test("HttpResponse defaults: HTTP/1.0, 200 OK, Content-Length, no body, connection closed", async (t) => {
  const { request, connect } = fakeServer(() => undefined);
  const res = await request("GET / HTTP/1.0\r\n\r\n");
  t.is(res.raw, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
  const response = new HttpResponse();
  t.is(response.protocol, "HTTP/1.0");
  t.is(response.status, 200);
  t.deepEqual(response.headers, {});
  t.is(response.data, "");
  const connection = connect();
  connection.send("GET / HTTP/1.0\r\n\r\n");
  await connection.response;
  t.true(connection.socket.closed);
});

test("status, protocol and headers pass through unvalidated; Content-Length is the server's", async (t) => {
  const { request } = fakeServer((req, res) => {
    res.protocol = "HTTP/1.1";
    res.status = 299;
    res.headers["X-Odd name"] = "any value";
    res.headers["content-length"] = "999";
    res.headers["X-Number"] = 7;
    res.data = "four";
  });
  const res = await request("GET / HTTP/1.0\r\n\r\n");
  t.is(res.raw, "HTTP/1.1 299 Success\r\nX-Odd name: any value\r\nX-Number: 7\r\nContent-Length: 4\r\n\r\nfour");
});

test("header values cannot split the response", async (t) => {
  const { request } = fakeServer((req, res) => { res.headers["X-A"] = "a\r\nSet-Cookie: evil"; });
  const res = await request("GET / HTTP/1.0\r\n\r\n");
  t.is(res.headers["x-a"], "aSet-Cookie: evil");
  t.is(res.headers["set-cookie"], undefined);
});

test("Content-Length counts UTF-8 bytes of text, and bytes of Uint8Array, ArrayBuffer and Buffer", async (t) => {
  const bodies: any[] = ["héllo €", new Uint8Array([0, 255, 128, 10]), new Uint8Array([1, 2, 3]).buffer,
    Buffer.from([200, 201])];
  const expected = ["h\xc3\xa9llo \xe2\x82\xac", "\x00\xff\x80\n", "\x01\x02\x03", "\xc8\xc9"];
  for (let i = 0; i < bodies.length; i++) {
    const { request } = fakeServer((req, res) => { res.data = bodies[i]; });
    const res = await request("GET / HTTP/1.0\r\n\r\n");
    t.is(res.body, expected[i]);
    t.is(res.headers["content-length"], String(expected[i].length));
  }
});

test("a plain object is sent as JSON", async (t) => {
  const { request } = fakeServer((req, res) => { res.data = { a: [1, "é"] }; });
  const res = await request("GET / HTTP/1.0\r\n\r\n");
  t.is(res.headers["content-type"], "application/json");
  t.is(Buffer.from(res.body, "latin1").toString("utf8"), '{"a":[1,"é"]}');
});

test("a request split at every point, or fed one byte at a time, gives the same request", async (t) => {
  const raw = "POST /p%C3%A9/q?x=%E2%82%AC HTTP/1.0\r\nA: 1\r\nContent-Length: 11\r\n\r\nhello\r\n\r\nxy";
  const whole = await fakeServer(echo).request(raw);
  t.is(whole.status, 200);
  t.is(JSON.parse(Buffer.from(whole.body, "latin1").toString()).data, "hello\r\n\r\nxy");
  t.deepEqual(await fakeServer(echo).request(raw, 1), whole);
  for (let split = 1; split < raw.length; split++) {
    const { connect } = fakeServer(echo);
    const connection = connect();
    connection.send(raw.substring(0, split));
    connection.send(raw.substring(split));
    t.deepEqual(parseResponse(await connection.response), whole, "split at " + split);
  }
});

test("ESP8266-sized pieces (268 bytes) carry a 6000-byte body intact", async (t) => {
  let body = "";
  for (let i = 0; i < 6000; i++) body += String.fromCharCode(i % 256);
  let received = "";
  const { request } = fakeServer((req, res) => { received = req.data; }, { maxBody: 8000 });
  const res = await request("PUT /f HTTP/1.0\r\nContent-Length: 6000\r\n\r\n" + body, 268);
  t.is(res.status, 200);
  // Not valid UTF-8: each byte that is not part of a character is kept (as U+DC80-U+DCFF), so the
  // bytes come back whole.
  t.is(Buffer.from(codec.encode(received), "latin1").toString("latin1"), body);
});

test("the body is read only with a valid Content-Length, and is cut at that length", async (t) => {
  const seen: string[] = [];
  const { request } = fakeServer((req) => { seen.push(req.data); });
  await request("POST / HTTP/1.0\r\n\r\nignored body");
  await request("POST / HTTP/1.0\r\nContent-Length: abc\r\n\r\nignored body");
  await request("POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nabcdef");
  await request("POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\nabc");
  t.deepEqual(seen, ["", "", "abc", ""]);
});

test("non-ASCII paths, queries and bodies arrive as text; invalid UTF-8 keeps its bytes as lone surrogates", async (t) => {
  let req: HttpRequest | undefined;
  const { request } = fakeServer((r) => { req = r; });
  await request("PUT /caf%C3%A9/%E2%82%AC?n%C3%A4me=%F0%9F%8D%94 HTTP/1.0\r\nContent-Length: 6\r\n\r\nb\xc3\xa4r\xff!");
  t.deepEqual(req!.path, ["café", "€"]);
  t.deepEqual(req!.query, { "näme": "\u{1f354}" });
  t.is(req!.data, "bär\udcff!");
  await request("PUT / HTTP/1.0\r\nContent-Length: 5\r\n\r\nb\xc3\xa4r!");
  t.is(req!.data, "bär!");
  await request("GET /raw-\xc3\xa9 HTTP/1.0\r\n\r\n");
  t.deepEqual(req!.path, ["raw-é"]);
});

test("binary bodies pass through byte for byte", async (t) => {
  const bytes = Buffer.from([0, 1, 2, 13, 10, 13, 10, 255, 254, 0x80]);
  // Echoed as the string the handler got: what came in as bytes goes out as the same bytes.
  const { request } = fakeServer((req, res) => { res.data = req.data; });
  const res = await request("POST / HTTP/1.0\r\nContent-Length: 10\r\n\r\n" + bytes.toString("latin1"));
  t.deepEqual(Buffer.from(res.body, "latin1"), bytes);
  t.is(res.headers["content-length"], "10");
  // A PNG's first bytes, and text with one stray byte in it.
  for (const sample of [[0x89, 0x50, 0x4e, 0x47, 0xff, 0x00, 0xc3], [0x63, 0xc3, 0xa9, 0xe9, 0x21], [0xed, 0xb2, 0x80], [0xf0, 0x9f, 0x8d]]) {
    const raw = Buffer.from(sample).toString("latin1");
    const echo = await request("PUT / HTTP/1.0\r\nContent-Length: " + sample.length + "\r\n\r\n" + raw);
    t.deepEqual([...Buffer.from(echo.body, "latin1")], sample);
  }
});

test("any method passes through", async (t) => {
  const methods: string[] = [];
  const { request } = fakeServer((req) => { methods.push(req.method); });
  for (const method of ["GET", "PUT", "DELETE", "OPTIONS", "PROPFIND", "brew", "X-Y_Z"]) {
    await request(method + " / HTTP/1.0\r\n\r\n");
  }
  t.deepEqual(methods, ["GET", "PUT", "DELETE", "OPTIONS", "PROPFIND", "brew", "X-Y_Z"]);
});

test("HEAD gets the headers and Content-Length but no body; 204 and 304 get neither", async (t) => {
  const { request } = fakeServer((req, res) => {
    res.data = "some body";
    if (req.path[0]) res.status = parseInt(req.path[0], 10);
  });
  t.is((await request("HEAD / HTTP/1.0\r\n\r\n")).raw, "HTTP/1.0 200 OK\r\nContent-Length: 9\r\n\r\n");
  t.is((await request("GET /204 HTTP/1.0\r\n\r\n")).raw, "HTTP/1.0 204 No Content\r\n\r\n");
  t.is((await request("GET /304 HTTP/1.0\r\n\r\n")).raw, "HTTP/1.0 304 Not Modified\r\n\r\n");
});

test("extra handler arguments follow request and response", async (t) => {
  let extra: unknown[] = [];
  const { request } = fakeServer((req, res, a, b) => { extra = [a, b]; }, { args: ["one", { two: 2 }] });
  await request("GET / HTTP/1.0\r\n\r\n");
  t.deepEqual(extra, ["one", { two: 2 }]);
});

test("a handler that throws gets a 500, is reported, and the server keeps serving", async (t) => {
  const errors: unknown[] = [];
  const { request } = fakeServer((req, res) => {
    if (req.path[0] === "boom") throw new Error("boom");
    res.data = "fine";
  }, { onError: (error) => { errors.push(error); } });
  const res = await request("GET /boom HTTP/1.0\r\n\r\n");
  t.is(res.status, 500);
  t.is(res.body, "Internal Server Error");
  t.is((errors[0] as Error).message, "boom");
  t.is((await request("GET /ok HTTP/1.0\r\n\r\n")).body, "fine");
});

test("an async handler is answered when it settles; a rejection gets a 500", async (t) => {
  const { request } = fakeServer(async (req, res) => {
    await wait(5);
    if (req.path[0] === "fail") throw new Error("nope");
    res.status = 201;
    res.data = "later";
  }, { onError: () => undefined });
  const ok = await request("GET / HTTP/1.0\r\n\r\n");
  t.is(ok.status, 201);
  t.is(ok.body, "later");
  t.is((await request("GET /fail HTTP/1.0\r\n\r\n")).status, 500);
});

test("a rejection with no reason, or a throw of null, is still a 500", async (t) => {
  const { request } = fakeServer((req) => {
    if (req.path[0] === "throw") throw null;
    return Promise.reject(undefined);
  }, { onError: () => undefined });
  t.is((await request("GET / HTTP/1.0\r\n\r\n")).status, 500);
  t.is((await request("GET /throw HTTP/1.0\r\n\r\n")).status, 500);
});

test("an async handler that never settles is answered 503 after handlerTimeout", async (t) => {
  const { request, server } = fakeServer(() => new Promise(() => undefined), { handlerTimeout: 50 });
  const res = await request("GET / HTTP/1.0\r\n\r\n");
  t.is(res.status, 503);
  t.is(server.stats.timedOut, 1);
});

test("a client that stops sending gets 408 after headerTimeout", async (t) => {
  const { connect } = fakeServer(() => undefined, { headerTimeout: 50 });
  const connection = connect();
  connection.send("GET / HTTP/1.0\r\nHost:");
  t.is(parseResponse(await connection.response).status, 408);
});

/** How long after it came a client that stops sending got its 408, with `headerTimeout`, arriving between two sweeps. */
async function headerTimeoutAfter(t: ExecutionContext, headerTimeout: number): Promise<number> {
  const { connect } = fakeServer(() => undefined, { headerTimeout });
  // A first client keeps the deadline timer running, so that the second comes between two of its sweeps.
  const first = connect();
  first.send("GET / HTTP/1.0\r\n");
  await wait(300);
  const started = Date.now();
  const second = connect();
  second.send("GET / HTTP/1.0\r\nHost:");
  const status = parseResponse(await second.response).status;
  const ms = Date.now() - started;
  t.is(status, 408);
  await first.response;
  return ms;
}

test("a deadline fires at the first check at or after it: never early, at most one sweep (500 ms) late", async (t) => {
  const ms = await headerTimeoutAfter(t, 700);
  t.true(ms >= 690 && ms < 700 + 500 + 200, `408 after ${ms} ms`);
});

test("a timeout of a whole number of sweeps fires at the first check at or after it too", async (t) => {
  const ms = await headerTimeoutAfter(t, 1000);
  t.true(ms >= 990 && ms < 1000 + 500 + 200, `408 after ${ms} ms`);
});

test("a timeout of 0 fires at the next check, not never; so does a negative one", async (t) => {
  for (const headerTimeout of [0, -500]) {
    const { connect } = fakeServer(() => undefined, { headerTimeout });
    const connection = connect();
    connection.send("GET / HTTP/1.0\r\nHost:");
    t.is(parseResponse(await connection.response).status, 408, String(headerTimeout));
  }
});

test("limits: request line 414, headers 431, body 413, malformed 400, each closing the connection", async (t) => {
  const { request } = fakeServer(() => undefined, { maxRequestLine: 64, maxHeaderBytes: 256, maxHeaders: 4, maxBody: 10 });
  t.is((await request("GET /" + "a".repeat(100) + " HTTP/1.0\r\n\r\n")).status, 414);
  t.is((await request("GET /" + "a".repeat(100))).status, 414);
  t.is((await request("GET / HTTP/1.0\r\n" + "A: b\r\n".repeat(5) + "\r\n")).status, 431);
  t.is((await request("GET / HTTP/1.0\r\nA: " + "b".repeat(300))).status, 431);
  t.is((await request("PUT / HTTP/1.0\r\nContent-Length: 11\r\n\r\n")).status, 413);
  t.is((await request("GARBAGE\r\n\r\n")).status, 400);
});

test("threads=false answers one connection at a time, in the order they were accepted", async (t) => {
  const order: string[] = [];
  const { connect } = fakeServer(async (req, res) => {
    order.push("start " + req.path[0]);
    await wait(10);
    order.push("end " + req.path[0]);
    res.data = req.path[0];
  }, { threads: false });
  const a = connect();
  const b = connect();
  const c = connect();
  c.send("GET /c HTTP/1.0\r\n\r\n");
  b.send("GET /b HTTP/1.0\r\n\r\n");
  a.send("GET /a HTTP/1.0\r\n\r\n");
  const bodies = (await Promise.all([a.response, b.response, c.response])).map((raw) => parseResponse(raw).body);
  t.deepEqual(bodies, ["a", "b", "c"]);
  t.deepEqual(order, ["start a", "end a", "start b", "end b", "start c", "end c"]);
});

test("threads=true: a client that sends nothing holds no place, so the request behind it is answered at once", async (t) => {
  // maxConnections 1, as the events tests run; the silent one stands for a browser's preconnected socket,
  // or one whose close Espruino never reports.
  const { connect } = fakeServer((req, res) => { res.data = "ok"; }, { maxConnections: 1, headerTimeout: 5000 });
  const silent = connect();
  const began = Date.now();
  const reply = parseResponse(await (() => { const c = connect(); c.send("GET / HTTP/1.0\r\n\r\n"); return c.response; })());
  t.is(reply.body, "ok");
  t.true(Date.now() - began < 1000, `answered after ${Date.now() - began} ms`);
  silent.hangUp();
});

test("threads=true answers concurrently; past the connections and the queue, 503 with Retry-After", async (t) => {
  let running = 0;
  let peak = 0;
  const { connect, server } = fakeServer(async (req, res) => {
    running++;
    peak = Math.max(peak, running);
    await wait(20);
    running--;
  }, { maxConnections: 3, maxQueue: 2 });
  const connections = [];
  for (let i = 0; i < 7; i++) connections.push(connect());
  for (const connection of connections) connection.send("GET / HTTP/1.0\r\n\r\n");
  const statuses = (await Promise.all(connections.map((c) => c.response))).map((raw) => parseResponse(raw));
  t.deepEqual(statuses.map((r) => r.status), [200, 200, 200, 200, 200, 503, 503]);
  t.is(statuses[5].headers["retry-after"], "1");
  t.is(peak, 3);
  t.is(server.stats.rejected, 2);
  t.is(server.stats.peakConnections, 5);
});

test.serial("a client that goes away mid-request or mid-handler releases everything", async (t) => {
  let settled = 0;
  const { connect, server } = fakeServer(async (req, res) => {
    await wait(10);
    settled++;
    res.data = "x";
  });
  const early = connect();
  early.send("GET / HTT");
  early.hangUp();
  const waiting = connect();
  waiting.send("GET / HTTP/1.0\r\n\r\n");
  waiting.hangUp();
  await wait(30);
  t.is(settled, 1);
  t.is(server.stats.open, 0);
  // The deadline timer stops at its next tick once nothing is left to watch.
    t.is(await intervalsStopped(), 0);
});

test("streamed bodies: a BodyStream with a length, and a function without one", async (t) => {
  const big = "0123456789".repeat(300);
  const { request } = fakeServer((req, res) => {
    if (req.path[0] === "stream") {
      res.data = { length: big.length, read: (offset: number, size: number) => big.substr(offset, size) };
    } else {
      let left = 3;
      res.data = () => (left-- > 0 ? "piece;" : undefined);
    }
  }, { chunkSize: 100 });
  const streamed = await request("GET /stream HTTP/1.0\r\n\r\n");
  t.is(streamed.body, big);
  t.is(streamed.headers["content-length"], "3000");
  const generated = await request("GET /fn HTTP/1.0\r\n\r\n");
  t.is(generated.body, "piece;piece;piece;");
  t.is(generated.headers["content-length"], undefined);
});

test("a streamed body waits for 'drain' between pieces and stops when the client goes away", async (t) => {
  let reads = 0;
  let closed = 0;
  const { connect } = fakeServer((req, res) => {
    res.data = {
      length: 100000,
      read: (offset: number, size: number) => { reads++; return "x".repeat(Math.min(size, 100000 - offset)); },
      close: () => { closed++; },
    };
  }, { chunkSize: 1000 });
  const connection = connect();
  connection.send("GET / HTTP/1.0\r\n\r\n");
  t.is(reads, 1); // one piece per 'drain', not the whole file at once
  await wait(5);
  connection.hangUp();
  const readsAtHangUp = reads;
  await wait(20);
  t.is(reads, readsAtHangUp);
  t.true(reads < 100);
  t.is(closed, 1);
});

test("HttpServer called without new says so", (t) => {
  // tsx compiles the class to an ES class (which throws on its own); call the constructor the way an ES5
  // bundle's function would be called: with `this` not a server.
  t.throws(() => (RawHttpServer as any).call({}, 8080), { message: /new HttpServer|cannot be invoked without 'new'/ });
});

test("close() stops accepting; start() after start=false listens", async (t) => {
  const { net, port, server } = fakeServer(() => undefined, { start: false });
  t.throws(() => net.connect(port), { message: /nothing listens/ });
  server.start();
  t.is((await net.request(port, "GET / HTTP/1.0\r\n\r\n")).status, 200);
  server.close();
  t.throws(() => net.connect(port), { message: /nothing listens/ });
});

test("the status line is one line whatever the handler puts in status: anything but a code is a 500", async (t) => {
  const reported: any[] = [];
  const { request } = fakeServer((req, res) => {
    const raw = decodeURIComponent(req.path[0]);
    res.status = (req.path[1] === "n" ? Number(raw) : raw === "undefined" ? undefined : raw) as any;
    res.data = "body";
  }, { onError: (error) => { reported.push(error); } });
  const splitting = await request("GET /" + encodeURIComponent("200\r\nSet-Cookie: admin=1\r\n\r\n<html>") + " HTTP/1.0\r\n\r\n");
  t.is(splitting.raw, "HTTP/1.0 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 21\r\n\r\nInternal Server Error");
  t.regex(String(reported[0] && reported[0].message), /not a status code/);
  for (const bad of ["0/n", "99/n", "NaN/n", "1000/n", "200.5/n", "abc", "2e2", " 200"]) {
    t.is((await request(`GET /${encodeURIComponent(bad.split("/")[0])}/${bad.split("/")[1] || ""} HTTP/1.0\r\n\r\n`)).status, 500, bad);
  }
  // A string of digits is that code: "204" has no body, like 204.
  t.is((await request("GET /204 HTTP/1.0\r\n\r\n")).raw, "HTTP/1.0 204 No Content\r\n\r\n");
  t.is((await request("GET /226/n HTTP/1.0\r\n\r\n")).raw, "HTTP/1.0 226 Success\r\nContent-Length: 4\r\n\r\nbody");
  t.is((await request("GET /undefined HTTP/1.0\r\n\r\n")).raw, "HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nbody");
  t.is((await request("GET /999/n HTTP/1.0\r\n\r\n")).raw, "HTTP/1.0 999 Unknown\r\nContent-Length: 4\r\n\r\nbody");
});

test("one Content-Length, the server's, however the handler spelled its own", async (t) => {
  const { request } = fakeServer((req, res) => {
    res.headers["content-length"] = "1";
    res.headers["Content-Length"] = "2";
    res.data = "four";
  });
  t.is((await request("GET / HTTP/1.0\r\n\r\n")).raw, "HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nfour");
});

test("circular data is a 500, not a 200", async (t) => {
  const { request } = fakeServer((req, res) => {
    const data: any = { a: 1 };
    data.self = data;
    res.data = data;
  }, { onError: () => undefined });
  t.is((await request("GET / HTTP/1.0\r\n\r\n")).status, 500);
});

test("a stream never sends more than its length, and a piece of the wrong type fails cleanly", async (t) => {
  const reported: string[] = [];
  const { request } = fakeServer((req, res) => {
    const kind = req.path[0];
    if (kind === "long") res.data = { length: 5, read: () => "0123456789" };
    else if (kind === "number") res.data = { length: 5, read: () => 12345 as any };
    else if (kind === "later") res.data = { length: 20, read: (offset: number) => (offset ? { x: 1 } : "0123456789") as any };
    else if (kind === "bytes") res.data = { length: 3, read: (offset: number) => (offset ? undefined : new Uint8Array([65, 66, 67, 68])) };
    else if (kind === "short") res.data = { length: 10, read: (offset: number) => (offset ? "" : "abc") };
  }, { chunkSize: 10, onError: (error) => { reported.push(String(error && error.message)); } });
  t.is((await request("GET /long HTTP/1.0\r\n\r\n")).raw, "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n01234");
  t.is((await request("GET /bytes HTTP/1.0\r\n\r\n")).raw, "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nABC");
  // Wrong from the first piece: nothing has gone out yet, so the answer is a 500.
  t.is((await request("GET /number HTTP/1.0\r\n\r\n")).status, 500);
  t.regex(reported.pop()!, /a stream piece must be a string or bytes, not number/);
  // Wrong later: the head has gone out; the connection closes short of Content-Length, which the client sees.
  const later = await request("GET /later HTTP/1.0\r\n\r\n");
  t.is(later.raw, "HTTP/1.0 200 OK\r\nContent-Length: 20\r\n\r\n0123456789");
  t.regex(reported.pop()!, /not object/);
  const short = await request("GET /short HTTP/1.0\r\n\r\n");
  t.is(short.body, "abc");
  t.regex(reported.pop()!, /ended 7 bytes short/);
});

test("blank lines before the request line are skipped, and an absolute target keeps its query", async (t) => {
  const { request } = fakeServer(echo);
  const res = await request("\r\n\r\nGET http://h?q=1 HTTP/1.0\r\n\r\n");
  t.is(res.status, 200);
  t.deepEqual(JSON.parse(res.body).query, { q: "1" });
  t.deepEqual(JSON.parse(res.body).path, [""]);
  const split = await request("\r\n\r\n\n\nGET /a HTTP/1.0\r\n\r\n", 1);
  t.deepEqual(JSON.parse(split.body).path, ["a"]);
});

test("a bare-LF request line one byte over maxRequestLine is a 414, as with CRLF", async (t) => {
  const { request } = fakeServer(echo, { maxRequestLine: 64 });
  const line = (n: number) => "GET /" + "a".repeat(n - 14) + " HTTP/1.0";
  t.is((await request(line(64) + "\n\n")).status, 200);
  t.is((await request(line(65) + "\n\n")).status, 414);
  t.is((await request(line(64) + "\r\n\r\n", 1)).status, 200);
  t.is((await request(line(65) + "\r\n\r\n", 1)).status, 414);
});

test("a failure to listen reaches onError instead of throwing from the constructor", (t) => {
  const reported: any[] = [];
  const net = { createServer: () => ({ listen: () => { throw new Error("Unable to create socket"); }, close: () => undefined }) };
  const server = new RawHttpServer(8080, echo, { net: net as any, onError: (error) => { reported.push(error); } });
  t.truthy(server);
  t.regex(String(reported[0] && reported[0].message), /cannot listen on port 8080: Unable to create socket/);
});

test("a slot is freed when the response is sent, whether or not the platform ever reports 'close'", async (t) => {
  const { server, net, port } = fakeServer(() => undefined, { maxConnections: 1, maxQueue: 0 });
  const silent: any[] = [];
  for (let i = 0; i < 5; i++) {
    const connection = net.connect(port);
    // This platform never says 'close': the socket just stays as it is after end().
    const socket: any = connection.socket;
    silent.push({ socket, close: socket.close });
    socket.close = () => undefined;
    connection.send("GET / HTTP/1.0\r\n\r\n");
    await wait(5);
    t.true(connection.socket.ended);
    t.regex(connection.socket.written, /^HTTP\/1\.0 200 OK/, `request ${i}`);
  }
  t.is(server.stats.open, 0);
  t.is(server.stats.rejected, 0);
  for (const { socket, close } of silent) close.call(socket, false);
});

test("a slow body is cut off by requestTimeout however steadily it trickles", async (t) => {
  const { connect, server } = fakeServer(echo, { requestTimeout: 1200, bodyTimeout: 1000 });
  const connection = connect();
  connection.send("PUT / HTTP/1.0\r\nContent-Length: 100\r\n\r\n");
  const started = Date.now();
  const trickle = setInterval(() => connection.send("x"), 300);
  const raw = await connection.response;
  clearInterval(trickle);
  t.regex(raw, /^HTTP\/1\.0 408 Request Timeout\r\n/);
  t.true(Date.now() - started < 2500, `cut off after ${Date.now() - started} ms`);
  t.is(server.stats.open, 0);
});

test("an option that is not one, or not a number where one is due, is reported and ignored", (t) => {
  const reported: string[] = [];
  const { server } = fakeServer(echo, { maxConection: 3, maxBody: "big", chunkSize: 100, onError: (error) => { reported.push(error.message); } } as any);
  t.deepEqual(reported, ["picohttp: ignored option maxConection: unknown", "picohttp: ignored option maxBody: not a number"]);
  t.is(server.limits.chunkSize, 100);
  t.is(server.limits.maxBody, 1048576);
});
