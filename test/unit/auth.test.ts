// basic()'s lockout: wrong guesses counted, 429 while locked (whatever is sent), and what does not count.
// Date.now is replaced for each test, so the 30 s lockout runs in no time.
import test from "ava";
import { AUTH_FILE, basicWith, LockoutOptions } from "../../src/auth";
import { memoryStorage } from "../../src/storage/memory";
import { HttpRequest } from "../../src/core/request";
import { HttpResponse } from "../../src/core/response";
import { BodySink } from "../../src/core/types";
import type { Handler } from "../../src/server/server";

const RIGHT = "Basic " + Buffer.from("admin:s3cret").toString("base64");
const WRONG = "Basic " + Buffer.from("admin:guess").toString("base64");

function guarded(options?: LockoutOptions, needs?: (request: HttpRequest) => boolean) {
  const storage = memoryStorage();
  storage.write(AUTH_FILE, RIGHT.substring(6));
  const received: string[] = [];
  const inner: Handler = function (request, response) { response.data = "in"; };
  inner.receive = function (): BodySink {
    return { write: (piece: string) => { received.push(piece); }, end() {}, abort() {} };
  };
  const handler = basicWith({ files: { storage } }, inner, "dev", needs, options);
  const send = (authorization?: string, method = "PUT") => {
    const request = new HttpRequest(method, ["x"], {}, "HTTP/1.0", authorization ? { Authorization: authorization } : {}, "");
    const response = new HttpResponse();
    handler(request, response);
    return response;
  };
  const sink = (authorization?: string) =>
    handler.receive!(new HttpRequest("PUT", ["x"], {}, "HTTP/1.0", authorization ? { Authorization: authorization } : {}, ""), 2);
  return { send, sink, received };
}

let now = 1000000;
const realNow = Date.now;
test.beforeEach(() => { now = 1000000; Date.now = () => now; });
test.afterEach.always(() => { Date.now = realNow; });

test.serial("5 wrong guesses in a row lock the password for 30 s: 429 with Retry-After, even for the right one", (t) => {
  const { send } = guarded();
  for (let i = 1; i <= 4; i++) t.is(send(WRONG).status, 401, `guess ${i}`);
  t.is(send(RIGHT).status, 200, "the 4th is not yet locked");
  for (let i = 1; i <= 5; i++) t.is(send(WRONG).status, 401, `guess ${i} after the reset`);
  const locked = send(RIGHT);
  t.is(locked.status, 429);
  t.is(locked.headers["Retry-After"], "30");
  t.is(locked.headers["WWW-Authenticate"], undefined);
  now += 12500;
  t.is(send(RIGHT).headers["Retry-After"], "18");
  t.is(send(undefined).status, 429, "no credentials: locked alike");
  t.is(send(WRONG).status, 429, "a guess while locked is not checked");
  now += 17500;
  t.is(send(RIGHT).status, 200, "over after 30 s");
});

test.serial("requests without credentials are not guesses, and requests that need none pass while locked", (t) => {
  const { send } = guarded(undefined, (request) => request.method !== "GET");
  for (let i = 0; i < 20; i++) t.is(send(undefined).status, 401);
  t.is(send(RIGHT).status, 200);
  for (let i = 0; i < 5; i++) send("Bearer " + RIGHT.substring(6)); // another scheme is a wrong guess too
  t.is(send(RIGHT).status, 429);
  t.is(send(undefined, "GET").status, 200);
});

test.serial("maxFailures and lockout are the app's; maxFailures 0 never locks", (t) => {
  const short = guarded({ maxFailures: 2, lockout: 1000 });
  short.send(WRONG);
  short.send(WRONG);
  t.is(short.send(RIGHT).status, 429);
  t.is(short.send(RIGHT).headers["Retry-After"], "1");
  now += 1000;
  t.is(short.send(RIGHT).status, 200);
  const never = guarded({ maxFailures: 0 });
  for (let i = 0; i < 50; i++) t.is(never.send(WRONG).status, 401);
  t.is(never.send(RIGHT).status, 200);
});

test.serial("a clock set back does not stretch the lockout past its length", (t) => {
  const { send } = guarded();
  for (let i = 0; i < 5; i++) send(WRONG);
  t.is(send(RIGHT).status, 429);
  now -= 3600 * 1000;
  t.is(send(RIGHT).status, 200);
});

test.serial("a body is not taken while locked: the sink throws it away", (t) => {
  const { send, sink, received } = guarded();
  sink(RIGHT)!.write("ok");
  for (let i = 0; i < 5; i++) send(WRONG);
  const discarding = sink(RIGHT)!;
  discarding.write("no");
  discarding.end();
  t.deepEqual(received, ["ok"]);
});
