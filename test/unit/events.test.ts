// The event channel without a network: what a subscriber's stream gives the server as it asks, the bound
// on what may queue up for a subscriber that does not keep up, and the end of every stream on close().
import test from "ava";
import { Channel } from "../../src/events";
import { HttpRequest } from "../../src/core/request";
import { HttpResponse, BodyStream } from "../../src/core/response";
import { liveIntervals } from "../helpers/timers";

const request = () => new HttpRequest("GET", ["events"], {}, "HTTP/1.0", {}, "");

function subscribed(channel: Channel): { stream: BodyStream; response: HttpResponse; resumed: () => number } {
  const response = new HttpResponse();
  channel.subscribe(request(), response);
  const stream = response.data as BodyStream;
  let resumes = 0;
  stream.resume = () => { resumes++; };
  return { stream, response, resumed: () => resumes };
}

test("a subscriber's stream: its head, null while there is nothing, each event whole, in pieces as asked", (t) => {
  const channel = new Channel({ keepAlive: 1e9 });
  const { stream, response, resumed } = subscribed(channel);
  t.is(response.headers["Content-Type"], "text/event-stream");
  t.is(response.headers["Cache-Control"], "no-cache");
  t.is(stream.read(0, 512), "retry: 3000\n\n");
  t.is(stream.read(13, 512), null);
  t.is(channel.send({ on: true }, "state"), 1);
  t.is(resumed(), 1);
  t.is(stream.read(13, 10), "event: sta");
  t.is(stream.read(23, 512), 'te\ndata: {"on":true}\n\n');
  t.is(stream.read(0, 512), null);
  channel.send("a\r\nb", "x\ny");
  t.is(stream.read(0, 512), "event: xy\ndata: a\ndata: b\n\n");
  stream.close!();
  t.is(channel.subscribers.length, 0);
});

test("at most `max` subscribers; the rest get 503", (t) => {
  const channel = new Channel({ max: 1, keepAlive: 1e9 });
  subscribed(channel);
  const response = new HttpResponse();
  channel.subscribe(request(), response);
  t.is(response.status, 503);
  t.is(response.headers["Retry-After"], "5");
  t.is(channel.subscribers.length, 1);
  (channel.subscribers[0] as BodyStream).close!();
});

test("a subscriber that falls more than maxQueued bytes behind is let go: its stream ends once what it has is sent", (t) => {
  const channel = new Channel({ maxQueued: 100, keepAlive: 1e9 });
  const slow = subscribed(channel);
  const fast = subscribed(channel);
  let sent = 0;
  for (let i = 0; i < 10; i++) {
    sent += channel.send("x".repeat(20));
    while (fast.stream.read(0, 512)) { /* the fast one keeps up */ }
  }
  t.is(sent, 10 + 3, "the slow one took three 28-byte events beside its 13-byte head, then no more");
  let rest = "";
  for (let piece = slow.stream.read(0, 512); piece; piece = slow.stream.read(0, 512)) rest += piece;
  t.is(rest.length, 13 + 3 * 28);
  t.is(slow.stream.read(0, 512), undefined, "then the end");
  t.is(fast.stream.read(0, 512), null, "the fast one waits for more");
  slow.stream.close!();
  fast.stream.close!();
});

test("close() ends every stream; the keep-alive timer runs only while someone listens", (t) => {
  // Counted before and after, in one synchronous run: other tests' channels may hold timers of their own.
  const before = liveIntervals();
  const channel = new Channel({ keepAlive: 1e9 });
  t.is(liveIntervals(), before, "no timer before anyone listens");
  const a = subscribed(channel);
  t.is(liveIntervals(), before + 1, "one while someone listens");
  channel.close();
  t.is(a.resumed(), 1);
  t.is(a.stream.read(0, 512), "retry: 3000\n\n");
  t.is(a.stream.read(0, 512), undefined);
  a.stream.close!();
  t.is(liveIntervals(), before, "none once the last has gone");
});
