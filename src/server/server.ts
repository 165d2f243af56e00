// HttpServer: its options, listening, and the counters an app can read. The platform (its `net`, text
// codec, default handler and defaults) is set on HttpServer.prototype._platform by the entry point
// (src/espruino.ts, src/node.ts), never imported here.
import { HttpRequest } from "../core/request";
import { HttpResponse } from "../core/response";
import { BodySink, NetModule, NetServer, Socket } from "../core/types";
import type { Wire } from "../core/serializer";
import type { Connection } from "./connection";
import { accept } from "./admission";
import { Tuning, tuning } from "./options";
import { deadline } from "./deadlines";

/** `handler(request, response, ...args)`; it may return a Promise, and the response is sent when it settles. */
export interface Handler {
  (request: HttpRequest, response: HttpResponse, ...args: any[]): unknown;
  /**
   * Optional: asked once a request's head is in, before its body is read, with the body's declared length
   * (-1 when there is none). Return a BodySink to take the body piece by piece as it arrives (it is then
   * never held whole, and `maxBody` does not apply: request.data stays ""), a status code to refuse the
   * request with, or undefined to have the body held in request.data as usual (up to `maxBody`).
   */
  receive?(request: HttpRequest, length: number): BodySink | number | undefined;
}

/** Everything after `port` and `handler`, as an alternative to the positional parameters. */
export interface ServerOptions extends Partial<Tuning> {
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
  /** The `net` module to use (the platform's by default; a fake one in tests). */
  net?: NetModule;
  /** Told about handler errors, failures to listen and ignored options. */
  onError?: (error: any, request?: HttpRequest) => void;
}

/** @internal What an entry point provides for the platform it runs on. */
export interface Platform extends Wire {
  net: NetModule | undefined;
  /** The handler of a server made without one: staticResource. */
  handler: Handler;
  /** Bytes (a byte string) to the platform's text; absent where a string already is its bytes. */
  decode?: (bytes: string) => string;
  /**
   * The heap's state, `free` in variables, after a garbage collection when `collect`: Espruino's own
   * process.memory (a JavaScript wrapper would cost a call on every request); absent where it is not known.
   */
  memory?: (collect: boolean) => { free: number; total: number };
  /** Limits and timeouts that suit the platform. */
  defaults: Tuning;
  /**
   * Set where a client's half-close comes as 'end' with the socket still open (Node, with allowHalfOpen).
   * Espruino closes the socket at once, so its 'close' says it all and 'end' is not listened to.
   */
  halfClose?: boolean;
}

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

/** @internal The default onError: the error on the console. */
export function printError(error: any): void {
  console.log("picohttp:", error && error.stack ? error.stack : String(error));
}

/** An HTTP/1.0 server: one request per connection, answered and closed. */
export class HttpServer {
  port: number;
  handler: Handler;
  args: any[];
  threads: boolean;
  block: boolean;
  host: string | undefined;
  /** The limits and timeouts in force: the platform's defaults with the options laid over them. Fixed once the server is made. */
  readonly limits: Readonly<Tuning>;
  stats: ServerStats = {
    connections: 0, open: 0, peakConnections: 0, requests: 0, responses: [0, 0, 0, 0, 0, 0],
    rejected: 0, timedOut: 0, lowestFree: -1,
  };
  onError: (error: any, request?: HttpRequest) => void;
  net: NetModule | undefined;
  /** @internal The platform: set once on the prototype by the entry point (src/espruino.ts, src/node.ts). */
  _platform!: Platform;
  /** @internal */
  _listener: NetServer | undefined;
  /** @internal Connections held: the first `maxConnections` are handled, the rest wait. */
  _connections: Connection[] = [];
  /**
   * @internal Sockets ended but not yet reported closed: held until 'close' (or for a bounded time)
   * because Espruino frees a socket nothing in JavaScript refers to, unsent data and all, at its next
   * garbage collection.
   */
  _ending: any[] = [];
  /** @internal The deadline timer, while there are connections or ending sockets (absent until then: a field costs a variable). */
  _sweep: any;
  /**
   * @internal At handle()'s last free-memory reading (Espruino), the variables free beyond half the heap and
   * minFreeMemory; kept until the next sweep (see accept).
   */
  _spare?: number;
  /** @internal When the deadline timer last ran (see deadlines.ts). */
  _sweptAt!: number;
  /**
   * @internal The deadlines every request sets, as counts of sweeps (see deadlines.ts), worked out once: a
   * call fewer for each (4.5% of a request's JavaScript on a board, for five variables per server). 0 for
   * a timeout that is not a whole number of sweeps: deadline() works that out at each use.
   */
  _headerSweeps: number;
  /** @internal */
  _requestSweeps: number;
  /** @internal */
  _handlerSweeps: number;

  /**
   * `port` (80), `handler(request, response, ...args)` (staticResource), `args` passed to the handler after
   * request and response ([]), `threads`: connections handled concurrently (true) or one at a time in order,
   * `start`: listen at once (true) or on start(), `block`: the listening server keeps a Node process alive
   * (true) or not.
   */
  constructor(port?: number, handler?: Handler, args?: any[], threads?: boolean, start?: boolean, block?: boolean);
  /** `options` holds everything after `handler` (args, threads, start, block) and the limits and timeouts. */
  constructor(port: number | undefined, handler: Handler | undefined, options: ServerOptions);
  constructor(port?: number, handler?: Handler, args?: any[] | ServerOptions, threads?: boolean, start?: boolean,
              block?: boolean) {
    // Compiled to ES5 for a board, a call without `new` would write these fields onto the global object.
    if (!(this instanceof HttpServer)) throw new Error("picohttp: HttpServer is a class: use new HttpServer(...)");
    let options: ServerOptions = {};
    if (args && !(args instanceof Array)) {
      options = args;
      args = options.args;
    }
    this.onError = options.onError || printError;
    const limits = this.limits = tuning(this._platform.defaults, options, this.onError);
    // Before the first sweep, deadline() gives only whole numbers of sweeps (and 0 for the others).
    this._headerSweeps = deadline(this, limits.headerTimeout);
    this._requestSweeps = deadline(this, limits.requestTimeout);
    this._handlerSweeps = deadline(this, limits.handlerTimeout);
    this.port = port === undefined ? 80 : port;
    this.handler = handler || this._platform.handler;
    this.args = (args as any[]) || [];
    this.threads = threads !== undefined ? threads : options.threads !== false;
    this.block = block !== undefined ? block : options.block !== false;
    if (options.host) this.host = options.host;
    this.net = options.net || this._platform.net;
    if (start !== undefined ? start : options.start !== false) this.start();
  }

  /** Starts listening, if not already. Always returns, whatever `block` says. */
  start(): this {
    if (this._listener) return this;
    if (!this.net) throw new Error("picohttp: no net module: pass one as options.net");
    this._listener = listen(this);
    return this;
  }

  /** Stops accepting connections; requests already received are still answered. */
  close(): void {
    const listener = this._listener;
    this._listener = undefined;
    if (listener) listener.close();
  }
}

/**
 * Listens on the server's port: one callback for new connections and for a failure to listen (thrown
 * at once on Espruino, reported later by Node's adapter). Returns the listener, or undefined.
 */
function listen(server: HttpServer): NetServer | undefined {
  const callback = function (socket?: Socket, error?: any) {
    if (socket) return /*#__NOINLINE__*/ accept(server, socket);
    server._listener = undefined;
    report(server, new Error("picohttp: cannot listen on port " + server.port + ": " + (error && (error.code || error.message) || error)));
  };
  const listener = (server.net as NetModule).createServer(callback);
  try {
    if (server.host) listener.listen(server.port, server.host);
    else listener.listen(server.port);
  } catch (error) {
    callback(undefined, error);
    return undefined;
  }
  if (!server.block && listener.unref) listener.unref();
  return listener;
}

/** @internal Tells the server's onError; a failing error hook must not take the server down. */
export function report(server: HttpServer, error: any, request?: HttpRequest): void {
  try {
    server.onError(error, request);
  } catch (ignored) {
    // see above
  }
}
