// How the benchmark measures without falling over on a busy machine: each measurement is tried again
// (with a fresh interpreter) when it fails, and gives a reason instead of an exception when it cannot be
// made; CPU per request is counted over rounds that interleave the servers compared.
import { clockTicks, cpuTicks, oneLine } from "../lib/interpreter.mjs";
import { addLoad, runLoad, sleep } from "../lib/net.mjs";
import { ATTEMPTS, HELLO_REQUEST, REQUEST_TIMEOUT_MS, isHello } from "./config.mjs";

/**
 * Runs `measure()` up to `attempts` times until it succeeds. Resolves with its value, or with
 * `{ error }` (the last failure, in a line) when every attempt failed; each failed attempt is noted.
 */
export async function attempt(what, notes, measure, attempts = ATTEMPTS) {
  let last;
  for (let i = 1; i <= attempts; i++) {
    try {
      return await measure(i);
    } catch (error) {
      last = reason(error);
      notes.push(`${what}: attempt ${i} of ${attempts} failed (${last})${i < attempts ? "; measured again" : ""}`);
      await sleep(500);
    }
  }
  return { error: last };
}

/** A failure in a line: what an interpreter said went wrong, or the error's first line. */
export function reason(error) {
  const text = String(error && error.message || error);
  const assert = /ASSERT\([^)]*\)[^\n]*/.exec(text);
  if (assert) return "the interpreter crashed: " + assert[0].trim();
  if (/OUT OF MEMORY|LOW_MEMORY/.test(text)) return "out of memory";
  return oneLine(text.split("\n")[0], 200);
}

/**
 * CPU time per request for `servers` ({ name, port, pid, pause?, resume?, alive }), at each concurrency:
 * `rounds` rounds, each giving every server `perRound` requests after a warm-up, one server at a time
 * (the others paused when they can be). A server that dies or stops answering is dropped, with its
 * reason; the rest go on. Resolves with, per server and concurrency, { load, ticks } or { error }.
 */
export async function cpuRounds(servers, { concurrencies, rounds, perRound, warmup, seconds }) {
  const results = servers.map(() => ({}));
  const failed = servers.map(() => undefined);
  for (const concurrency of concurrencies) {
    const totals = servers.map(() => ({ load: undefined, ticks: 0 }));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < servers.length; i++) {
        const server = servers[i];
        if (failed[i]) continue;
        if (server.resume) server.resume();
        try {
          await sleep(30);
          const options = { concurrency, seconds, timeout: REQUEST_TIMEOUT_MS, bytes: HELLO_REQUEST, check: isHello,
            stop: () => !server.alive() };
          await runLoad(server.port, { ...options, requests: warmup });
          const before = cpuTicks(server.pid());
          const load = await runLoad(server.port, { ...options, requests: perRound });
          const after = cpuTicks(server.pid());
          totals[i].load = addLoad(totals[i].load, load);
          totals[i].ticks += after - before;
          if (!server.alive()) failed[i] = "the server exited under load" + (server.said ? ": " + server.said() : "");
          else if (load.abandoned || load.ok === 0) failed[i] = "the server stopped answering: " + JSON.stringify(load.failures);
        } catch (error) {
          // Its /proc entry gone: the server exited (its 'exit' event may not have come yet).
          failed[i] = error && error.code === "ENOENT" ? "the server exited under load" + (server.said ? ": " + server.said() : "") : reason(error);
        } finally {
          if (server.pause) server.pause();
        }
      }
    }
    for (let i = 0; i < servers.length; i++) {
      results[i][concurrency] = failed[i] ? { error: failed[i], load: totals[i].load } : totals[i];
    }
  }
  return results;
}

/** The figures of one server at one concurrency, from cpuRounds' { load, ticks }. */
export function cpuFigures({ load, ticks }) {
  const cpuMs = ticks * 1000 / clockTicks();
  return {
    requests: load.ok, sent: load.sent, failed: load.failed, failures: load.failures, firstFailure: load.firstFailure,
    capped: load.capped,
    // Per request answered: one that timed out cost the server little, and counting it would flatter it.
    cpuMsPerRequest: load.ok ? cpuMs / load.ok : null,
    requestsPerSecond: load.ms ? load.ok * 1000 / load.ms : null,
    cpuShare: load.ms ? cpuMs / load.ms : null,
  };
}
