// Accepting connections and giving out places: a bounded number handled at once, a bounded queue behind
// them, and a prompt 503 past that or when memory is low. (A connection gives its place back in finish,
// writer.ts.)
import { Socket } from "../core/types";
import { Connection, handle, onSocketEvent } from "./connection";
import type { HttpServer } from "./server";
import { fail } from "./writer";
import { deadline, startSweep } from "./deadlines";
import { READING, READY } from "./state";

/** A new client: admitted, queued, or turned away with 503. */
export function accept(server: HttpServer, socket: Socket): void {
  const stats = server.stats;
  const connections = server._connections;
  const limits = server.limits;
  const memory = server._platform.memory;
  let free = -1;
  // Each reading walks the whole heap (16 us at 4,096 variables, 53 at an ESP32's 16,384). With nothing
  // else in flight, handle()'s last reading stands for this one until the next sweep (half a second at
  // most) while it left more than half the heap free besides minFreeMemory: a handler would have to hold
  // that much at once to bring this connection's parse near an empty heap, where making a string can stop
  // the interpreter. It is weighed again before its handler runs. With others open (a flood, say), or on a
  // heap mostly in use (an ESP8266's), each connection gets a reading of its own.
  if (memory && (connections.length || !((server._spare as number) >= 0))) {
    // Without a collection the figure counts garbage as used: cheap, and a collection is asked for
    // only when that figure would turn work away.
    free = memory(false).free;
    if (free < limits.minFreeMemory) free = memory(true).free;
    if (stats.lowestFree < 0 || free < stats.lowestFree) stats.lowestFree = free;
  }
  // One timer for all connections (and ending sockets), only while there are any.
  if (server._sweep === undefined) server._sweep = startSweep(server);
  const c: Connection = {
    _server: server, _socket: socket, _state: READING, _data: "", _at: 0, _length: -1,
    _expires: server._requestSweeps || deadline(server, limits.requestTimeout),
    _deadline: server._headerSweeps || deadline(server, limits.headerTimeout),
  };
  if (c._deadline > c._expires) c._deadline = c._expires;
  (socket as any)._connection = c;
  const slots = server.threads ? limits.maxConnections : 1;
  if (connections.length >= slots + limits.maxQueue || (free >= 0 && free < limits.minFreeMemory)) {
    // Its 503 is all it gets: only its close (and, while that is sent, its drain) is listened to.
    socket.on("close", onSocketEvent);
    stats.rejected++;
    return fail(c, 503);
  }
  // 'drain' is listened to once there is a response to write (see writer.ts): on a board each listener
  // held costs three variables, for as long as the handler takes. (Assigned as "#ondata" it would cost one,
  // but only on("data") hands over what came in before it was set: see the README's Figures.)
  socket.on("data", onSocketEvent);
  if (server._platform.halfClose) socket.on("end", onSocketEvent);
  socket.on("close", onSocketEvent);
  connections.push(c);
  stats.connections++;
  stats.open = connections.length;
  if (connections.length > stats.peakConnections) stats.peakConnections = connections.length;
}

/**
 * Starts each waiting request that has a place: the first `maxConnections` in the list (1 without
 * threads) that are past reading are handled, the rest wait their turn. A response that waits for what
 * it streams (server-sent events) keeps no place: it may stay open for hours. With `now` (a request just complete), only that one
 * is looked at, and started at once; otherwise each is started on a later tick, not from inside the
 * connection that made room. One function for both: on a board each function costs memory at rest.
 */
export function admit(server: HttpServer, now?: Connection): void {
  const connections = server._connections;
  const slots = server.threads ? server.limits.maxConnections : 1;
  // No more connections than places: each has one.
  if (now && connections.length <= slots) return handle(now);
  // Fewer than places (after a release, or a stream giving its place up): each already has one, and
  // nobody can be waiting. (Spares a walk of the list at every request's end.)
  if (!now && connections.length < slots) return;
  let ahead = 0;
  for (let i = 0; i < connections.length && ahead < slots; i++) {
    const c = connections[i];
    // A place is for handling and answering. With threads, a connection still being read holds none: a
    // client that sends nothing (a browser's preconnect, a socket whose close Espruino never reports)
    // would otherwise keep the requests behind it waiting for its headerTimeout. Without threads the
    // server goes connection by connection, in the order they came.
    if (c._streaming || (server.threads && c._state === READING)) continue;
    ahead++;
    if (now) {
      if (c === now) return handle(c);
    } else if (c._state === READY) {
      setTimeout(handle, 0, c);
    }
  }
}
