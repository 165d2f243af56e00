// Accepting and releasing connections: a bounded number handled at once, a bounded queue behind them,
// and a prompt 503 past that or when memory is low.
import { errorResponse } from "../core/serializer";
import { Socket } from "../core/types";
import { Connection, attach, handleLater } from "./connection";
import type { HttpServer } from "./server";
import { endSocket } from "./writer";
import { startSweep } from "./deadlines";
import { READING, READY } from "./state";

/** A new client: admitted, queued, or turned away. */
export function accept(server: HttpServer, socket: Socket): void {
  const stats = server.stats;
  const connections = server._connections;
  const limits = server.limits;
  const freeMemory = server._platform.freeMemory;
  let free = -1;
  if (freeMemory) {
    // Without a collection the figure counts garbage as used: cheap, and a collection is asked for
    // only when that figure would turn work away.
    free = freeMemory(false);
    if (free < limits.minFreeMemory) free = freeMemory(true);
    if (stats.lowestFree < 0 || free < stats.lowestFree) stats.lowestFree = free;
  }
  const slots = server.threads ? limits.maxConnections : 1;
  if (connections.length >= slots + limits.maxQueue || (free >= 0 && free < limits.minFreeMemory)) {
    return reject(server, socket);
  }
  const now = Date.now();
  const expires = now + limits.requestTimeout;
  const c: Connection = {
    _server: server, _socket: socket, _state: READING, _admitted: false, _data: "", _at: 0, _head: undefined,
    _stream: undefined, _length: -1, _expires: expires, _deadline: Math.min(now + limits.headerTimeout, expires),
  };
  attach(c);
  c._admitted = connections.push(c) <= slots;
  stats.connections++;
  stats.open = connections.length;
  if (connections.length > stats.peakConnections) stats.peakConnections = connections.length;
  // One timer for all connections, only while there are any.
  if (server._sweep === undefined) server._sweep = startSweep(server);
}

/** Turns a connection away with 503 (the queue is full or memory is low). */
function reject(server: HttpServer, socket: Socket): void {
  server.stats.rejected++;
  server._count(503);
  try {
    socket.write(errorResponse(503), "binary");
  } catch (closed) {
    return;
  }
  // Its answer is short: a client that keeps its end open after it gets no longer than this.
  endSocket(server, socket, false, 1000);
  if (server._sweep === undefined) server._sweep = startSweep(server);
}

/** A connection is over: forget it, and let the next waiting one take its place. */
export function release(server: HttpServer, c: Connection): void {
  const connections = server._connections;
  // A loop, not indexOf: the bundle check allows indexOf only where it can tell it searches a string.
  for (let i = 0; i < connections.length; i++) {
    if (connections[i] === c) {
      connections.splice(i, 1);
      break;
    }
  }
  server.stats.open = connections.length;
  const admitted = server.threads ? server.limits.maxConnections : 1;
  for (let i = 0; i < connections.length && i < admitted; i++) {
    const next = connections[i];
    if (!next._admitted) {
      next._admitted = true;
      if (next._state === READY) handleLater(next);
    }
  }

}
