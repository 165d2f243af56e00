// The server loop: accepting connections, reading requests, running the handler, writing responses.
// It talks to sockets through the small Socket interface; the platform's `net`, text codec, storage and
// default handler are set by the entry point (src/espruino.ts, src/node.ts), never imported here.
// On a board every function object alive costs memory, so the loop is a few methods on two classes.
import { Limits, RequestHead, checkIncompleteHead, findHeadEnd, parseHead } from "./core/parser";
import { parseTarget } from "./core/url";
import { HttpRequest } from "./core/request";
import { BodyStream, HttpResponse } from "./core/response";
import { hasNoBody, prepareBody, serializeHead } from "./core/serializer";
import { reasonPhrase } from "./core/status";
import { NetModule, NetServer, Socket, Storage, TextCodec } from "./core/types";

/** `handler(request, response, ...args)`; it may return a Promise, and the response is sent when it settles. */
export type Handler = (request: HttpRequest, response: HttpResponse, ...args: any[]) => unknown;

/** Everything after `port` and `handler`, as an alternative to the positional parameters. */
export interface ServerOptions extends Partial<Limits> {
  /** Extra arguments passed to the handler after request and response. */
  args?: any[];
  /** true (default): requests are handled concurrently; false: one connection at a time, in order. */
  threads?: boolean;
  /** true (default): listen at once; false: call start(). */
  start?: boolean;
  /** true (default): the listening server keeps a Node process alive; false: it does not. */
  block?: boolean;
  /** Node only: the address to listen on (default: all). */
  host?: string;
  /** Connections handled at once when `threads` is true. */
  maxConnections?: number;
  /** Connections waiting for their turn; past this, new ones get 503. */
  maxQueue?: number;
  /** Milliseconds a client has to send its request line and headers (408). */
  headerTimeout?: number;
  /** Milliseconds a client may pause while sending its body (408). */
  bodyTimeout?: number;
  /** Milliseconds an asynchronous handler has to settle (503). */
  handlerTimeout?: number;
  /** Milliseconds a client may take to accept the next piece of a response before it is dropped. */
  writeTimeout?: number;
  /** Bytes written to the socket at a time. */
  chunkSize?: number;
  /** Espruino: refuse new work with 503 while fewer variables than this would be free. */
  minFreeMemory?: number;
  /** The `net` module to use (the platform's by default; a fake one in tests). */
  net?: NetModule;
  /** Told about handler errors and failures to listen. */
  onError?: (error: any, request?: HttpRequest) => void;
}

/** What the entry point provides for the platform it runs on. */
export interface Platform extends TextCodec {
  net: NetModule | undefined;
  storage: Storage | undefined;
  handler: Handler;
  /** Storage silently truncates longer names (28 on a board): a longer one would alias another file. */
  maxNameLength: number;
  /** Free heap in variables, or undefined where it is not known; `collect`: after a garbage collection. */
  freeMemory(collect?: boolean): number | undefined;
  /** Limits and timeouts that suit the platform. */
  options: ServerOptions;
}

/** Filled in by the entry point (src/espruino.ts, src/node.ts) before any server starts. */
export const platform = { maxNameLength: 28, options: {} } as Platform;

/** Counters an app can read to see how the server is doing. Cheap: a few numbers. */
export interface ServerStats {
  /** Connections accepted. */
  connections: number;
  /** The most connections open at once. */
  peakConnections: number;
  /** Requests passed to the handler. */
  requests: number;
  /** Responses by class: index 1 is 1xx ... index 5 is 5xx (index 0: other codes). */
  responses: number[];
  /** Connections turned away with 503 (queue full or memory low). */
  rejected: number;
  /** Connections that timed out (408, 503 for a handler, or dropped while writing). */
  timedOut: number;
  /** The lowest free memory seen (Espruino), or -1. */
  lowestFree: number;
}

// A connection's life: reading its request, waiting its turn, in the handler, writing, done.
const READING = 0, READY = 1, HANDLING = 2, WRITING = 3, CLOSING = 4, CLOSED = 5;

/** One client connection. Kept small: on a board every field costs memory. */
class Connection {
  _server: HttpServer;
  _socket: Socket;
  _state = READING;
  _admitted = false;
  /** The request received so far; then its body; then nothing. */
  _buffer = "";
  _scanned = 0;
  _head: RequestHead | undefined;
  _deadline: number;
  /** What is left to send: bytes, or a stream read from `_offset` up to `_length` (-1: to its end). */
  _body: string | undefined;
  _stream: BodyStream | undefined;
  _offset = 0;
  _length = -1;

  constructor(server: HttpServer, socket: Socket) {
    this._server = server;
    this._socket = socket;
    this._deadline = Date.now() + server.headerTimeout;
  }

  _receive(chunk: string): void {
    if (this._state !== READING) return; // anything past the request is ignored
    const server = this._server;
    this._buffer += chunk; // in place: Espruino appends to a string it holds the only reference to
    let buffer = this._buffer;
    let head = this._head;
    if (!head) {
      const end = findHeadEnd(buffer, this._scanned);
      if (end < 0) {
        // Resume two bytes back: the blank line may straddle two pieces.
        this._scanned = buffer.length - 2;
        const status = checkIncompleteHead(buffer, server);
        if (status) this._fail(status);
        return;
      }
      const parsed = parseHead(buffer.substring(0, end), server);
      if (typeof parsed === "number") return this._fail(parsed);
      head = this._head = parsed;
      const length = head.contentLength;
      // A body is held about twice (as received, then as request.data): refuse one that cannot fit now.
      // (Where free memory is unknown, freeMemory() is undefined and the comparison false.)
      if (length > 0 && platform.freeMemory(false)! - length / 5 < server.minFreeMemory &&
          platform.freeMemory(true)! - length / 5 < server.minFreeMemory) return this._fail(503);
      buffer = this._buffer = length > 0 ? buffer.substring(end) : "";
    }
    if (buffer.length < head.contentLength) {
      this._deadline = Date.now() + server.bodyTimeout;
      return;
    }
    if (head.contentLength > 0) this._buffer = buffer.substring(0, head.contentLength);
    this._state = READY;
    this._deadline = Infinity;
    if (this._admitted) this._handle();
  }

  _handle(): void {
    const server = this._server;
    const head = this._head as RequestHead;
    const target = parseTarget(head.target, platform.decode);
    const request = new HttpRequest(head.method, target.path, target.query, head.protocol, head.headers,
      platform.decode(this._buffer));
    this._buffer = "";
    this._head = undefined;
    const response = new HttpResponse();
    this._state = HANDLING;
    server.stats.requests++;
    try {
      const result: any = server.handler.apply(undefined, ([request, response] as any[]).concat(server.args) as any);
      if (result && typeof result.then === "function") {
        this._deadline = Date.now() + server.handlerTimeout;
        whenSettled(this, result, request, response);
      } else {
        this._respond(request, response);
      }
    } catch (error) {
      this._error(request, error);
    }
  }

  /** Sends the response the handler filled in. */
  _respond(request: HttpRequest, response: HttpResponse): void {
    if (this._state !== HANDLING) return; // timed out, or the client went away
    let head;
    try {
      const body = prepareBody(response, platform.encode);
      const bodiless = hasNoBody(response.status);
      head = serializeHead(response, bodiless ? -1 : body.length);
      this._length = body.length;
      if (request.method !== "HEAD" && !bodiless) {
        this._body = body.bytes;
        this._stream = body.stream;
      } else if (body.stream && body.stream.close) {
        body.stream.close();
      }
    } catch (error) {
      return this._error(request, error);
    }
    this._server._count(response.status);
    this._state = WRITING;
    this._write(head);
  }

  /** The handler failed (threw, rejected, or filled in a response that cannot be sent): 500. */
  _error(request: HttpRequest, error: any): void {
    if (this._state !== HANDLING) return;
    this._server._report(error, request);
    this._fail(500);
  }

  /** Answers with a bare status (an error the client or the server caused) and closes. */
  _fail(status: number): void {
    const server = this._server;
    if (status === 408 || (status === 503 && this._state === HANDLING)) server.stats.timedOut++;
    server._count(status);
    this._state = WRITING;
    this._stream = undefined;
    this._length = -1;
    const text = this._body = reasonPhrase(status);
    this._write("HTTP/1.0 " + status + " " + text + "\r\nContent-Type: text/plain\r\n" +
      (status === 503 ? "Retry-After: 1\r\n" : "") + "Content-Length: " + text.length + "\r\n\r\n");
  }

  /**
   * Writes `prefix` and then the body, a piece at a time: each write leaves the rest for the socket's
   * 'drain', so a large body never sits whole in the socket's buffer (on Espruino it has no bound).
   */
  _write(prefix: string): void {
    const socket = this._socket;
    const size = this._server.chunkSize;
    try {
      for (;;) {
        let piece = prefix;
        prefix = "";
        if (this._body !== undefined) {
          piece += this._body.substr(this._offset, size);
          this._offset += size;
          if (this._offset >= this._body.length) this._body = undefined;
        } else if (this._stream) {
          piece = this._readStream(piece, size);
        }
        this._deadline = Date.now() + this._server.writeTimeout;
        if (this._body === undefined && !this._stream) {
          this._state = CLOSING;
          if (piece) socket.write(piece, "binary");
          socket.end();
          return;
        }
        if (piece && !socket.write(piece, "binary")) return; // continued on 'drain'
      }
    } catch (error) {
      // The socket closed under us, or a stream failed to read: nothing more can be sent.
      this._server._report(error);
      this._close(true);
    }
  }

  /** `piece` followed by the stream's next piece; closes the stream at its end. */
  _readStream(piece: string, size: number): string {
    let read: any = (this._stream as BodyStream).read(this._offset, size);
    if (read && typeof read !== "string") read = platform.encode(read);
    if (read) {
      this._offset += read.length;
      // Not `piece + read` when there is no head before it: on a board `read` points into flash,
      // and concatenating would copy every piece into RAM.
      piece = piece ? piece + read : read;
    }
    if (!read || this._offset === this._length) this._close(false);
    return piece;
  }

  /**
   * Lets go of the body (closing its stream). With `drop`, also ends the socket at once. Once the
   * socket has closed (`drop` undefined, from its 'close'), gives the connection's place to the next.
   */
  _close(drop: boolean | undefined): void {
    const stream = this._stream;
    this._stream = undefined;
    if (stream && stream.close) stream.close();
    if (drop === false) return;
    this._body = undefined;
    if (drop) {
      this._state = CLOSING;
      const socket = this._socket;
      try {
        if (socket.destroy) socket.destroy();
        else socket.end();
      } catch (closed) {
        // already closed: its 'close' releases the connection
      }
      return;
    }
    if (this._state === CLOSED) return;
    this._state = CLOSED;
    this._buffer = "";
    this._head = undefined;
    this._server._release(this);
  }

  _tick(time: number): void {
    if (time < this._deadline) return;
    const state = this._state;
    if (state === READING) return this._fail(408);
    if (state === HANDLING) return this._fail(503);
    this._server.stats.timedOut++;
    this._deadline = Infinity;
    this._close(true);
  }
}

/**
 * Answers when the handler's Promise settles. Made here rather than in _handle so that, while the
 * handler waits, its callbacks keep only these alive (on a board, a scope costs memory).
 */
function whenSettled(connection: Connection, result: any, request: HttpRequest, response: HttpResponse): void {
  result.then(function () {
    connection._respond(request, response);
  }, function (error: any) {
    connection._error(request, error);
  });
}

// Socket listeners shared by every connection (a closure per connection costs memory on a board).
// Each is called with the socket as `this`.
function onData(this: any, chunk: any): void {
  const connection: Connection = this._connection;
  if (connection) connection._receive(typeof chunk === "string" ? chunk : String(chunk));
}
function onDrain(this: any): void {
  const connection: Connection = this._connection;
  if (connection && connection._state === WRITING) connection._write("");
}
function onEnd(this: any): void {
  // The client has finished sending: if its request is still incomplete, it never will be.
  const connection: Connection = this._connection;
  if (connection && connection._state === READING) connection._close(true);
}
function onClose(this: any): void {
  const connection: Connection = this._connection;
  this._connection = undefined;
  if (connection) connection._close(undefined);
}
function ignore(): void {
  // An 'error' is followed by 'close', which releases the connection; the listener keeps Node from throwing.
}

/** An HTTP/1.0 server: one request per connection, answered and closed. */
export class HttpServer {
  port: number;
  handler: Handler;
  args: any[];
  threads: boolean;
  block: boolean;
  host: string | undefined;
  maxRequestLine = 512;
  maxHeaderBytes = 2048;
  maxHeaders = 24;
  maxBody = 4096;
  maxConnections = 4;
  maxQueue = 4;
  headerTimeout = 10000;
  bodyTimeout = 10000;
  handlerTimeout = 30000;
  writeTimeout = 30000;
  chunkSize = 512;
  minFreeMemory = 0;
  stats: ServerStats = {
    connections: 0, peakConnections: 0, requests: 0, responses: [0, 0, 0, 0, 0, 0],
    rejected: 0, timedOut: 0, lowestFree: -1,
  };
  onError: (error: any, request?: HttpRequest) => void;
  net: NetModule | undefined;
  _listener: NetServer | undefined;
  _connections: Connection[] = [];
  _sweep: any;

  /**
   * `new HttpServer(port = 80, handler = staticResource, args = [], threads = true, start = true, block = true)`,
   * or `new HttpServer(port, handler, options)`.
   */
  constructor(port?: number, handler?: Handler, args?: any[] | ServerOptions, threads?: boolean, start?: boolean,
              block?: boolean) {
    // Compiled to ES5 for a board, a call without `new` would write these fields onto the global object.
    if (!(this instanceof HttpServer)) throw new Error("picohttp: HttpServer is a class: use new HttpServer(...)");
    let options: ServerOptions = {};
    if (args && !(args instanceof Array)) {
      options = args;
      args = options.args;
    }
    // Limits and timeouts: the platform's defaults, then the app's. Only numbers are taken, so an
    // option can never replace a method.
    const self: any = this;
    const sources: any[] = [platform.options, options];
    for (let i = 0; i < 2; i++) {
      for (const key in sources[i]) {
        if (typeof self[key] === "number" && typeof sources[i][key] === "number") self[key] = sources[i][key];
      }
    }
    this.port = port === undefined ? 80 : port;
    this.handler = handler || platform.handler;
    this.args = (args as any[]) || [];
    this.threads = threads !== undefined ? threads : options.threads !== false;
    this.block = block !== undefined ? block : options.block !== false;
    this.host = options.host;
    this.onError = options.onError || function (error: any) {
      console.log("picohttp:", error && error.stack ? error.stack : String(error));
    };
    this.net = options.net || platform.net;
    if (start !== undefined ? start : options.start !== false) this.start();
  }

  /** Starts listening, if not already. Always returns, whatever `block` says. */
  start(): this {
    if (this._listener) return this;
    const net = this.net;
    const server = this;
    if (!net) throw new Error("picohttp: no net module: pass one as options.net");
    const listener = net.createServer(function (socket: Socket) { server._accept(socket); });
    if (listener.on) {
      listener.on("error", function (error: any) {
        server._listener = undefined;
        server._report(new Error("cannot listen on port " + server.port + ": " + (error && error.code || error)));
      });
    }
    if (this.host) listener.listen(this.port, this.host);
    else listener.listen(this.port);
    if (!this.block && listener.unref) listener.unref();
    this._listener = listener;
    return this;
  }

  /** Stops accepting connections; requests already received are still answered. */
  close(): void {
    const listener = this._listener;
    this._listener = undefined;
    if (listener) listener.close();
  }

  _count(status: number): void {
    const group = Math.floor(status / 100);
    this.stats.responses[group >= 1 && group <= 5 ? group : 0]++;
  }

  _report(error: any, request?: HttpRequest): void {
    try {
      this.onError(error, request);
    } catch (ignored) {
      // A failing error hook must not take the server down.
    }
  }

  _accept(socket: Socket): void {
    const stats = this.stats;
    const connections = this._connections;
    const slots = this.threads ? this.maxConnections : 1;
    let free = platform.freeMemory(false);
    if (free !== undefined && free < this.minFreeMemory) free = platform.freeMemory(true);
    if (free !== undefined && (stats.lowestFree < 0 || free < stats.lowestFree)) stats.lowestFree = free;
    socket.on("error", ignore);
    if (connections.length >= slots + this.maxQueue || (free !== undefined && free < this.minFreeMemory)) {
      this._reject(socket);
      return;
    }
    const connection = new Connection(this, socket);
    (socket as any)._connection = connection;
    socket.on("data", onData);
    socket.on("drain", onDrain);
    socket.on("end", onEnd);
    socket.on("close", onClose);
    connection._admitted = connections.push(connection) <= slots;
    stats.connections++;
    if (connections.length > stats.peakConnections) stats.peakConnections = connections.length;
    if (this._sweep === undefined) {
      const server = this;
      // One timer for all connections, only while there are any.
      this._sweep = setInterval(function () {
        const time = Date.now();
        const list = server._connections.slice();
        for (let i = 0; i < list.length; i++) list[i]._tick(time);
      }, 500);
      if (this._sweep.unref) this._sweep.unref();
    }
  }

  /** Turns a connection away with 503 (the queue is full or memory is low). */
  _reject(socket: Socket): void {
    this.stats.rejected++;
    this._count(503);
    try {
      socket.write("HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n", "binary");
      socket.end();
    } catch (closed) {
      return;
    }
    // Node keeps a half-open socket until the client closes it; do not wait for one that never does.
    if (socket.destroy) {
      const timer: any = setTimeout(function () { (socket as any).destroy(); }, this.writeTimeout);
      if (timer.unref) timer.unref();
    }
  }

  /** A connection has closed: forget it, and let the next waiting one take its place. */
  _release(connection: Connection): void {
    const connections = this._connections;
    const at = connections.indexOf(connection);
    if (at >= 0) connections.splice(at, 1);
    const socket: any = connection._socket;
    if (socket.removeAllListeners) socket.removeAllListeners();
    const slots = this.threads ? this.maxConnections : 1;
    for (let i = 0; i < connections.length && i < slots; i++) {
      const next = connections[i];
      if (!next._admitted) {
        next._admitted = true;
        if (next._state === READY) next._handle();
      }
    }
    if (!connections.length && this._sweep !== undefined) {
      clearInterval(this._sweep);
      this._sweep = undefined;
    }
  }
}
