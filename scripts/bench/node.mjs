// Node: requests per second and server CPU per request, picohttp against node:http and a bare `net`
// floor, each server in a process of its own, a connection per request from this process.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { alive, removeDir, stopChild, tempDir, track } from "../lib/interpreter.mjs";
import { freePort, request, sleep } from "../lib/net.mjs";
import { nodeServerScript } from "./apps.mjs";
import { CONCURRENCY_NODE, HELLO_REQUEST, WARMUP, isHello } from "./config.mjs";
import { attempt, cpuFigures, cpuRounds } from "./measure.mjs";

const KINDS = ["picohttp", "node:http", "net floor"];

async function startNodeServer(kind) {
  const port = await freePort();
  const dir = tempDir("bench-node");
  const file = join(dir, "server.js");
  writeFileSync(file, nodeServerScript(kind, port));
  const child = track(spawn(process.execPath, [file], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] }));
  let output = "";
  child.stdout.on("data", (chunk) => { output += chunk; });
  child.stderr.on("data", (chunk) => { output += chunk; });
  const stop = async () => { await stopChild(child); removeDir(dir); };
  const deadline = Date.now() + 15000;
  while (output.indexOf("READY") < 0) {
    if (!alive(child) || Date.now() > deadline) {
      await stop();
      throw new Error(`${kind} ${alive(child) ? "did not start in 15 s" : "exited"}: ${output.slice(-300)}`);
    }
    await sleep(20);
  }
  // READY comes before the server listens (picohttp's listen() is asynchronous on Node).
  let check;
  for (const until = Date.now() + 10000; ;) {
    check = await request(port, { bytes: HELLO_REQUEST, timeout: 10000 });
    if (check.kind !== "refused" || Date.now() > until) break;
    await sleep(50);
  }
  if (!isHello(check)) {
    await stop();
    throw new Error(`${kind} on Node does not answer (${check.kind}): ${check.text.slice(0, 200)}`);
  }
  return { kind, port, child, stop };
}

/** Rows { server, concurrency, ...figures } or { server, concurrency, error }. */
export async function nodeBench(options, notes) {
  const servers = [];
  const rows = [];
  try {
    for (const kind of KINDS) {
      const started = await attempt(`Node, starting ${kind}`, notes, () => startNodeServer(kind));
      if (started.error) for (const c of CONCURRENCY_NODE) rows.push({ server: kind, concurrency: c, error: started.error });
      else servers.push(started);
    }
    const perRound = Math.max(1, Math.ceil(options.nodeCount / options.rounds));
    const results = await cpuRounds(servers.map((s) => ({ port: s.port, pid: () => s.child.pid, alive: () => alive(s.child) })),
      { concurrencies: CONCURRENCY_NODE, rounds: options.rounds, perRound, warmup: WARMUP * 5, seconds: options.caseSeconds });
    for (const concurrency of CONCURRENCY_NODE) {
      servers.forEach((server, i) => {
        const result = results[i][concurrency];
        if (result.error) return rows.push({ server: server.kind, concurrency, error: result.error });
        const figures = cpuFigures(result);
        rows.push({ server: server.kind, concurrency, ...figures });
        if (figures.failed) {
          notes.push(`Node, ${server.kind}, c=${concurrency}: ${figures.failed} of ${figures.sent} requests failed ` +
            `(${JSON.stringify(figures.failures)}); first: ${JSON.stringify(figures.firstFailure)}`);
        }
      });
    }
  } finally {
    for (const server of servers) await server.stop();
  }
  return rows;
}
