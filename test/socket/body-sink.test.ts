// Handler.receive: a request body given to a sink piece by piece as it arrives, on the fake network.
import test from "ava";
import { HttpRequest, HttpResponse } from "../../src/node";
import { Handler } from "../../src/server/server";
import { BodySink } from "../../src/core/types";
import { parseResponse } from "../../src/adapters/fake";
import { fakeServer, wait } from "../helpers/fake";

/** A handler whose receive records what its sink is told; `refuse` makes a call return a status. */
function recording(refuse: { write?: number; end?: number; at?: number } = {}) {
  const calls: string[] = [];
  let seen: HttpRequest | undefined;
  const handler: Handler = (request: HttpRequest, response: HttpResponse) => {
    response.data = { data: request.data, calls: calls };
  };
  handler.receive = (request, length): BodySink | number | undefined => {
    seen = request;
    calls.push("receive " + request.method + " /" + request.path.join("/") + " " + length);
    if (request.method === "GET") return undefined;
    if (request.path[0] === "refuse") return 507;
    if (request.path[0] === "throw") throw new Error("receive failed");
    let pieces = 0;
    return {
      write: (piece) => {
        calls.push("write " + piece);
        if (refuse.write && ++pieces === refuse.at) return refuse.write;
      },
      end: () => { calls.push("end"); return refuse.end; },
      abort: () => { calls.push("abort"); },
    };
  };
  return { handler, calls, seen: () => seen };
}

test("a sink gets the body in the order it arrives, up to Content-Length, and the handler runs after end", async (t) => {
  const { handler, calls } = recording();
  const { connect } = fakeServer(handler, { maxBody: 4 });
  const connection = connect();
  connection.send("PUT /up/a.txt?x=1 HTTP/1.0\r\nContent-Length: 10\r\n\r\n012");
  connection.send("3456");
  connection.send("789extra");
  const res = parseResponse(await connection.response);
  // Larger than maxBody: that limit is for bodies held in request.data, not for a sink's.
  t.is(res.status, 200);
  t.deepEqual(JSON.parse(res.body), {
    data: "", calls: ["receive PUT /up/a.txt 10", "write 012", "write 3456", "write 789", "end"],
  });
  t.deepEqual(calls, JSON.parse(res.body).calls, "nothing after the handler ran");
});

test("the request receive sees is the one the handler gets, its path and query parsed", async (t) => {
  const { handler, seen } = recording();
  let given: HttpRequest | undefined;
  const inner = handler;
  const wrapped: Handler = (request, response) => { given = request; return inner(request, response); };
  wrapped.receive = inner.receive;
  const { request } = fakeServer(wrapped);
  await request("PUT /a%20b/?k=v HTTP/1.0\r\nContent-Length: 2\r\nX-Name: n\r\n\r\nhi");
  t.is(given, seen());
  t.deepEqual(given!.path, ["a b", ""]);
  t.deepEqual(given!.query, { k: "v" });
  t.is(given!.header("x-name"), "n");
});

test("receive returning undefined holds the body as usual, maxBody and all", async (t) => {
  const plain: Handler = (request, response) => { response.data = request.data; };
  plain.receive = () => undefined;
  const { request } = fakeServer(plain, { maxBody: 4 });
  t.is((await request("POST / HTTP/1.0\r\nContent-Length: 4\r\n\r\nabcd", 3)).body, "abcd");
  t.is((await request("POST / HTTP/1.0\r\nContent-Length: 5\r\n\r\nabcde")).status, 413);
});

test("a status from receive is answered before a byte of the body is read; one that throws gets 500 and is reported", async (t) => {
  const errors: string[] = [];
  const { handler, calls } = recording();
  const { request } = fakeServer(handler, { onError: (error) => { errors.push(error.message); } });
  const refused = await request("PUT /refuse HTTP/1.0\r\nContent-Length: 5000\r\n\r\n");
  t.is(refused.status, 507);
  t.is(refused.raw.split("\r\n")[0], "HTTP/1.0 507 Insufficient Storage");
  t.is((await request("PUT /throw HTTP/1.0\r\nContent-Length: 5\r\n\r\nabcde")).status, 500);
  t.deepEqual(errors, ["receive failed"]);
  t.deepEqual(calls, ["receive PUT /refuse 5000", "receive PUT /throw 5"]);
});

test("a piece or the end refused: the client gets that status and the sink is aborted", async (t) => {
  const byWrite = recording({ write: 413, at: 2 });
  const first = fakeServer(byWrite.handler);
  const connection = first.connect();
  connection.send("PUT /f HTTP/1.0\r\nContent-Length: 9\r\n\r\n");
  for (const piece of ["abc", "def", "ghi"]) connection.send(piece);
  t.is(parseResponse(await connection.response).status, 413);
  t.deepEqual(byWrite.calls, ["receive PUT /f 9", "write abc", "write def", "abort"]);
  const byEnd = recording({ end: 400 });
  const second = fakeServer(byEnd.handler);
  t.is((await second.request("PUT /f HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc")).status, 400);
  t.deepEqual(byEnd.calls, ["receive PUT /f 3", "write abc", "end", "abort"]);
});

test("a client that goes away or stalls mid-body has its sink aborted, once", async (t) => {
  const gone = recording();
  const { connect } = fakeServer(gone.handler);
  const connection = connect();
  connection.send("PUT /f HTTP/1.0\r\nContent-Length: 100\r\n\r\nsome");
  connection.hangUp();
  await connection.response;
  t.deepEqual(gone.calls, ["receive PUT /f 100", "write some", "abort"]);

  const slow = recording();
  const stalled = fakeServer(slow.handler, { bodyTimeout: 100 });
  const waiting = stalled.connect();
  waiting.send("PUT /f HTTP/1.0\r\nContent-Length: 100\r\n\r\nsome");
  t.regex(await waiting.response, /^HTTP\/1\.0 408 /);
  await wait(50);
  t.deepEqual(slow.calls, ["receive PUT /f 100", "write some", "abort"]);
});

test("a body with no Content-Length ends at once for a sink (HTTP/1.0 has no other way to find its end)", async (t) => {
  const { handler, calls } = recording();
  const { request } = fakeServer(handler);
  t.is((await request("PUT /f HTTP/1.0\r\n\r\nignored")).status, 200);
  t.deepEqual(calls, ["receive PUT /f -1", "end"]);
});

test("cors and basic pass receive on only where the handler has one; basic gives the unauthorised a sink that keeps nothing", async (t) => {
  const { cors, basic, useStorage, memoryStorage, setPassword, directoryStorage } = require("../../src/node");
  const { handler, calls } = recording();
  const plain: Handler = () => undefined;
  t.is(cors(handler).receive, handler.receive);
  t.is(cors(plain).receive, undefined);
  t.is(basic(plain).receive, undefined);
  useStorage(memoryStorage());
  try {
    const guarded = basic(handler);
    const { request } = fakeServer(guarded);
    t.is((await request("PUT /f HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc")).status, 200, "no password set: nothing asked");
    setPassword("admin", "pw");
    const refused = await request("PUT /f HTTP/1.0\r\nContent-Length: 3\r\n\r\nxyz");
    t.is(refused.status, 401);
    t.deepEqual(calls, ["receive PUT /f 3", "write abc", "end"], "the unauthorised body never reached the sink");
    const token = Buffer.from("admin:pw").toString("base64");
    t.is((await request("PUT /f HTTP/1.0\r\nAuthorization: Basic " + token + "\r\nContent-Length: 1\r\n\r\nz")).status, 200);
    t.is(calls[calls.length - 2], "write z");
  } finally {
    useStorage(directoryStorage(process.cwd()));
  }
});
