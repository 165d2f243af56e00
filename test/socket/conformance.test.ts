// The conformance table (test/conformance/cases.ts) against the Node build (dist/picohttp.node.js): on the
// fake network (no sockets; every request also split at every byte, and short ones cut in two at every
// offset) and over real sockets on 127.0.0.1 (whole, and in pieces with TCP_NODELAY). Both run the one app,
// test/conformance/app.js; static files come from a directory holding the asset pipeline's output.
// The same table runs on Espruino's interpreter in test/interpreter/conformance.espruino.test.ts.
import test from "ava";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { waitForPort } from "../helpers/http";
import { Mode, ServerName, Site, Target, appOptions, describe, grouped, prepareSite, runCase, scheduler, sendOverSocket } from "../conformance/cases";

const picohttp = require("../../dist/picohttp.node.js");
const { FakeNet } = require("../../dist/testing.js");
const { conformanceApp } = require("../conformance/app.js");
const ports = import("../../scripts/soak.mjs");

const SERVERS: ServerName[] = ["main", "minimal"];

/** Two different free ports. */
async function freePorts(): Promise<number[]> {
  const { freePort } = await ports;
  const found: number[] = [];
  while (found.length < 2) {
    const port = await freePort();
    if (!found.includes(port)) found.push(port);
  }
  return found;
}

/**
 * The site where Node's staticResource looks: the pipeline's files under www/ (staticBase "www") and again
 * at the storage's root (staticBase "", which on Node is the storage itself: on a board it is www/).
 */
function writeSite(site: Site, root: string): void {
  const put = (name: string, content: Buffer | string) => {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  };
  for (const name in site.prepared) {
    const content = readFileSync(site.prepared[name]);
    put(name, content);
    put(name.substring("www/".length), content);
  }
  for (const name in site.nodeOnly) {
    put("www/" + name, site.nodeOnly[name]);
    put(name, site.nodeOnly[name]);
  }
}

function fakeTarget(fake: any): Target {
  const portOf = { main: 1, minimal: 2 };
  return {
    label: "fake",
    board: false,
    acceptDelay: 0,
    send(server: ServerName, bytes: string, mode: Mode): Promise<string> {
      const connection = fake.connect(portOf[server]);
      const cuts = mode.at ? mode.at.concat([bytes.length]) : [];
      let at = 0;
      while (at < bytes.length) {
        const end = mode.size ? at + mode.size : cuts.length ? cuts.shift()! : bytes.length;
        connection.send(bytes.substring(at, end));
        at = end;
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<string>((done) => {
        timer = setTimeout(() => {
          const written = connection.socket.written;
          connection.hangUp();
          done(written + "<no close after 15000 ms>");
        }, 15000);
      });
      return Promise.race([connection.response, timeout]).finally(() => clearTimeout(timer));
    },
  };
}

function socketTarget(portList: number[]): Target {
  return {
    label: "node",
    board: false,
    acceptDelay: 100,
    send: (server, bytes, mode) => sendOverSocket(portList[SERVERS.indexOf(server)], bytes, mode, 1),
  };
}

interface Setup {
  dir: string;
  site: Site;
  targets: { fake: Target; node: Target };
  apps: any[];
}

let setup: Promise<Setup> | undefined;
const started: { [label: string]: number } = {};
const finished: { [label: string]: number } = {};

function ready(): Promise<Setup> {
  if (!setup) {
    setup = (async () => {
      const dir = mkdtempSync(join(tmpdir(), "picohttp-conformance-"));
      const site = await prepareSite(dir);
      const root = join(dir, "storage");
      writeSite(site, root);
      picohttp.useStorage(picohttp.directoryStorage(root));
      const fake = new FakeNet();
      const fakeApp = conformanceApp(picohttp, { ...appOptions([1, 2]), net: fake, block: false });
      const list = await freePorts();
      const nodeApp = conformanceApp(picohttp, { ...appOptions(list), block: false });
      for (const port of list) await waitForPort(port);
      return { dir, site, targets: { fake: fakeTarget(fake), node: socketTarget(list) }, apps: [fakeApp, nodeApp] };
    })();
  }
  return setup;
}

test.after.always(async () => {
  if (!setup) return;
  const { apps, dir } = await setup;
  for (const app of apps) app.close();
  rmSync(dir, { recursive: true, force: true });
  for (const label in started) console.log(`[conformance.test.ts] ${label}: ${((finished[label] - started[label]) / 1000).toFixed(1)} s`);
});

const groups = grouped();
for (const label of ["fake", "node"] as const) {
  // Within what the main server admits at once (maxConnections + maxQueue = 12): the rest would get 503.
  const schedule = scheduler(8);
  for (const group of groups) {
    test(`${label}: ${group.name}`, async (t) => {
      t.timeout(120000);
      const { site, targets } = await ready();
      started[label] = started[label] || Date.now();
      const target = targets[label];
      const results = await Promise.all(group.cases.map((c) => schedule(c, () => runCase(c, target, site))));
      finished[label] = Date.now();
      const failed = group.cases.map((c, i) => ({ c, failures: results[i] })).filter((r) => r.failures.length);
      for (const { c, failures } of failed.slice(0, 5)) t.log(describe(c, failures));
      const names = failed.map((r) => r.c.name);
      t.is(failed.length, 0, `${failed.length} of ${group.cases.length} failed: ` + names.slice(0, 20).join("; ") +
        (names.length > 20 ? `; and ${names.length - 20} more` : ""));
    });
  }
}
