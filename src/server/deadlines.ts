// Deadlines: one timer per server, while it holds connections or ending sockets, checks every deadline.
import type { HttpServer } from "./server";
import { fail, finish } from "./writer";
import { HANDLING, READING } from "./state";

/** How often deadlines are checked, in milliseconds: a timeout fires up to this much late. */
export const SWEEP_INTERVAL = 500;

/**
 * Starts checking the server's connections' deadlines (408 while reading, 503 for a handler, dropped
 * while writing), and letting go of ended sockets whose 'close' has not come in time (for some it never
 * does); stops once there is nothing left to check. Returns the timer.
 */
export function startSweep(server: HttpServer): any {
  const timer: any = setInterval(function () {
    const time = Date.now();
    const list = server._connections.slice();
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      if (time < c._deadline) continue;
      if (c._state === READING) fail(c, 408);
      else if (c._state === HANDLING) fail(c, 503);
      else {
        server.stats.timedOut++;
        finish(c, true);
      }
    }
    const ending = server._ending;
    for (let i = ending.length - 1; i >= 0; i--) if (time >= ending[i]._endBy) ending.splice(i, 1);
    if (!server._connections.length && !ending.length) {
      clearInterval(timer);
      server._sweep = undefined;
    }
  }, SWEEP_INTERVAL);
  if (timer.unref) timer.unref();
  return timer;
}
