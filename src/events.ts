// Server-sent events: a response that stays open and is written to over time, so a page sees a change
// at once instead of polling (`new EventSource("/api/events")` in the browser). HTTP/1.0: no
// Content-Length, the stream ends when the connection closes. A channel holds at most `max` subscribers
// (503 past them), each with at most `maxQueued` bytes not yet sent (a subscriber that falls further
// behind is let go); a subscriber that goes away is freed at once, and a comment every `keepAlive` ms
// keeps idle connections inside the server's writeTimeout. Platform-free.
import { jsonText, oneLine } from "./core/serializer";
import { HttpRequest } from "./core/request";
import { BodyStream, HttpResponse } from "./core/response";

export interface ChannelOptions {
  /** Subscribers at most (default 2): each is a connection held open, about 110 variables on a board. */
  max?: number;
  /** Bytes queued for one subscriber at most before it is let go (default 1024). */
  maxQueued?: number;
  /** Milliseconds between keep-alive comments while anyone listens (default 15000; keep it below writeTimeout). */
  keepAlive?: number;
}

/** A subscriber's stream: what is queued for it, read by the server as the socket takes it. */
interface Subscriber extends BodyStream {
  _queued: string;
  /** Let go (fell behind, or the channel was closed): the next read ends the stream. */
  _over?: boolean;
}

/** Subscribers of one stream of events. */
export class Channel {
  /** The subscribers connected now. */
  subscribers: BodyStream[] = [];
  /** @internal */
  _max: number;
  /** @internal */
  _maxQueued: number;
  /** @internal */
  _keepAlive: number;
  /** @internal The keep-alive timer, while there are subscribers. */
  _timer: any = undefined;

  constructor(options?: ChannelOptions) {
    const settings = options || {};
    this._max = settings.max || 2;
    this._maxQueued = settings.maxQueued || 1024;
    this._keepAlive = settings.keepAlive || 15000;
  }

  /**
   * Makes `response` an event stream for this channel (a handler's last word: the server keeps the
   * connection open), or a 503 when the channel is full.
   */
  subscribe(request: HttpRequest, response: HttpResponse): void {
    if (this.subscribers.length >= this._max) {
      response.status = 503;
      response.headers["Retry-After"] = "5";
      response.data = { error: "too many listeners: try again later" };
      return;
    }
    subscribe(this, response);
  }

  /**
   * Sends `data` (a string, or a value sent as JSON) to every subscriber, as event `event` when given.
   * Returns how many it was queued for.
   */
  send(data: unknown, event?: string): number {
    const text = typeof data === "string" ? data : jsonText(data);
    // Each line of the data is a data: field.
    let message = event ? "event: " + oneLine(event) + "\n" : "";
    // A loop, not split(): on Espruino, split() running out of memory exits the interpreter.
    for (let start = 0; ;) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      message += "data: " + oneLine(text.substring(start, end)) + "\n";
      if (end >= text.length) break;
      start = end + 1;
    }
    return queue(this, message + "\n");
  }

  /** Ends every subscriber's stream (each connection closes once its queue is sent). */
  close(): void {
    const subscribers = this.subscribers.slice();
    for (let i = 0; i < subscribers.length; i++) {
      const subscriber = subscribers[i] as Subscriber;
      subscriber._over = true;
      if (subscriber.resume) subscriber.resume();
    }
  }
}

/** Queues `message` for every subscriber, letting go of those that fell too far behind. */
function queue(channel: Channel, message: string): number {
  const subscribers = channel.subscribers.slice();
  let queued = 0;
  for (let i = 0; i < subscribers.length; i++) {
    const subscriber = subscribers[i] as Subscriber;
    if (subscriber._over) continue;
    if (subscriber._queued.length + message.length > channel._maxQueued) subscriber._over = true;
    else {
      subscriber._queued += message;
      queued++;
    }
    if (subscriber.resume) subscriber.resume();
  }
  return queued;
}

function subscribe(channel: Channel, response: HttpResponse): void {
  const subscriber: Subscriber = {
    // Tells the browser how long to wait before reconnecting, and sends the head at once.
    _queued: "retry: 3000\n\n",
    read: function (offset, size) {
      const queued = subscriber._queued;
      if (!queued) return subscriber._over ? undefined : null;
      subscriber._queued = queued.length > size ? queued.substring(size) : "";
      return queued.length > size ? queued.substring(0, size) : queued;
    },
    close: function () {
      const subscribers = channel.subscribers;
      for (let i = 0; i < subscribers.length; i++) {
        if (subscribers[i] === subscriber) {
          subscribers.splice(i, 1);
          break;
        }
      }
      if (!subscribers.length && channel._timer !== undefined) {
        clearInterval(channel._timer);
        channel._timer = undefined;
      }
    },
  };
  channel.subscribers.push(subscriber);
  if (channel._timer === undefined) {
    channel._timer = setInterval(function () { queue(channel, ":\n\n"); }, channel._keepAlive);
    if (channel._timer.unref) channel._timer.unref();
  }
  response.headers["Content-Type"] = "text/event-stream";
  response.headers["Cache-Control"] = "no-cache";
  response.data = subscriber;
}
