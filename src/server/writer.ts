// Writing a response: the head, then the body a piece at a time, each piece only once the socket has
// sent the last (on Espruino a socket's buffer has no bound but RAM), and ending the connection.
import { errorResponse } from "../core/serializer";
import type { Connection } from "./connection";
import type { HttpRequest } from "../core/request";
import { CLOSED, HANDLING, WRITING } from "./state";
import type { HttpServer } from "./server";

/** A socket's 'close': it need not be held any more. */
function forget(this: any): void {
  const ending: any[] = this._picohttp ? this._picohttp._ending : [];
  for (let i = 0; i < ending.length; i++) {
    if (ending[i] === this) {
      ending.splice(i, 1);
      break;
    }
  }
  this._picohttp = undefined;
}

/**
 * Answers with a bare status (an error the client or the server caused) and closes. With `request`, the
 * handler failed (threw, rejected, or filled in a response that cannot be sent): `error` is reported,
 * unless the connection is past its handler already (timed out, or the client went away).
 */
export function fail(c: Connection, status: number, request?: HttpRequest, error?: any): void {
  const server = c._server;
  if (request) {
    if (c._state !== HANDLING) return;
    server._report(error, request);
  }
  if (status === 408 || (status === 503 && c._state === HANDLING)) server.stats.timedOut++;
  server._count(status);
  c._state = WRITING;
  const stream = c._stream;
  c._stream = undefined;
  if (stream && stream.close) stream.close();
  c._data = "";
  c._at = 0;
  c._length = -1;
  write(c, errorResponse(status));
}

/**
 * Writes `head` (when given) and then the body. A stream's pieces are read here, never more than its
 * length; the first is read before the head goes out, so a stream that fails at once still gets a 500.
 */
export function write(c: Connection, head: string): void {
  const socket = c._socket;
  const size = c._server.limits.chunkSize;
  let piece = head;
  try {
    for (;;) {
      const stream = c._stream;
      if (c._at < c._data.length) {
        piece += c._data.substr(c._at, size);
        c._at += size;
      } else if (stream) {
        let read: any = stream.read(c._at, size);
        if (read && typeof read !== "string") {
          if (read instanceof ArrayBuffer) read = new Uint8Array(read);
          if (!(read instanceof Uint8Array)) throw new Error("picohttp: a stream piece must be a string or bytes, not " + typeof read);
          read = c._server._platform.encode(read);
        }
        const left = c._length - c._at;
        if (read && c._length >= 0 && read.length > left) read = read.substring(0, left);
        if (read) {
          c._at += read.length;
          // Not `piece + read` when there is no head before it: on a board `read` points into flash,
          // and concatenating would copy every piece into RAM.
          piece = piece ? piece + read : read;
        }
        if (!read || c._at === c._length) {
          if (c._at < c._length) c._server._report(new Error("picohttp: a stream ended " + (c._length - c._at) + " bytes short of its length"));
          c._stream = undefined;
          if (stream.close) stream.close();
        }
      }
      c._deadline = Date.now() + c._server.limits.writeTimeout;
      if (c._at >= c._data.length && !c._stream) {
        if (piece) socket.write(piece, "binary");
        return finish(c, false);
      }
      head = "";
      if (piece && !socket.write(piece, "binary")) return; // continued on 'drain'
      piece = "";
    }
  } catch (error) {
    c._server._report(error);
    // A stream that failed before anything was sent gets a 500; otherwise nothing more can be sent.
    if (head && c._stream) fail(c, 500);
    else finish(c, true);
  }
}

/**
 * Whether a board has too little memory free, even after a collection, for one more request beside the
 * responses streaming now: half the minFreeMemory floor, and a quarter of a piece's bytes in variables for
 * each stream (about two pieces in flight each; a variable holds some ten bytes of a string).
 */
export function lowMemory(c: Connection, size: number): boolean {
  const freeMemory = c._server._platform.freeMemory;
  if (!freeMemory) return false;
  const connections = c._server._connections;
  let streams = 0;
  for (let i = 0; i < connections.length; i++) if (connections[i]._stream && connections[i] !== c) streams++;
  const needed = c._server.limits.minFreeMemory / 2 + streams * size / 4;
  return freeMemory(false) < needed && freeMemory(true) < needed;
}

/**
 * The connection is over: the socket is ended (`drop`: at once, unsent data dropped) unless it has
 * closed already (`drop` undefined), and the connection's place goes to the next. The place is not
 * held until the platform reports 'close': for some sockets it never does.
 */
export function finish(c: Connection, drop: boolean | undefined): void {
  if (c._state === CLOSED) return;
  c._state = CLOSED;
  const stream = c._stream;
  c._stream = undefined;
  if (stream && stream.close) stream.close();
  c._data = "";
  c._head = undefined;
  const socket: any = c._socket;
  socket._connection = undefined;
  if (drop !== undefined) endSocket(c._server, socket, drop, c._server.limits.writeTimeout);
  c._server._release(c);
}

/**
 * Ends a socket we are done with; `drop`: at once. It is held in `server._ending` until its 'close' (see
 * there), or for half a second at most (a sweep or two): long enough for its last piece to leave, not
 * so long that sockets whose close never comes hold a small heap. On Node, whose sockets stay half-open until the client closes its
 * side, the socket is read to its end (so that the close is seen) and destroyed if the client has not
 * closed within `timeout`.
 */
export function endSocket(server: HttpServer, socket: any, drop: boolean, timeout: number): void {
  try {
    if (drop && socket.destroy) return socket.destroy();
    socket.end();
  } catch (closed) {
    return; // closed already
  }
  // Long enough for the last piece to leave; a socket whose 'close' never comes is let go after it.
  socket._endBy = Date.now() + 500;
  socket.on("close", forget);
  server._ending.push(socket);
  socket._picohttp = server; // not _server: Node's sockets have their own
  if (!socket.destroy) return;
  socket.resume();
  const timer = setTimeout(function () { socket.destroy(); }, timeout);
  if (timer.unref) timer.unref();
  socket.on("close", function () { clearTimeout(timer); });
}
