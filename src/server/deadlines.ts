// Deadlines: one timer per server, while it holds connections or ending sockets, checks every deadline.
// A connection's deadline is a count of sweeps still to come (0: none), not a time: a small whole number,
// which a board holds in the field's own variable, where a time (a fraction of a millisecond since 1970)
// takes a second one.
import type { HttpServer } from "./server";
import { fail, finish } from "./writer";
import { HANDLING, READING } from "./state";

/** How often deadlines are checked, in milliseconds: a timeout fires up to this much late. */
export const SWEEP_INTERVAL = 500;

/**
 * `ms` from now as a deadline: the sweeps to come until the first one at or after it (the same moment
 * a time would fire), and at least the next (0 would mean none). For a whole number of sweeps (every
 * default) that is one more than their count, whenever the last sweep was: no clock to read. Math.round
 * throughout: on Espruino a quotient is fraction-typed even when whole, and so is what Math.ceil gives,
 * and a fraction takes a variable of its own. Any other `ms` needs the time of the last sweep: while no
 * sweep runs (as when the server is made, see there) it gives 0.
 */
export function deadline(server: HttpServer, ms: number): number {
  if (ms >= 0 && !(ms % SWEEP_INTERVAL)) return Math.round(ms / SWEEP_INTERVAL) + 1;
  return server._sweptAt ? Math.round((Date.now() - server._sweptAt + ms) / SWEEP_INTERVAL + 0.49) || 1 : 0;
}

/**
 * Starts checking the server's connections' deadlines (408 while reading, 503 for a handler, dropped
 * while writing), and letting go of ended sockets whose 'close' has not come in time (for some it never
 * does); stops once there is nothing left to check. Returns the timer.
 */
export function startSweep(server: HttpServer): any {
  server._sweptAt = Date.now();
  const timer: any = setInterval(function () {
    server._sweptAt = Date.now();
    // The last free-memory reading stands until now at most (see accept).
    delete server._spare;
    const list = server._connections.slice();
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      if (c._state === READING) c._expires--;
      if (!c._deadline || --c._deadline > 0) continue;
      if (c._state === READING) fail(c, 408);
      else if (c._state === HANDLING) fail(c, 503);
      else {
        server.stats.timedOut++;
        finish(c, true);
      }
    }
    const ending = server._ending;
    for (let i = ending.length - 1; i >= 0; i--) if (--ending[i]._endBy <= 0) ending.splice(i, 1);
    if (!server._connections.length && !ending.length) {
      clearInterval(timer);
      // Removed, not set to undefined: on a board a field held costs a variable, and the time two.
      delete server._sweep;
      delete (server as { _sweptAt?: number })._sweptAt;
    }
  }, SWEEP_INTERVAL);
  if (timer.unref) timer.unref();
  return timer;
}
