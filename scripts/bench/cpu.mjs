// CPU per request on Espruino: utime+stime of the interpreter (/proc/<pid>/stat) over a fixed number of
// hello-world requests, picohttp (from RAM and, in a full run, from Storage) against Espruino's
// built-in http and a lean `net` responder. Only the server under load runs: the others are held with
// SIGSTOP (Espruino's idle loop never sleeps while a server socket is open, so an idle interpreter would
// take a core from the one being measured). Cases are interleaved in rounds so that a change in the
// machine's load touches them all alike.
import { Interpreter, PROBLEM, oneLine, trouble } from "../lib/interpreter.mjs";
import { libraryWith } from "../lib/library.mjs";
import { freePort, request } from "../lib/net.mjs";
import { storageDir } from "../lib/storage.mjs";
import { builtinApp, leanApp, picoApp } from "./apps.mjs";
import { ATTEMPTS, CONCURRENCY_ESPRUINO, HELLO_REQUEST, WARMUP, isHello } from "./config.mjs";
import { attempt, cpuFigures, cpuRounds, reason } from "./measure.mjs";

/** Starts one server's interpreter and checks that it answers; throws (having stopped it) if not. */
async function startServer(heap, bin, server) {
  const port = await freePort();
  const dir = server.storage ? storageDir("bench-cpu", libraryWith()) : undefined;
  const board = await Interpreter.start(bin, { app: server.app(port), dir, label: `${heap}/${server.key}`, probe: false,
    ready: "READY", timeout: 30000, failOn: PROBLEM });
  const check = await request(port, { bytes: HELLO_REQUEST, timeout: 15000 });
  if (!isHello(check)) {
    await board.stop();
    throw new Error(`${server.name} does not answer (${check.kind}): ${oneLine(check.text, 120)} ${trouble(board.output).join(" | ")}`);
  }
  board.pause();
  return { board, port };
}

/**
 * CPU per request on one heap. `servers` picks the cases: ram (picohttp uploaded to RAM: `bundle`),
 * storage (picohttp from Storage), builtin, lean. Resolves with one row per case and concurrency:
 * { server, name, concurrency, ...figures } or { server, name, concurrency, error }.
 */
export async function espruinoCpu(heap, bin, { bundle, ram, storage, builtin }, options, notes) {
  const cases = [];
  if (ram) cases.push({ key: "picohttpRam", name: "picohttp (RAM)", app: (port) => picoApp(port, bundle) });
  if (storage) cases.push({ key: "picohttp", name: "picohttp (Storage)", app: (port) => picoApp(port), storage: true });
  if (builtin) cases.push({ key: "builtin", name: "built-in http", app: builtinApp });
  cases.push({ key: "lean", name: "lean net", app: leanApp });

  const rows = [];
  const running = [];
  try {
    for (const server of cases) {
      const started = await attempt(`${heap} heap, CPU, starting ${server.name}`, notes, () => startServer(heap, bin, server));
      if (started.error) {
        for (const concurrency of CONCURRENCY_ESPRUINO) rows.push({ heap, server: server.key, name: server.name, concurrency, error: started.error });
        continue;
      }
      running.push({ server, ...started });
    }
    const target = ({ board, port }) => ({
      port, pid: () => board.pid, alive: () => board.alive, pause: () => board.pause(), resume: () => board.resume(),
      said: () => trouble(board.output).join(" | ") || board.ending,
    });
    const perRound = Math.max(1, Math.ceil(options.count / options.rounds));
    const rounds = (list) => cpuRounds(list.map(target), { concurrencies: CONCURRENCY_ESPRUINO, rounds: options.rounds, perRound,
      warmup: WARMUP, seconds: options.caseSeconds });
    const results = await rounds(running);
    // A case whose interpreter died or stopped answering is measured again, by itself, in a fresh one.
    const failedAt = (i) => CONCURRENCY_ESPRUINO.find((c) => results[i][c].error);
    for (let again = 2; again <= ATTEMPTS; again++) {
      for (let i = 0; i < running.length; i++) {
        const c = failedAt(i);
        if (c === undefined) continue;
        const { server } = running[i];
        notes.push(`${heap} heap, CPU, ${server.name}: ${results[i][c].error} (c=${c}); measured again by itself (attempt ${again} of ${ATTEMPTS})`);
        await running[i].board.stop();
        try {
          running[i] = { server, ...(await startServer(heap, bin, server)) };
        } catch (error) {
          for (const concurrency of CONCURRENCY_ESPRUINO) results[i][concurrency] = { error: reason(error) };
          continue;
        }
        results[i] = (await rounds([running[i]]))[0];
      }
    }
    for (const concurrency of CONCURRENCY_ESPRUINO) {
      running.forEach(({ server }, i) => {
        const result = results[i][concurrency];
        const row = { heap, server: server.key, name: server.name, concurrency };
        if (result.error) rows.push({ ...row, error: result.error });
        else {
          const figures = cpuFigures(result);
          rows.push({ ...row, ...figures });
          if (figures.failed) {
            notes.push(`${heap} heap, ${server.name}, c=${concurrency}: ${figures.failed} of ${figures.sent} requests ` +
              `not answered with 200 + body (${JSON.stringify(figures.failures)}); first: ${JSON.stringify(figures.firstFailure)}`);
          }
        }
      });
    }
  } finally {
    for (const { board } of running) await board.stop();
  }
  return rows;
}
