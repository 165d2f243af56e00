// The server loop: accepting connections, reading requests, running the handler, writing responses.
// It talks to sockets through the small Socket interface; the platform's `net`, text codec, storage and
// default handler are set by the entry point (src/espruino.ts, src/node.ts), never imported here.
// On a board every function object alive costs memory, so the loop is a few methods on two classes.
import { Limits, RequestHead, blankLines, checkIncompleteHead, findHeadEnd, parseHead } from "./core/parser";
import { parseTarget } from "./core/url";
import { HttpRequest } from "./core/request";
import { BodyStream, HttpResponse } from "./core/response";
import { errorResponse, prepareResponse } from "./core/serializer";
import { statusCode } from "./core/status";
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
  /** Milliseconds a client has to send its whole request, headers and body, however steadily (408). */
  requestTimeout?: number;
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
  /** What staticResource's staticBase "" means: on a board the Storage folder "www", on Node the working directory. */
  staticBase: string;
  /** Free heap in variables, or undefined where it is not known; `collect`: after a garbage collection. */
  freeMemory(collect?: boolean): number | undefined;
  /** Limits and timeouts that suit the platform. */
  options: ServerOptions;
}

/** Filled in by the entry point (src/espruino.ts, src/node.ts) before any server starts. */
export const platform = { maxNameLength: 28, staticBase: "www", options: {} } as Platform;

/** Counters an app can read to see how the server is doing. Cheap: a few numbers. */
export interface ServerStats {
  /** Connections accepted. */
  connections: number;
  /** Connections held now: being read, waiting their turn, handled or written. */
  open: number;
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
const READING = 0, READY = 1, HANDLING = 2, WRITING = 3, CLOSED = 4;

// Espruino pins an object for good once 15 call frames hold it at once (its lock count saturates; see
// ../shared/PLATFORM.md), and a method frame holds `this` twice. So no call chain below holds the same
// connection more than four frames deep: onData -> _handle -> _respond -> _write -> _finish, and the
// next queued connection is started on a later tick rather than from inside the one that finished.

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
  /** When the request must be complete (headers and body), whatever pace the client keeps. */
  _expires: number;
  _deadline: number;
  /** What is left to send: bytes, or a stream read from `_offset` up to `_length` (-1: to its end). */
  _body: string | undefined;
  _stream: BodyStream | undefined;
  _offset = 0;
  _length = -1;

  constructor(server: HttpServer, socket: Socket) {
    this._server = server;
    this._socket = socket;
    const now = Date.now();
    this._expires = now + server.requestTimeout;
    this._deadline = Math.min(now + server.headerTimeout, this._expires);
  }

  /** Takes a piece of the request; true once it is complete and may be handled now. */
  _receive(chunk: string): boolean {
    if (this._state !== READING) return false; // anything past the request is ignored
    const server = this._server;
    this._buffer += chunk; // in place: Espruino appends to a string it holds the only reference to
    let buffer = this._buffer;
    let head = this._head;
    if (!head) {
      const blank = blankLines(buffer);
      if (blank) buffer = this._buffer = buffer.substring(blank);
      const end = findHeadEnd(buffer, this._scanned);
      if (end < 0) {
        // Resume two bytes back: the blank line may straddle two pieces.
        this._scanned = buffer.length - 2;
        const status = checkIncompleteHead(buffer, server);
        if (status) this._fail(status);
        return false;
      }
      const parsed = parseHead(buffer.substring(0, end), server);
      if (typeof parsed === "number") {
        this._fail(parsed);
        return false;
      }
      head = this._head = parsed;
      const length = head.contentLength;
      // A body is held about twice (as received, then as request.data): refuse one that cannot fit now.
      // (Where free memory is unknown, freeMemory() is undefined and the comparison false.)
      if (length > 0 && platform.freeMemory(false)! - length / 5 < server.minFreeMemory &&
          platform.freeMemory(true)! - length / 5 < server.minFreeMemory) {
        this._fail(503);
        return false;
      }
      buffer = this._buffer = length > 0 ? buffer.substring(end) : "";
    }
    if (buffer.length < head.contentLength) {
      this._deadline = Math.min(Date.now() + server.bodyTimeout, this._expires);
      return false;
    }
    if (head.contentLength > 0) this._buffer = buffer.substring(0, head.contentLength);
    this._state = READY;
    this._deadline = Infinity;
    return this._admitted;
  }

  _handle(): void {
    if (this._state !== READY) return; // the client went away while it waited its turn
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
    let prepared;
    try {
      prepared = prepareResponse(response, request.method === "HEAD", platform.encode);
    } catch (error) {
      return this._error(request, error);
    }
    this._server._count(statusCode(response.status));
    this._state = WRITING;
    this._body = prepared.bytes;
    this._stream = prepared.stream;
    this._length = prepared.length;
    this._write(prepared.head);
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
    this._endStream();
    this._body = undefined;
    this._offset = 0;
    this._length = -1;
    this._write(errorResponse(status));
  }

  /**
   * Writes `head` (when given) and then the body, a piece at a time: each write leaves the rest for the
   * socket's 'drain', so a large body never sits whole in the socket's buffer (on Espruino it has no bound).
   * A stream's pieces are read here, never more than its length; the first is read before the head
   * goes out, so a stream that fails at once still gets a 500.
   */
  _write(head: string): void {
    const socket = this._socket;
    const size = this._server.chunkSize;
    let piece = head;
    try {
      for (;;) {
        const stream = this._stream;
        if (this._body !== undefined) {
          piece += this._body.substr(this._offset, size);
          this._offset += size;
          if (this._offset >= this._body.length) this._body = undefined;
        } else if (stream) {
          let read: any = stream.read(this._offset, size);
          if (read && typeof read !== "string") {
            if (read instanceof ArrayBuffer) read = new Uint8Array(read);
            if (!(read instanceof Uint8Array)) throw new Error("picohttp: a stream piece must be a string or bytes, not " + typeof read);
            read = platform.encode(read);
          }
          const left = this._length - this._offset;
          if (read && this._length >= 0 && read.length > left) read = read.substring(0, left);
          if (read) {
            this._offset += read.length;
            // Not `piece + read` when there is no head before it: on a board `read` points into flash,
            // and concatenating would copy every piece into RAM.
            piece = piece ? piece + read : read;
          }
          if (!read || this._offset === this._length) {
            if (this._offset < this._length) this._server._report(new Error("picohttp: a stream ended " + (this._length - this._offset) + " bytes short of its length"));
            this._endStream();
          }
        }
        this._deadline = Date.now() + this._server.writeTimeout;
        if (this._body === undefined && !this._stream) {
          if (piece) socket.write(piece, "binary");
          this._finish(false);
          return;
        }
        head = "";
        if (piece && !socket.write(piece, "binary")) return; // continued on 'drain'
        piece = "";
      }
    } catch (error) {
      this._server._report(error);
      // A stream that failed before anything was sent gets a 500; otherwise nothing more can be sent.
      if (head && this._stream) this._fail(500);
      else this._finish(true);
    }
  }

  _endStream(): void {
    const stream = this._stream;
    this._stream = undefined;
    if (stream && stream.close) stream.close();
  }

  /**
   * The connection is over: the socket is ended (`drop`: at once, unsent data dropped) unless it has
   * closed already (`drop` undefined), and the connection's place goes to the next. The place is not
   * held until the platform reports 'close': for some sockets it never does.
   */
  _finish(drop: boolean | undefined): void {
    if (this._state === CLOSED) return;
    this._state = CLOSED;
    this._endStream();
    this._body = undefined;
    this._buffer = "";
    this._head = undefined;
    const socket: any = this._socket;
    socket._connection = undefined;
    if (drop !== undefined) endSocket(socket, drop, this._server.writeTimeout);
    this._server._release(this);
  }

  _tick(time: number): void {
    if (time < this._deadline) return;
    const state = this._state;
    if (state === READING) return this._fail(408);
    if (state === HANDLING) return this._fail(503);
    this._server.stats.timedOut++;
    this._finish(true);
  }
}

/**
 * Ends a socket we are done with; `drop`: at once. On Node, whose sockets stay half-open until the client
 * closes its side, the socket is read to its end (so that close is seen) and destroyed if the client
 * has not closed within `timeout`.
 */
function endSocket(socket: any, drop: boolean, timeout: number): void {
  try {
    if (drop && socket.destroy) return socket.destroy();
    socket.end();
  } catch (closed) {
    return; // closed already
  }
  if (!socket.destroy) return;
  socket.resume();
  const timer = setTimeout(function () { socket.destroy(); }, timeout);
  if (timer.unref) timer.unref();
  socket.on("close", function () { clearTimeout(timer); });
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

/** Handles a queued connection that got its place, on a later tick (see the lock note above). */
function handleLater(connection: Connection): void {
  setTimeout(function () { connection._handle(); }, 0);
}

// Socket listeners shared by every connection (a closure per connection costs memory on a board).
// Each is called with the socket as `this`.
function onData(this: any, chunk: any): void {
  const connection: Connection = this._connection;
  if (connection && connection._receive(typeof chunk === "string" ? chunk : String(chunk))) connection._handle();
}
function onDrain(this: any): void {
  const connection: Connection = this._connection;
  if (connection && connection._state === WRITING) connection._write("");
}
function onEnd(this: any): void {
  // The client has finished sending: if its request is still incomplete, it never will be.
  const connection: Connection = this._connection;
  if (connection && connection._state === READING) connection._finish(true);
}
function onClose(this: any): void {
  const connection: Connection = this._connection;
  if (connection) connection._finish(undefined);
}
function ignore(): void {
  // Errors end in 'close' or need nothing; the listener keeps Node from throwing.
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
  requestTimeout = 20000;
  handlerTimeout = 30000;
  writeTimeout = 30000;
  chunkSize = 512;
  minFreeMemory = 0;
  stats: ServerStats = {
    connections: 0, open: 0, peakConnections: 0, requests: 0, responses: [0, 0, 0, 0, 0, 0],
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
    try {
      if (this.host) listener.listen(this.port, this.host);
      else listener.listen(this.port);
    } catch (error) {
      // Espruino throws here where Node emits 'error'.
      this._report(new Error("cannot listen on port " + this.port + ": " + ((error as any) && (error as any).message || error)));
      return this;
    }
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
    stats.open = connections.length;
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
      socket.write(errorResponse(503), "binary");
    } catch (closed) {
      return;
    }
    endSocket(socket, false, this.writeTimeout);
  }

  /** A connection is over: forget it, and let the next waiting one take its place. */
  _release(connection: Connection): void {
    const connections = this._connections;
    // A loop, not indexOf: see the note on indexOf in src/core/text.ts (it cannot tell arrays from strings).
    for (let i = 0; i < connections.length; i++) {
      if (connections[i] === connection) {
        connections.splice(i, 1);
        break;
      }
    }
    this.stats.open = connections.length;
    const slots = this.threads ? this.maxConnections : 1;
    for (let i = 0; i < connections.length && i < slots; i++) {
      const next = connections[i];
      if (!next._admitted) {
        next._admitted = true;
        if (next._state === READY) handleLater(next);
      }
    }
    if (!connections.length && this._sweep !== undefined) {
      clearInterval(this._sweep);
      this._sweep = undefined;
    }
  }
}
