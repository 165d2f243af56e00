// Accepting and releasing connections: a bounded number handled at once, a bounded queue behind them,
// and a prompt 503 past that or when memory is low.
import { errorResponse } from "../core/serializer";
import { Socket } from "../core/types";
import { Connection, attach, handleLater } from "./connection";
import type { HttpServer } from "./server";
import { endSocket } from "./writer";
import { startSweep } from "./deadlines";
import { READY } from "./state";

function slots(server: HttpServer): number {
  return server.threads ? server.limits.maxConnections : 1;
}

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
  if (connections.length >= slots(server) + limits.maxQueue || (free >= 0 && free < limits.minFreeMemory)) {
    return reject(server, socket);
  }
  const c = new Connection(server, socket);
  attach(c);
  c._admitted = connections.push(c) <= slots(server);
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
  endSocket(socket, false, server.limits.writeTimeout);
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
  const admitted = slots(server);
  for (let i = 0; i < connections.length && i < admitted; i++) {
    const next = connections[i];
    if (!next._admitted) {
      next._admitted = true;
      if (next._state === READY) handleLater(next);
    }
  }
  if (!connections.length && server._sweep !== undefined) {
    clearInterval(server._sweep);
    server._sweep = undefined;
  }
}
