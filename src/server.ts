// The server loop: accepting connections, reading requests, running the handler, writing responses.
// It talks to sockets through the small Socket interface; the platform's `net`, text codec and default
// handler are set by the entry point (src/espruino.ts, src/node.ts), never imported here.
import { Limits, RequestHead, checkIncompleteHead, findHeadEnd, parseHead } from "./core/parser";
import { parseTarget } from "./core/url";
import { HttpRequest } from "./core/request";
import { BodyStream, HttpResponse } from "./core/response";
import { hasNoBody, prepareBody, serializeHead } from "./core/serializer";
import { reasonPhrase } from "./core/status";
import { NetModule, NetServer, Socket, TextCodec } from "./core/types";

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
  /** Bytes written to the socket at a time when streaming. */
  chunkSize?: number;
  /** Espruino only: refuse new connections with 503 while fewer variables than this are free. */
  minFreeMemory?: number;
  /** The `net` module to use (the platform's by default; a fake one in tests). */
  net?: NetModule;
  /** Told about handler errors and failures to listen. */
  onError?: (error: any, request?: HttpRequest) => void;
}

/** What the entry point provides for the platform it runs on. */
export interface Platform {
  net: NetModule | undefined;
  codec: TextCodec;
  handler: Handler;
  /** Free heap, in the platform's units, or undefined where it is not known. */
  freeMemory(): number | undefined;
  /** Option defaults that suit the platform. */
  options: ServerOptions;
}

const passThrough = function (text: string) { return text; };

export const platform: Platform = {
  net: undefined,
  codec: {
    decode: passThrough,
    encode: passThrough,
    fromBytes: function (bytes) {
      let out = "";
      for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]);
      return out;
    },
  },
  handler: function (request, response) { response.status = 404; },
  freeMemory: function () { return undefined; },
  options: {},
};

/** Counters an app can read to see how the server is doing. */
export interface ServerStats {
  connections: number;
  peakConnections: number;
  requests: number;
  /** Responses by class: index 1 is 1xx ... index 5 is 5xx. */
  responses: number[];
  /** Connections turned away with 503 (queue full or memory low). */
  rejected: number;
  timedOut: number;
  /** The lowest free memory seen when accepting a connection (Espruino), or -1. */
  lowestFree: number;
}

// A connection's life: reading its request, waiting its turn, in the handler, writing, done.
const READING = 0, READY = 1, HANDLING = 2, WRITING = 3, CLOSING = 4, CLOSED = 5;

const SWEEP_INTERVAL = 500;

function now(): number {
  return Date.now();
}

/** One client connection. Kept small: on a board every field costs memory. */
class Connection {
  _server: HttpServer;
  _socket: Socket;
  _state = READING;
  _admitted = false;
  _buffer = "";
  _scanned = 0;
  _head: RequestHead | undefined;
  _deadline: number;
  _body: string | undefined;
  _stream: BodyStream | undefined;
  _offset = 0;
  _remaining = -1;

  constructor(server: HttpServer, socket: Socket) {
    this._server = server;
    this._socket = socket;
    this._deadline = now() + server.headerTimeout;
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
        // Resume two bytes back: the blank line may straddle two chunks.
        this._scanned = buffer.length - 2;
        const status = checkIncompleteHead(buffer, server);
        if (status) this._fail(status);
        return;
      }
      const parsed = parseHead(buffer.substring(0, end), server);
      if (typeof parsed === "number") {
        this._buffer = "";
        this._fail(parsed);
        return;
      }
      this._head = head = parsed;
      buffer = head.contentLength > 0 ? buffer.substring(end) : "";
    }
    if (buffer.length < head.contentLength) {
      this._buffer = buffer;
      this._deadline = now() + server.bodyTimeout;
      return;
    }
    this._buffer = head.contentLength > 0 ? buffer.substring(0, head.contentLength) : "";
    this._state = READY;
    this._deadline = Infinity;
    if (this._admitted) this._handle();
  }

  _handle(): void {
    const server = this._server;
    const head = this._head as RequestHead;
    const codec = platform.codec;
    const target = parseTarget(head.target, codec.decode);
    const request = new HttpRequest(head.method, target.path, target.query, head.protocol, head.headers,
      codec.decode(this._buffer));
    this._buffer = "";
    this._head = undefined;
    const response = new HttpResponse();
    this._state = HANDLING;
    server.stats.requests++;
    let result: any;
    try {
      result = server.handler.apply(undefined, ([request, response] as any[]).concat(server.args) as any);
    } catch (error) {
      server._report(error, request);
      this._fail(500);
      return;
    }
    if (result && typeof result.then === "function") {
      this._deadline = now() + server.handlerTimeout;
      const connection = this;
      result.then(function () {
        connection._respond(response, request);
      }, function (error: any) {
        if (connection._state !== HANDLING) return;
        server._report(error, request);
        connection._fail(500);
      });
    } else {
      this._respond(response, request);
    }
  }

  _respond(response: HttpResponse, request: HttpRequest): void {
    if (this._state !== HANDLING) return; // timed out, or the client went away
    let body;
    let head;
    try {
      body = prepareBody(response, platform.codec);
      head = serializeHead(response, hasNoBody(response.status) ? -1 : body.length);
    } catch (error) {
      this._server._report(error, request);
      this._fail(500);
      return;
    }
    this._count(response.status);
    const bare = request.method === "HEAD" || hasNoBody(response.status);
    if (body.stream && bare) {
      if (body.stream.close) body.stream.close();
    } else if (body.stream) {
      this._stream = body.stream;
    } else if (!bare) {
      this._body = body.bytes;
    }
    this._remaining = body.length;
    this._state = WRITING;
    this._write(head);
  }

  /** Answers with a bare status (an error the client or the server caused) and closes. */
  _fail(status: number): void {
    const server = this._server;
    if (status === 408 || status === 503 && this._state === HANDLING) server.stats.timedOut++;
    this._count(status);
    this._state = WRITING;
    this._body = reasonPhrase(status);
    this._remaining = -1;
    let head = "HTTP/1.0 " + status + " " + this._body + "\r\nContent-Type: text/plain\r\n";
    if (status === 503) head += "Retry-After: 1\r\n";
    this._write(head + "Content-Length: " + this._body.length + "\r\n\r\n");
  }

  _count(status: number): void {
    const group = Math.floor(status / 100);
    const responses = this._server.stats.responses;
    if (group >= 1 && group <= 5) responses[group]++;
    else responses[0]++;
  }

  /**
   * Writes `prefix` and then the body, a piece at a time: each write leaves the rest for the socket's
   * 'drain', so a large body never sits whole in the socket's buffer (on Espruino it has no bound).
   */
  _write(prefix: string): void {
    const socket = this._socket;
    const size = this._server.chunkSize;
    for (;;) {
      let piece = prefix;
      prefix = "";
      if (this._body !== undefined) {
        piece += this._body.substr(this._offset, size);
        this._offset += size;
        if (this._offset >= this._body.length) this._body = undefined;
      } else if (this._stream) {
        let read: any;
        try {
          read = this._stream.read(this._offset, size);
          if (read && typeof read !== "string") read = platform.codec.fromBytes(read);
        } catch (error) {
          this._server._report(error);
          this._closeNow();
          return;
        }
        if (read) {
          piece += read;
          this._offset += read.length;
        }
        if (!read || this._offset === this._remaining) this._endStream();
      }
      this._deadline = now() + this._server.writeTimeout;
      if (this._body === undefined && !this._stream) {
        this._state = CLOSING;
        if (piece) socket.write(piece, "binary");
        socket.end();
        return;
      }
      if (piece && !socket.write(piece, "binary")) return; // continued on 'drain'
    }
  }

  _endStream(): void {
    const stream = this._stream;
    this._stream = undefined;
    if (stream && stream.close) stream.close();
  }

  /** Drops the connection without a response (a client that does not read, a body that broke). */
  _closeNow(): void {
    this._endStream();
    this._body = undefined;
    this._state = CLOSING;
    const socket = this._socket;
    if (socket.destroy) socket.destroy();
    else socket.end();
  }

  _closed(): void {
    if (this._state === CLOSED) return;
    this._state = CLOSED;
    this._endStream();
    this._body = undefined;
    this._buffer = "";
    this._head = undefined;
    this._server._release(this);
  }

  _tick(time: number): void {
    if (time < this._deadline) return;
    const state = this._state;
    if (state === READING) this._fail(408);
    else if (state === HANDLING) this._fail(503);
    else if (state === WRITING || state === CLOSING) {
      this._server.stats.timedOut++;
      this._deadline = Infinity;
      this._closeNow();
    }
  }
}

// Socket listeners shared by every connection: a closure per connection costs memory on a board.
// Each is called with the socket as `this`.
function onData(this: any, chunk: any): void {
  const connection: Connection = this._connection;
  if (connection) connection._receive(typeof chunk === "string" ? chunk : String(chunk));
}
function onDrain(this: any): void {
  const connection: Connection = this._connection;
  if (connection && connection._state === WRITING) connection._write("");
}
function onClose(this: any): void {
  const connection: Connection = this._connection;
  this._connection = undefined;
  if (connection) connection._closed();
}
function onSocketError(): void {
  // 'close' follows and releases the connection; the listener keeps Node from throwing.
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
    this.threads = pick(threads, options.threads);
    this.block = pick(block, options.block);
    this.host = options.host;
    this.onError = options.onError || function (error: any) {
      console.log("picohttp:", error && error.stack ? error.stack : String(error));
    };
    this.net = options.net || platform.net;
    if (pick(start, options.start)) this.start();
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
    const free = platform.freeMemory();
    if (free !== undefined && (stats.lowestFree < 0 || free < stats.lowestFree)) stats.lowestFree = free;
    socket.on("error", onSocketError);
    if (connections.length >= this._slots() + this.maxQueue || (free !== undefined && free < this.minFreeMemory)) {
      stats.rejected++;
      stats.responses[5]++;
      socket.write("HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n", "binary");
      socket.end();
      // Node keeps a half-open socket until the client closes it; do not wait for one that never does.
      if (socket.destroy) {
        const timer: any = setTimeout(function () { (socket as any).destroy(); }, this.writeTimeout);
        if (timer.unref) timer.unref();
      }
      return;
    }
    const connection = new Connection(this, socket);
    (socket as any)._connection = connection;
    socket.on("data", onData);
    socket.on("drain", onDrain);
    socket.on("close", onClose);
    connections.push(connection);
    stats.connections++;
    if (connections.length > stats.peakConnections) stats.peakConnections = connections.length;
    connection._admitted = connections.length <= this._slots();
    if (this._sweep === undefined) {
      const server = this;
      this._sweep = setInterval(function () { server._tick(); }, SWEEP_INTERVAL);
      if (this._sweep && this._sweep.unref) this._sweep.unref();
    }
  }

  _slots(): number {
    return this.threads ? this.maxConnections : 1;
  }

  /** A connection has closed: forget it, and let the next waiting one take its place. */
  _release(connection: Connection): void {
    const connections = this._connections;
    const at = connections.indexOf(connection);
    if (at >= 0) connections.splice(at, 1);
    const socket: any = connection._socket;
    if (socket.removeAllListeners) socket.removeAllListeners();
    const slots = this._slots();
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

  _tick(): void {
    const time = now();
    const connections = this._connections.slice();
    for (let i = 0; i < connections.length; i++) connections[i]._tick(time);
  }
}

function pick(positional: boolean | undefined, option: boolean | undefined): boolean {
  return positional !== undefined ? positional : option !== undefined ? option : true;
}
