// One client connection: reading its request, running the handler on it, and its socket's events.
//
// Functions over a plain object rather than methods: Espruino pins an object for good once 15 locks
// are held on it (its lock count saturates; see ../shared/PLATFORM.md), and each method frame locks
// `this` twice, while an object passed as an argument is not locked at all. So call chains here may
// be as deep as they need, and the connection is still freed.
import { parseRequest } from "../core/parser";
import { parseTarget } from "../core/url";
import { HttpRequest } from "../core/request";
import { BodyStream, HttpResponse } from "../core/response";
import { BodySink, Socket } from "../core/types";
import type { HttpServer } from "./server";
import { report } from "./server";
import { fail, finish, handlerFailed, respond, write } from "./writer";
import { HANDLING, READING, READY, WRITING } from "./state";
import { admit } from "./admission";
import { deadline } from "./deadlines";

/**
 * One client connection: a plain object (made in admission.ts), not a class, for the lock reason above
 * and because on a board every field, and every function, costs memory (so fields with nothing in them
 * yet are left out).
 */
export interface Connection {
  // _data, _at, _length and _expires are absent while an asynchronous handler runs (see whenSettled).
  _server: HttpServer;
  _socket: Socket;
  _state: number;
  /** The request received so far; then its body (what of it is not yet given to a sink); then the response body still to send. */
  _data: string;
  /** The request's length at the last parse; then how much of its body a sink has had; then how much of the response body has been sent. */
  _at: number;
  /** The request, made once its head is in (its body is added before the handler runs). */
  _request?: HttpRequest;
  _response?: HttpResponse;
  _stream?: BodyStream;
  /** The request body's Content-Length while it is read, then the response's; or -1. */
  _length: number;
  /** Where the request body goes while it arrives, when the handler's receive gave one. */
  _sink?: BodySink;
  /** Set once its response's stream has waited for data: it no longer keeps a place (see admission.ts). */
  _streaming?: boolean;
  /** When the request must be complete (headers and body), whatever pace the client keeps: sweeps to come (see deadlines.ts). */
  _expires: number;
  /** When the connection's present wait is over: sweeps to come, or 0 for none (waiting its turn). */
  _deadline: number;
}

/**
 * Every event of a connection's socket, in one listener shared by all of them (on a board each function,
 * and each closure, costs memory): 'data' (a string), 'close' (a boolean: hadError), and 'drain' or
 * Node's 'end' (anything else; see Platform.halfClose), told apart by the state. Called with the socket as `this`.
 */
export function onSocketEvent(this: any, chunk?: any): void {
  const c: Connection = this._connection;
  if (typeof chunk === "string") {
    // The most frequent event, tested first. Not inlined: Espruino lexes the whole text of a function at
    // each call (even past a return), and every event of every socket comes through here.
    if (c && c._state === READING) /*#__NOINLINE__*/ receive(c, chunk);
  } else if (typeof chunk === "boolean") {
    // Closed: the connection is over, and an ended socket need not be held any more (see finish).
    if (c) finish(c, undefined);
    const ending = this._endedBy ? this._endedBy._ending : [];
    for (let i = 0; i < ending.length; i++) {
      if (ending[i] === this) {
        ending.splice(i, 1);
        break;
      }
    }
    this._endedBy = undefined;
  } else if (!c) {
    // over already: anything more is ignored
  } else if (c._state === WRITING) {
    // 'drain' (Espruino passes the socket, Node nothing) while writing; or Node's 'end', which for a
    // stream that waits for data (server-sent events) means its listener has gone: it is freed at once.
    if (c._streaming && this.clientEnded) finish(c, true);
    else write(c, "");
  } else if (c._state === READING) {
    // Node's 'end' while reading: the client has finished sending, and a request still incomplete never will be.
    finish(c, true);
  }
}

/**
 * A piece of the request: parsed once the head is complete, then its body held until complete, or given
 * piece by piece to the sink the handler's `receive` returned; handled once the body is in.
 */
function receive(c: Connection, chunk: string): void {
  const server = c._server;
  const limits = server.limits;
  c._data += chunk; // in place: Espruino appends to a string it holds the only reference to
  if (!c._request) {
    // While the head is parsed and the request made (and its receive runs), the connection counts as
    // handled, two sweeps from its deadline: should the interpreter abort the work (out of memory on a
    // board), the client gets a 503 within a second, not a 408 after headerTimeout.
    const waiting = c._deadline;
    c._state = HANDLING;
    c._deadline = 2;
    // Not inlined, nor accept: from RAM an inlined function is made, its text copied, at every call (see rollup.config.mjs).
    const parsed = /*#__NOINLINE__*/ parseRequest(c._data, limits, c._at);
    c._state = READING;
    c._at = c._data.length;
    if (!parsed) {
      c._deadline = waiting;
      return;
    }
    if (typeof parsed === "number") return fail(c, parsed);
    // A long target becomes many strings (a field or a segment each: up to a variable a byte). Refused
    // while that would run the heap out: on Espruino, running out while making a string can stop the
    // interpreter itself (an assertion on the Linux build), not just this callback.
    const memory = server._platform.memory;
    if (memory && parsed.target.length > 64) {
      const needed = limits.minFreeMemory / 2 + parsed.target.length;
      if (memory(false).free < needed && memory(true).free < needed) return fail(c, 503);
    }
    const length = c._length = parsed.contentLength;
    c._data = length > 0 ? c._data.substring(parsed.size) : "";
    c._at = 0;
    c._state = HANDLING;
    // The request the handler will get, made now for its receive to see; the body is added once in.
    const target = parseTarget(parsed.target, server._platform.decode);
    const request = c._request = new HttpRequest(parsed.method, target.path, target.query, parsed.protocol, parsed.headers, "");
    const receiver = server.handler.receive;
    let sink: any;
    if (receiver) {
      try {
        sink = receiver(request, length);
      } catch (error) {
        report(server, error, request);
        sink = 500;
      }
    }
    // Reading again; each way on from here sets the deadline.
    c._state = READING;
    if (typeof sink === "number") return fail(c, sink);
    if (sink) c._sink = sink;
    if (!c._sink) {
      if (length > limits.maxBody) return fail(c, 413);
      // A body is held about twice (as received, then as request.data), some ten bytes a variable: refuse
      // one that would leave less than the handler will ask for (half of minFreeMemory, see handle()).
      if (length > 0 && memory) {
        const floor = limits.minFreeMemory / 2 + length / 5;
        if (memory(false).free < floor && memory(true).free < floor) return fail(c, 503);
      }
    }
  }
  const sink = c._sink;
  const length = c._length;
  if (sink) {
    // Each piece goes on at once: the body is never held (c._at counts what the sink has had).
    let piece = c._data;
    c._data = "";
    if (piece.length > length - c._at) piece = piece.substring(0, length - c._at);
    let refused: number | void = undefined;
    try {
      if (piece) {
        c._at += piece.length;
        refused = sink.write(piece);
      }
      if (!refused && c._at >= length) {
        refused = sink.end();
        if (!refused) c._sink = undefined;
      }
    } catch (error) {
      report(server, error, c._request as HttpRequest);
      refused = 500;
    }
    if (refused) return fail(c, refused);
  } else if (c._data.length > length) {
    c._data = length > 0 ? c._data.substring(0, length) : "";
  }
  // A sink still taking the body, or a held body not all in: the client has bodyTimeout for the next piece.
  if (sink ? c._sink : c._data.length < length) {
    c._deadline = Math.min(deadline(server, limits.bodyTimeout), c._expires);
    return;
  }
  c._state = READY;
  c._deadline = 0;
  // Handled now if it has a place (see admission.ts); else when one ahead of it leaves.
  admit(server, c);
}

/** Runs the handler on the complete request. */
export function handle(c: Connection): void {
  if (c._state !== READY) return; // the client went away while it waited its turn
  const server = c._server;
  const limits = server.limits;
  const platform = server._platform;
  const memory = platform.memory;
  if (memory) {
    // On a board, refuse now, while a 503 still fits, when the handler and the responses already
    // streaming would run the heap out: the interpreter would abort mid-request and cut downloads short.
    // Half the minFreeMemory floor, and a quarter of a piece's bytes in variables for each stream (about
    // two pieces in flight each; a variable holds some ten bytes of a string).
    // The streams are counted only when free memory is below what every connection streaming would need.
    const connections = server._connections;
    let needed = limits.minFreeMemory / 2;
    let reading: { free: number; total: number } | undefined = memory(false);
    const free = reading.free;
    server._spare = free - (reading.total >> 1) - limits.minFreeMemory;
    // process.memory's answer holds 21 variables: let go of it before the handler runs.
    reading = undefined;
    const stats = server.stats;
    if (free < stats.lowestFree) stats.lowestFree = free;
    if (free < needed + connections.length * limits.chunkSize / 4) {
      for (let i = 0; i < connections.length; i++) if (connections[i]._stream) needed += limits.chunkSize / 4;
      if (free < needed && memory(true).free < needed) return fail(c, 503);
    }
  }
  const decode = platform.decode;
  const request = c._request as HttpRequest;
  if (c._data) request.data = decode ? decode(c._data) : c._data;
  const response = c._response = new HttpResponse();
  c._state = HANDLING;
  // Two sweeps (half a second to a second), for a handler that returns at once too: should the
  // interpreter abort it (out of memory), the connection is still answered (503) and its place given
  // back, soon. A handler that returns a Promise gets its handlerTimeout (see whenSettled).
  c._deadline = 2;
  server.stats.requests++;
  try {
    const result: any = server.args.length ? server.handler.apply(undefined, ([request, response] as any[]).concat(server.args) as any)
      : server.handler(request, response);
    if (result && typeof result.then === "function") whenSettled(c, result);
    else respond(c);
  } catch (error) {
    handlerFailed(c, error);
  }
}

/**
 * Answers when the handler's Promise settles. Bound functions rather than closures: on a board a bound
 * function costs 4 variables, a closure 11 (measured), for as long as the handler takes.
 */
function whenSettled(c: Connection, result: any): void {
  // What reading needed is let go while the handler runs (respond and fail set what writing needs): on a
  // board each field held costs a variable, for as long as the handler takes. (Not for a handler that
  // answered at once: each delete costs time, and the fields go with the connection.)
  const reading: Partial<Connection> = c;
  delete reading._data;
  delete reading._at;
  delete reading._length;
  delete reading._expires;
  const server = c._server;
  c._deadline = server._handlerSweeps || deadline(server, server.limits.handlerTimeout);
  result.then(respond.bind(undefined, c), handlerFailed.bind(undefined, c));
}
