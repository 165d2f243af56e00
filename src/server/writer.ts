// Writing a response: the head, then the body a piece at a time, each piece only once the socket has
// sent the last (on Espruino a socket's buffer has no bound but RAM), and ending the connection.
import { errorResponse, prepareResponse } from "../core/serializer";
import type { Connection } from "./connection";
import { CLOSED, HANDLING, WRITING } from "./state";
import { report } from "./server";
import type { HttpRequest } from "../core/request";
import { admit } from "./admission";
import { onSocketEvent } from "./connection";
import { deadline } from "./deadlines";

/** Sends the response the handler filled in. */
export function respond(c: Connection): void {
  if (c._state !== HANDLING) return; // timed out, or the client went away
  const response = c._response as any;
  let head;
  try {
    // Not inlined: from RAM a function inlined by terser is made, its text copied, at every call (see rollup.config.mjs).
    head = /*#__NOINLINE__*/ prepareResponse(c, c._server._platform);
  } catch (error) {
    return handlerFailed(c, error);
  }
  // The status is valid, or prepareResponse would have thrown.
  // `| 0`, not Math.floor: no call, and a whole number (a board holds it in the variable itself).
  const group = response.status === undefined ? 2 : (response.status / 100) | 0;
  c._server.stats.responses[group <= 5 ? group : 0]++;
  c._request = c._response = undefined;
  c._state = WRITING;
  if (!c._stream && c._data.length <= c._server.limits.chunkSize) {
    // The usual answer, in one piece: written at once, with no 'drain' to wait for (nor write's loop to run).
    try {
      c._socket.write(head + c._data, "binary");
    } catch (error) {
      report(c._server, error);
      return finish(c, true);
    }
    return finish(c, false);
  }
  c._socket.on("drain", onSocketEvent);
  c._at = 0;
  write(c, head);
}

/**
 * The handler failed (threw, rejected, or filled in a response that cannot be sent): `error` is reported
 * and the client gets a 500, unless the connection is past its handler already (timed out, or the client
 * went away). (Not `fail` with an optional error: on Espruino `arguments.length` counts the declared
 * parameters, so a missing argument cannot be told from an undefined one.)
 */
export function handlerFailed(c: Connection, error: any): void {
  if (c._state !== HANDLING) return;
  report(c._server, error, c._request as HttpRequest);
  fail(c, 500);
}

/** Answers with a bare status (an error the client or the server caused) and closes. */
export function fail(c: Connection, status: number): void {
  const server = c._server;
  if (status === 408 || (status === 503 && c._state === HANDLING)) server.stats.timedOut++;
  server.stats.responses[(status / 100) | 0]++;
  if (c._state !== WRITING) c._socket.on("drain", onSocketEvent);
  c._state = WRITING;
  const stream = c._stream;
  c._stream = c._request = c._response = undefined;
  if (stream && stream.close) stream.close();
  c._data = "";
  c._at = 0;
  c._length = -1;
  write(c, errorResponse(status, server._platform.phrases));
}

/**
 * Writes `head` (when given) and then the body. A stream's pieces are read here, never more than its
 * length; the first is read before the head goes out, so a stream that fails at once still gets a 500.
 */
export function write(c: Connection, head: string): void {
  const socket = c._socket;
  const server = c._server;
  const size = server.limits.chunkSize;
  const memory = server._platform.memory;
  let piece = head;
  try {
    for (;;) {
      const stream = c._stream;
      // On a board, a piece appended to a socket as the heap runs out is cut short and the interpreter
      // aborts the write, with nothing to catch: the download would stall, short. So the next piece waits
      // for room (writeTimeout still bounds the wait): for the piece and its copy in the socket's buffer
      // (some ten bytes a variable), and for the 21 variables process.memory's answer itself takes.
      if (memory && (stream || c._at < c._data.length)) {
        const room = size / 5 + 24;
        if (memory(false).free < room && memory(true).free < room) {
          setTimeout(writeLater, 50, c, piece);
          return;
        }
      }
      if (c._at < c._data.length) {
        piece += c._data.substr(c._at, size);
        c._at += size;
      } else if (stream) {
        let read: any = stream.read(c._at, size);
        if (read === null) {
          // Nothing yet: send what there is, and read again on resume() (or 'drain'). A resume() while a
          // piece is still going out only reads ahead by a piece; one after the end finds nothing to do.
          if (!stream.resume) {
            stream.resume = write.bind(undefined, c, "");
            // Open for as long as the client listens: its place goes to the next request.
            c._streaming = true;
            admit(server);
          }
          c._deadline = deadline(server, server.limits.writeTimeout);
          if (piece) socket.write(piece, "binary");
          return;
        }
        if (read && typeof read !== "string") {
          if (read instanceof ArrayBuffer) read = new Uint8Array(read);
          if (!(read instanceof Uint8Array)) throw new Error("picohttp: a stream piece must be a string or bytes, not " + typeof read);
          read = server._platform.encode(read);
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
          if (c._at < c._length) report(server, new Error("picohttp: a stream ended " + (c._length - c._at) + " bytes short of its length"));
          c._stream = undefined;
          if (stream.close) stream.close();
        }
      }
      if (c._at >= c._data.length && !c._stream) {
        if (piece) socket.write(piece, "binary");
        return finish(c, false);
      }
      c._deadline = deadline(server, server.limits.writeTimeout);
      head = "";
      if (piece && !socket.write(piece, "binary")) return; // continued on 'drain'
      piece = "";
    }
  } catch (error) {
    report(server, error);
    // A stream that failed before anything was sent gets a 500; otherwise nothing more can be sent.
    if (head && c._stream) fail(c, 500);
    else finish(c, true);
  }
}

/** write(), retried once there may be room (see there), unless the connection is over by then. */
function writeLater(c: Connection, head: string): void {
  if (c._state === WRITING) write(c, head);
}

/**
 * The connection is over: the socket is ended (`drop`: at once, unsent data dropped) unless it has
 * closed already (`drop` undefined), and the connection's place goes to the next. The place is not held
 * until the platform reports 'close': for some sockets it never does. An ended socket is held in
 * `server._ending` until its 'close' (see there), or for two sweeps at most (half a second to a second): long
 * enough for its last piece to leave, not so long that sockets whose close never comes hold a small heap.
 */
export function finish(c: Connection, drop: boolean | undefined): void {
  if (c._state === CLOSED) return;
  c._state = CLOSED;
  const stream = c._stream;
  const sink = c._sink;
  // Only what is there is let go: setting an absent field makes it (time, and a variable on a board).
  if (stream || sink) c._stream = c._sink = undefined;
  if (c._request) c._request = c._response = undefined;
  if (stream && stream.close) stream.close();
  c._data = "";
  const socket: any = c._socket;
  const server = c._server;
  // A body still arriving will never be complete (the answer, if any, is on its way: say a 408).
  if (sink) {
    try {
      sink.abort();
    } catch (error) {
      report(server, error);
    }
  }
  // The socket no longer keeps the connection alive: on Espruino some sockets are never reported closed.
  socket._connection = undefined;
  if (drop !== undefined) {
    try {
      if (drop && socket.destroy) socket.destroy();
      else socket.end();
      socket._endBy = 2; // sweeps (see deadlines.ts)
      socket._endedBy = server; // for its 'close' to find the list (not _server: Node's sockets have their own)
      server._ending.push(socket);
    } catch (closed) {
      // closed already
    }
  }
  // Its place goes to the next (see admission.ts). Written here, not as a function of its own: called from
  // one place, terser would make that function an expression at each call, its text copied in RAM.
  // A loop, not indexOf: the bundle check allows indexOf only where it can tell it searches a string.
  const connections = server._connections;
  for (let i = 0; i < connections.length; i++) {
    if (connections[i] === c) {
      connections.splice(i, 1);
      if (connections.length) admit(server);
      break;
    }
  }
  server.stats.open = connections.length;
}
