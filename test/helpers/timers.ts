// Which repeating timers are live, seen through the standard timer functions (not a server's private
// fields): a test can wait for a server's deadline timer to stop once it has nothing left to watch.
const live = new Set<unknown>();
const realSetInterval = globalThis.setInterval;
const realClearInterval = globalThis.clearInterval;

globalThis.setInterval = function (...args: any[]) {
  const timer = (realSetInterval as any)(...args);
  live.add(timer);
  return timer;
} as typeof setInterval;

globalThis.clearInterval = function (timer?: any) {
  live.delete(timer);
  return realClearInterval(timer);
} as typeof clearInterval;

/** Repeating timers set and not cleared since this module was loaded. */
export function liveIntervals(): number {
  return live.size;
}

/** Waits (up to `ms`) until no repeating timer is live; returns how many still are. */
export async function intervalsStopped(ms = 1500): Promise<number> {
  for (let waited = 0; live.size && waited < ms; waited += 50) await new Promise((done) => setTimeout(done, 50));
  return live.size;
}
