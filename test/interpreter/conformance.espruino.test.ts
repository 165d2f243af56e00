// The conformance table (test/conformance/cases.ts) on Espruino's Linux build, on the default heap and on a
// 1600-variable heap (an ESP8266's): ONE interpreter per heap runs test/conformance/app.js with picohttp
// loaded from Storage (as `npm run flash` puts it on a board), and every case goes through it over real
// sockets, whole and in pieces (TCP_NODELAY, a few ms apart). The site the static cases serve is in
// Storage under www/, prepared by the asset pipeline. The two interpreters run side by side; after the
// cases (an after.always hook), each one's memory at rest must be back where it started.
import test from "ava";
import { rmSync } from "fs";
import { resolve } from "path";
import { Board, BUNDLE, LIBRARY, interpreters, noticeSkips, tempDir, writeStorage } from "../helpers/espruino";
import { NO_CLOSE, ServerName, Site, Target, appOptions, describe, grouped, prepareSite, runCase, scheduler, sendOverSocket } from "../conformance/cases";

noticeSkips("conformance.espruino.test.ts");

const APP = resolve(__dirname, "../conformance/app.js");
const SERVERS: ServerName[] = ["main", "minimal"];
const ports = import("../../scripts/soak.mjs");
let site: Promise<Site> | undefined;
const siteDir = tempDir();

/** Two free ports, different from each other and from `taken`. */
async function freePorts(taken: number[]): Promise<number[]> {
  const { freePort } = await ports;
  const found: number[] = [];
  while (found.length < 2) {
    const port = await freePort();
    if (!found.includes(port) && !taken.includes(port)) found.push(port);
  }
  taken.push(...found);
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// The longest the table may run on one heap (it takes 30-80 s on two busy cores): past it, the rest fail.
const BUDGET = 120000;
const taken: number[] = [];
const groups = grouped();

for (const interpreter of interpreters) {
  const label = interpreter.label;
  // Storage is written with the default-heap interpreter, whatever heap runs the app.
  if (!interpreter.bin || !process.env.ESPRUINO_BIN) {
    test.skip(`${label}: the conformance table`, () => undefined);
    continue;
  }
  const bin = interpreter.bin;
  let board: Board | undefined;
  let boardDir: string | undefined;
  let setup: Promise<{ site: Site; target: Target }> | undefined;
  let baseline = 0;
  // Set once the interpreter has exited, stopped answering or run out of time: every case after that fails
  // at once with this as its answer, rather than each waiting for its timeout.
  let broken: string | undefined;
  let unanswered = 0;
  let first = 0;
  let last = 0;
  // Cases side by side, each opening one connection at a time (the occupying ones aside): four at once on
  // the default heap (the app's maxConnections). On 1600 variables one at a time: the app leaves about 500
  // free, and three of its requests at once (a 1 KB head, a JSON echo, a stream) ran the interpreter out of
  // memory (it exits on an assertion) although picohttp keeps 200 in reserve.
  const schedule = label === "default heap" ? scheduler(4) : scheduler(1, true);

  const ready = () => {
    if (!setup) {
      setup = (async () => {
        const dir = boardDir = tempDir();
        if (!site) site = prepareSite(siteDir);
        const files = await site;
        writeStorage(dir, { ...LIBRARY, conformance: APP, ...files.prepared });
        const list = await freePorts(taken);
        board = new Board(bin, dir, `var app = require("conformance").conformanceApp(require("picohttp"), ${JSON.stringify(appOptions(list))});\n`);
        // The probe answers once the app's code has run: its two servers listen. (No connection is opened
        // to them to find out: on the Linux build a connection closed unused may never be closed on the
        // board's side, and would hold the minimal server's only slot.)
        const servers = await board.evaluate("app.servers.length", 20000);
        if (servers !== 2) throw new Error("the app started " + servers + " servers");
        // Memory at rest, once a first request of each kind has set up what stays for good (the interpreter
        // keeps what a first Uint8Array, Promise or exception sets up). These answers are not checked here:
        // the table checks them. The onError counts the failing ones leave are read back, and so cleared.
        for (const target of ["/echo", "/www/plain.txt", "/www/index.html", "/json/object", "/bytes/u8", "/bytes/buffer",
          "/stream/300/u8", "/stream/300/fn", "/async", "/throw", "/errors/throw", "/reject", "/errors/reject"]) {
          await sendOverSocket(list[0], `GET ${target} HTTP/1.0\r\n\r\n`, { label: "whole" }, 0);
        }
        await sendOverSocket(list[1], "GET /plain.txt HTTP/1.0\r\n\r\n", { label: "whole" }, 0);
        await sleep(300);
        baseline = await board.memoryUsage();
        const total = await board.evaluate("process.memory().total");
        console.log(`[conformance.espruino.test.ts] ${label}: app running, ${baseline} of ${total} variables used`);
        const target: Target = {
          label: "board",
          board: true,
          acceptDelay: 300,
          send: async (server, bytes, mode) => {
            if (!broken && !board!.alive) broken = "<the interpreter exited>";
            if (!broken && Date.now() - first > BUDGET) broken = `<out of time: the table ran ${BUDGET / 1000} s on this heap>`;
            if (broken) return broken;
            // 5 s: the slowest answer in the table (a 408, after the 1 s header timeout) takes under 2 s.
            const answer = await sendOverSocket(list[SERVERS.indexOf(server)], bytes, mode, 4, 5000);
            // A healthy board answers every request, and the main server never turns one away (no case
            // expects nothing, an empty answer, or a 503 from it: a 503 there means memory ran low).
            const refused = server === "main" && answer.substring(0, 13) === "HTTP/1.0 503 ";
            if ((!answer || answer.indexOf(NO_CLOSE) >= 0 || refused) && ++unanswered >= 3 && !broken) {
              broken = `<the interpreter stopped answering: ${unanswered} requests got no answer, or a 503 for want of memory>`;
            }
            return answer;
          },
        };
        return { site: files, target };
      })();
    }
    return setup;
  };

  // After the cases (all of them, or those --match picked): memory at rest is back where it started.
  test.after.always(`${label}: memory at rest comes back after the table`, async (t) => {
    if (!board) return;
    try {
      console.log(`[conformance.espruino.test.ts] ${label}: ${((last - first) / 1000).toFixed(1)} s for the table`);
      if (!board.alive) return t.fail("the interpreter exited:\n" + board.output.slice(-3000));
      if (broken) return t.fail(broken);
      // Let the last connections' 'close' events run (a second look if they have not yet).
      await sleep(500);
      let after = await board.memoryUsage();
      if (after > baseline + 20) {
        await sleep(2000);
        after = await board.memoryUsage();
      }
      console.log(`[conformance.espruino.test.ts] ${label}: ${baseline} variables used at rest before the table, ${after} after it`);
      t.true(after <= baseline + 20, `memory at rest grew from ${baseline} to ${after} variables over the table`);
    } finally {
      await board.stop();
      if (boardDir) rmSync(boardDir, { recursive: true, force: true });
    }
  });

  for (const group of groups) {
    test(`${label}: ${group.name}`, async (t) => {
      t.timeout(180000);
      const { site, target } = await ready();
      first = first || Date.now();
      // Each case's modes and steps run in order.
      const results = await Promise.all(group.cases.map((c) => schedule(c, () => runCase(c, target, site))));
      last = Date.now();
      const failed = group.cases.map((c, i) => ({ c, failures: results[i] })).filter((r) => r.failures.length);
      for (const { c, failures } of failed.slice(0, 5)) t.log(describe(c, failures));
      if (failed.length && board && !board.alive) t.log("the interpreter exited:\n" + board.output.slice(-2000));
      else if (failed.length && broken) t.log(broken + "\n" + board!.output.slice(-1000));
      const names = failed.map((r) => r.c.name);
      t.is(failed.length, 0, `${failed.length} of ${group.cases.length} failed: ` + names.slice(0, 20).join("; ") +
        (names.length > 20 ? `; and ${names.length - 20} more` : ""));
    });
  }
}

test.after.always(() => rmSync(siteDir, { recursive: true, force: true }));
