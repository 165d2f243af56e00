// One client connection: reading its request, running the handler, answering, timing out.
//
// Functions over a plain object rather than methods: Espruino pins an object for good once 15 locks
// are held on it (its lock count saturates; see ../shared/PLATFORM.md), and each method frame locks
// `this` twice, while an object passed as an argument is not locked at all. So call chains here may
// be as deep as they need, and the connection is still freed.
import { RequestHead, checkIncompleteHead, findHeadEnd, parseHead } from "../core/parser";
import { parseTarget } from "../core/url";
import { HttpRequest } from "../core/request";
import { BodyStream, HttpResponse } from "../core/response";
import { prepareResponse } from "../core/serializer";
import { Socket } from "../core/types";
import type { HttpServer } from "./server";
import { fail, finish, lowMemory, write } from "./writer";
import { HANDLING, READING, READY, WRITING } from "./state";

/**
 * One client connection: a plain object (made in admission.ts), not a class, for the lock reason above
 * and because on a board every field, and every function, costs memory.
 */
export interface Connection {
  _server: HttpServer;
  _socket: Socket;
  _state: number;
  _admitted: boolean;
  /** The request received so far; then its body; then the response body still to send. */
  _data: string;
  /** How far the head has been scanned; then how much of the response body has been sent. */
  _at: number;
  _head: RequestHead | undefined;
  _stream: BodyStream | undefined;
  /** The response's Content-Length, or -1. */
  _length: number;
  /** When the request must be complete (headers and body), whatever pace the client keeps. */
  _expires: number;
  _deadline: number;
}

/** Takes a piece of the request; true once it is complete and may be handled now. */
export function receive(c: Connection, chunk: string): boolean {
  if (c._state !== READING) return false; // anything past the request is ignored
  const limits = c._server.limits;
  c._data += chunk; // in place: Espruino appends to a string it holds the only reference to
  let buffer = c._data;
  let head = c._head;
  if (!head) {
    // Empty lines before the request line are ignored (and would look like the end of the head).
    let blank = 0;
    while (buffer.charCodeAt(blank) === 13 || buffer.charCodeAt(blank) === 10) blank++;
    if (blank) buffer = c._data = buffer.substring(blank);
    const end = findHeadEnd(buffer, c._at);
    if (end < 0) {
      // Resume two bytes back: the blank line may straddle two pieces.
      c._at = buffer.length - 2;
      const status = checkIncompleteHead(buffer, limits);
      if (status) fail(c, status);
      return false;
    }
    const parsed = parseHead(buffer, limits, end);
    if (typeof parsed === "number") {
      fail(c, parsed);
      return false;
    }
    head = c._head = parsed;
    const length = head.contentLength;
    // A body is held about twice (as received, then as request.data): refuse one that cannot fit now.
    const freeMemory = c._server._platform.freeMemory;
    if (length > 0 && freeMemory && freeMemory(false) - length / 5 < limits.minFreeMemory &&
        freeMemory(true) - length / 5 < limits.minFreeMemory) {
      fail(c, 503);
      return false;
    }
    buffer = c._data = length > 0 ? buffer.substring(end) : "";
  }
  if (buffer.length < head.contentLength) {
    c._deadline = Math.min(Date.now() + limits.bodyTimeout, c._expires);
    return false;
  }
  if (head.contentLength > 0) c._data = buffer.substring(0, head.contentLength);
  c._state = READY;
  c._deadline = Infinity;
  return c._admitted;
}

/** Runs the handler on the complete request. */
export function handle(c: Connection): void {
  if (c._state !== READY) return; // the client went away while it waited its turn
  const server = c._server;
  // On a board, refuse now, while a 503 still fits, when the handler and the responses already streaming
  // would run the heap out: the interpreter would abort mid-request and cut downloads short.
  if (lowMemory(c, server.limits.chunkSize)) return fail(c, 503);
  const decode = server._platform.decode;
  const head = c._head as RequestHead;
  const target = parseTarget(head.target, decode);
  const request = new HttpRequest(head.method, target.path, target.query, head.protocol, head.headers, decode(c._data));
  c._data = "";
  c._head = undefined;
  const response = new HttpResponse();
  c._state = HANDLING;
  // Set for a handler that returns at once too: should the interpreter abort it (out of memory), the
  // connection is still answered (503) and its place given back.
  c._deadline = Date.now() + server.limits.handlerTimeout;
  server.stats.requests++;
  try {
    const result: any = server.args.length ? server.handler.apply(undefined, ([request, response] as any[]).concat(server.args) as any)
      : server.handler(request, response);
    if (result && typeof result.then === "function") {
      whenSettled(c, result, request, response);
    } else {
      respond(c, request, response);
    }
  } catch (error) {
    fail(c, 500, request, error);
  }
}

/**
 * Answers when the handler's Promise settles. Made here rather than in handle so that, while the
 * handler waits, its callbacks keep only these alive (on a board, a scope costs memory).
 */
function whenSettled(c: Connection, result: any, request: HttpRequest, response: HttpResponse): void {
  result.then(function () {
    respond(c, request, response);
  }, function (error: any) {
    fail(c, 500, request, error);
  });
}

/** Sends the response the handler filled in. */
export function respond(c: Connection, request: HttpRequest, response: HttpResponse): void {
  if (c._state !== HANDLING) return; // timed out, or the client went away
  let head;
  try {
    head = prepareResponse(response, request.method === "HEAD", c._server._platform.encode, c);
  } catch (error) {
    return fail(c, 500, request, error);
  }
  // The status is valid, or prepareResponse would have thrown.
  c._server._count(response.status === undefined ? 200 : Number(response.status));
  c._state = WRITING;
  c._at = 0;
  write(c, head);
}

/** Handles a connection that got its place after waiting, on a later tick (not from inside the one that left). */
export function handleLater(c: Connection): void {
  setTimeout(function () { handle(c); }, 0);
}

// Socket listeners shared by every connection (a closure per connection costs memory on a board).
// Each is called with the socket as `this`.
function onData(this: any, chunk: any): void {
  const c: Connection = this._connection;
  if (c && receive(c, typeof chunk === "string" ? chunk : String(chunk))) handle(c);
}
function onDrain(this: any): void {
  const c: Connection = this._connection;
  if (c && c._state === WRITING) write(c, "");
}
function onEndOrClose(this: any, hadError?: boolean): void {
  const c: Connection = this._connection;
  if (!c) return;
  // 'close' (with hadError) ends everything; 'end' (without) says the client has finished sending: if
  // its request is still incomplete, it never will be.
  if (hadError !== undefined) finish(c, undefined);
  else if (c._state === READING) finish(c, true);
}

/** Ties a new connection to its socket's events. */
export function attach(c: Connection): void {
  const socket: any = c._socket;
  socket._connection = c;
  socket.on("data", onData);
  socket.on("drain", onDrain);
  socket.on("end", onEndOrClose);
  socket.on("close", onEndOrClose);
}
