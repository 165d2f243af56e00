// The benchmark's report: the summary (the figures the targets are about, measured in this run), the
// details per heap and for Node, every target's verdict, and the notes. A figure that could not be
// measured is a row saying so, with the reason.
import { CONCURRENCY_ESPRUINO, CONCURRENCY_NODE, TARGETS } from "./config.mjs";

export function fmt(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "-";
  return value.toFixed(digits);
}

function table(headers, rows, rightFrom = 1) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i >= rightFrom ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const measured = (x) => typeof x === "number" && !Number.isNaN(x) && Number.isFinite(x);

/** A target's verdict: measured against limit, with by how much it is met or missed. */
export function verdict(name, value, limit, kind, unit = "") {
  if (!measured(value)) return { name, measured: null, limit, kind, met: null, note: "not measured" };
  const met = kind === "<" ? value < limit : kind === "<=" ? value <= limit : value >= limit;
  const ratio = value / limit;
  const by = kind === ">=" ? (1 - ratio) * 100 : (ratio - 1) * 100;
  const note = met ? "met" : `MISSED by ${fmt(Math.abs(value - limit), Number.isInteger(limit) && Number.isInteger(value) ? 0 : 2)}${unit} (${fmt(Math.abs(by), 0)}%)`;
  return { name, measured: value, limit, kind, met, note };
}

/** Why a figure is missing: the measurement's error, or that its part did not run. */
function missing(entry, part, value) {
  if (entry && entry.skipped) return { ran: false, why: entry.skipped };
  if (!entry || value === undefined) return { ran: false, why: part + " not run (see --only and --heaps)" };
  if (value && value.error) return { ran: true, why: value.error };
  return { ran: true, why: "no figure" };
}

const cpuAt = (entry, server, c) => entry && entry.cpu && entry.cpu.find((r) => r.server === server && r.concurrency === c);
const nodeAt = (report, server, c) => report.nodeResults.find((r) => r.server === server && r.concurrency === c);

/** The heap the summary's CPU ratio comes from: 1600 variables where the core fits there in RAM. */
function cpuHeap(report) {
  const small = report.espruino["1600"];
  if (small && small.cpu && small.cpu.some((r) => r.server === "picohttpRam" && !r.error)) return { heap: "1600", why: "" };
  const why = small && small.ram && small.ram.fits === false ? "the core does not fit 1600 variables in RAM" :
    small && small.skipped ? small.skipped : "CPU was not measured on 1600 variables in this run";
  return { heap: "default", why };
}

/**
 * The summary: the board core's figures on the 1600-variable heap unless noted, and Node's against
 * node:http. Rows { what, figure, target, verdict }; `figure` says "could not measure (...)" when it must.
 */
export function summarize(report) {
  const rows = [];
  // Rows for one heap (or "Node"): a figure, or why it is missing: "could not measure (why)" when it was
  // tried, "not measured (why)" when it was not.
  const on = (heap) => ({
    row: (what, figure, target, v) => rows.push({ what, heap, figure, target, verdict: v ? v.note : "" }),
    cannot: (what, reason, target) => {
      const { ran, why } = typeof reason === "string" ? { ran: true, why: reason } : reason;
      rows.push({ what, heap, figure: `${ran ? "could not measure" : "not measured"} (${why})`, target, verdict: "" });
    },
  });

  const cpu = cpuHeap(report);
  const cpuRows = on(cpu.heap === "1600" ? "1600" : "default *");
  const entry = report.espruino[cpu.heap];
  rows.footnote = cpu.why ? `* ${cpu.why}` : "";
  for (const c of CONCURRENCY_ESPRUINO) {
    const what = `CPU/request, picohttp from RAM / lean net responder, hello world, c=${c}`;
    const pico = cpuAt(entry, "picohttpRam", c);
    const lean = cpuAt(entry, "lean", c);
    if (pico && lean && measured(pico.cpuMsPerRequest) && measured(lean.cpuMsPerRequest)) {
      const ratio = pico.cpuMsPerRequest / lean.cpuMsPerRequest;
      cpuRows.row(what, `${fmt(ratio, 2)}x (${fmt(pico.cpuMsPerRequest, 3)} / ${fmt(lean.cpuMsPerRequest, 3)} ms)`,
        `<= ${TARGETS.cpuRatio}x`, verdict(what, ratio, TARGETS.cpuRatio, "<=", "x"));
    } else {
      const failed = [pico, lean].find((r) => r && r.error);
      cpuRows.cannot(what, failed ? failed.name + ": " + failed.error : entry && entry.ram && entry.ram.fits === false ?
        "the core does not fit in RAM" : missing(entry, "cpu", entry && entry.cpu), `<= ${TARGETS.cpuRatio}x`);
    }
  }

  const javascript = entry && entry.javascript;
  if (javascript && measured(javascript.ratio)) {
    cpuRows.row("JavaScript per request, no network (fake sockets), picohttp from RAM / lean responder",
      `${fmt(javascript.ratio, 2)}x (${fmt(javascript.picohttp, 0)} / ${fmt(javascript.lean, 0)} us)`, "(diagnostic)");
  } else if (javascript && javascript.error) {
    cpuRows.cannot("JavaScript per request, no network (fake sockets)", javascript.error, "(diagnostic)");
  }

  const board = on("1600");
  const small = report.espruino["1600"];
  const core = small && small.core;
  const coreWhat = 'variables after require("picohttp"), core from Storage';
  const helloWhat = "hello-world server at rest (require + new HttpServer(port, handler)), from Storage";
  if (core && measured(core.core)) {
    board.row(coreWhat, String(core.core), `< ${TARGETS.storageBlocks}`, verdict("", core.core, TARGETS.storageBlocks, "<"));
    board.row(helloWhat, String(core.hello), `<= ${TARGETS.helloBlocks}`, verdict("", core.hello, TARGETS.helloBlocks, "<="));
  } else {
    board.cannot(coreWhat, missing(small, "memory", core), `< ${TARGETS.storageBlocks}`);
    board.cannot(helloWhat, missing(small, "memory", core), `<= ${TARGETS.helloBlocks}`);
  }
  const inflight = small && small.inflight;
  const inflightWhat = "variables per connection in flight (GET, 3 headers, handler waiting), less the handler's Promise";
  if (inflight && measured(inflight.picohttpPerConnection)) {
    board.row(inflightWhat, `${fmt(inflight.picohttpPerConnection, 1)} (${fmt(inflight.pendingPerConnection, 1)} with it; N=${inflight.n})`,
      `<= ${TARGETS.inflightBlocks}`, verdict("", inflight.picohttpPerConnection, TARGETS.inflightBlocks, "<="));
  } else {
    board.cannot(inflightWhat, missing(small, "memory", inflight), `<= ${TARGETS.inflightBlocks}`);
  }
  on("").row("core board bundle gzipped / minified (dist/picohttp.js)", `${report.bundle.gzipBytes} / ${report.bundle.bytes} bytes`,
    `<= ${TARGETS.gzipBytes} / ${TARGETS.minBytes}`, { note: verdict("", report.bundle.gzipBytes, TARGETS.gzipBytes, "<=").note + " / " +
      verdict("", report.bundle.bytes, TARGETS.minBytes, "<=").note });
  if (report.bundle.stored) {
    on("").row("the core as Storage holds it, pretokenised (dist/storage/picohttp.js), gzipped / bytes",
      `${report.bundle.stored.gzipBytes} / ${report.bundle.stored.bytes} bytes`, "(what a board holds)");
  }

  const node = on("Node");
  for (const c of CONCURRENCY_NODE) {
    const what = `Node req/s, picohttp / node:http, c=${c}`;
    const pico = nodeAt(report, "picohttp", c);
    const http = nodeAt(report, "node:http", c);
    if (pico && http && measured(pico.requestsPerSecond) && measured(http.requestsPerSecond)) {
      const ratio = pico.requestsPerSecond / http.requestsPerSecond;
      node.row(what, `${fmt(ratio, 2)}x (${fmt(pico.requestsPerSecond)} / ${fmt(http.requestsPerSecond)})`, `>= ${TARGETS.nodeRatio}x`,
        verdict(what, ratio, TARGETS.nodeRatio, ">=", "x"));
    } else {
      const failed = [pico, http].find((r) => r && r.error);
      node.cannot(what, failed ? failed.server + ": " + failed.error : report.ran.node ? "no figure" :
        { ran: false, why: "node not run (see --only)" }, `>= ${TARGETS.nodeRatio}x`);
    }
  }
  return rows;
}

/** Every target's verdict, on every heap measured. */
export function targets(report, heaps) {
  const list = [];
  list.push(verdict("core gzipped (bytes)", report.bundle.gzipBytes, TARGETS.gzipBytes, "<=", " B"));
  list.push(verdict("core minified (bytes)", report.bundle.bytes, TARGETS.minBytes, "<=", " B"));
  for (const heap of heaps) {
    const entry = report.espruino[heap];
    if (!entry || entry.skipped) continue;
    if (entry.cpu) {
      for (const c of CONCURRENCY_ESPRUINO) {
        // Judged on the RAM upload where it fits: code evaluated from Storage runs far slower on the Linux
        // build than on a board, whose flash is memory-mapped (the Linux build opens and reads its flash
        // file for every access).
        const ram = cpuAt(entry, "picohttpRam", c);
        const pico = ram && !ram.error ? ram : cpuAt(entry, "picohttp", c);
        const lean = cpuAt(entry, "lean", c);
        if (pico && lean) {
          const t = verdict(`${heap} heap: CPU/request picohttp (${pico === ram ? "RAM" : "Storage"}) / lean, c=${c}`,
            pico.cpuMsPerRequest / lean.cpuMsPerRequest, TARGETS.cpuRatio, "<=", "x");
          if (pico !== ram && t.met !== null) t.note += " (from Storage: emulated flash, not comparable)";
          list.push(t);
        }
      }
    }
    if (entry.core) {
      list.push(verdict(`${heap} heap: core evaluated from Storage (variables)`, entry.core.core, TARGETS.storageBlocks, "<"));
      list.push(verdict(`${heap} heap: hello-world server at rest, from Storage (variables)`, entry.core.hello, TARGETS.helloBlocks, "<="));
    }
    if (entry.ram) {
      const ram = verdict(`${heap} heap: core uploaded to RAM (variables)`, entry.ram.fits ? entry.ram.blocks : null, TARGETS.ramBlocks, "<");
      if (entry.ram.fits === false) { ram.met = false; ram.note = "MISSED: does not fit"; }
      list.push(ram);
    }
    if (entry.inflight) {
      list.push(verdict(`${heap} heap: variables per in-flight connection, three headers (less the handler's Promise)`,
        entry.inflight.picohttpPerConnection, TARGETS.inflightBlocks, "<="));
    }
    if (entry.stream) {
      list.push(verdict(`${heap} heap: streaming 64 KB adds over a 12-byte file (variables, live)`, streamAdds(entry.stream),
        TARGETS.streamBlocks, "<="));
    }
  }
  for (const c of CONCURRENCY_NODE) {
    const pico = nodeAt(report, "picohttp", c);
    const http = nodeAt(report, "node:http", c);
    if (pico && http) {
      list.push(verdict(`Node req/s picohttp / node:http, c=${c}`, pico.requestsPerSecond / http.requestsPerSecond, TARGETS.nodeRatio, ">=", "x"));
    }
  }
  return list;
}

function cpuTable(entry) {
  const leanAt = (c) => cpuAt(entry, "lean", c);
  const builtinAt = (c) => cpuAt(entry, "builtin", c);
  const ratio = (r, other) => (other && !other.error && !r.error ? fmt(r.cpuMsPerRequest / other.cpuMsPerRequest, 2) : "-");
  return table(["server", "c", "requests", "failed", "req/s", "CPU ms/req", "x lean", "x built-in"],
    entry.cpu.map((r) => (r.error ? [r.name, r.concurrency, "-", "-", "-", "could not measure: " + r.error.slice(0, 80), "", ""] :
      [r.name, r.concurrency, r.requests, r.failed, fmt(r.requestsPerSecond), fmt(r.cpuMsPerRequest, 3),
        ratio(r, leanAt(r.concurrency)), ratio(r, builtinAt(r.concurrency))])));
}

function memoryRows(entry) {
  const rows = [];
  const cannot = (what, value) => rows.push([what, "could not measure: " + value.error.slice(0, 100), ""]);
  const core = entry.core;
  if (core && core.error) cannot('core from Storage, after require("picohttp")', core);
  else if (core) {
    rows.push(['core from Storage, after require("picohttp")', core.core, `< ${TARGETS.storageBlocks}`]);
    rows.push(["hello-world server at rest (require + new HttpServer)", core.hello, ""]);
    rows.push(["  left by its first request, at rest", core.firstRequest, ""]);
  }
  const ram = entry.ram;
  if (ram && ram.error) cannot("core uploaded to RAM (after require)", ram);
  else if (ram) {
    rows.push(["core uploaded to RAM (after require)", ram.fits ? ram.blocks : "does not fit: " + ram.reason, `< ${TARGETS.ramBlocks}`]);
    if (ram.fits) rows.push(["  of which the uploaded code before require", ram.uploadedBlocks, ""]);
  }
  const inflight = entry.inflight;
  if (inflight && inflight.error) cannot("per connection in flight, handler pending", inflight);
  else if (inflight) {
    rows.push([`per connection in flight, handler pending (N=${inflight.n})`, fmt(inflight.pendingPerConnection, 1), ""]);
    rows.push(["  less the handler's own Promise + resolve", fmt(inflight.picohttpPerConnection, 1), `<= ${TARGETS.inflightBlocks}`]);
    rows.push(["  the handler's own Promise + resolve", fmt(inflight.handlerSharePerConnection, 1), ""]);
    rows.push(["left over once they were answered and closed", inflight.leakedAfterRelease, "0"]);
  }
  const stream = entry.stream;
  if (stream && stream.error) cannot("streaming 64 KB from Storage", stream);
  else if (stream) {
    rows.push(["a 12-byte file from Storage: peak added while in flight, live", stream.smallLive.added, ""]);
    rows.push(["a 64 KB file, streamed: peak added while in flight, live (GC at each read)", stream.live.added, ""]);
    rows.push(["                        peak added, no GC (garbage included)", stream.noGc.added, ""]);
    rows.push(["  what streaming 64 KB adds over the 12-byte file, live", streamAdds(stream), `<= ${TARGETS.streamBlocks}`]);
  }
  return rows;
}

/**
 * What streaming a 64 KB file adds to a request for a 12-byte one (both peaks include the connection,
 * its request and response, and staticResource's objects: what the streaming budget is about is that
 * size does not add to them).
 */
function streamAdds(stream) {
  return stream.live && stream.smallLive ? stream.live.added - stream.smallLive.added : null;
}

export function printReport(report, heaps) {
  const out = [];
  out.push(`picohttp benchmarks, ${report.date}  (Node ${report.node}, CLK_TCK ${report.clockTicks}` +
    `${report.options.quick ? ", --quick" : ""})`);
  out.push("");
  out.push("Summary: the board core (1600-variable heap unless noted) and Node, measured in this run");
  out.push(table(["what", "heap", "measured", "target", "verdict"],
    report.summary.map((r) => [r.what, r.heap, r.figure, r.target, r.verdict]), 99));
  if (report.summaryNote) out.push(report.summaryNote);

  out.push("");
  out.push(`Bundles: core dist/picohttp.js ${report.bundle.bytes} bytes minified, ${report.bundle.gzipBytes} gzipped` +
    (report.bundle.stored ? ` (as Storage holds it, pretokenised: ${report.bundle.stored.bytes} / ${report.bundle.stored.gzipBytes})` : "") +
    "; as Storage holds them" + Object.keys(report.features).map((name) => `; ${name} ${report.features[name].bytes} / ${report.features[name].gzipBytes}`).join(""));

  for (const heap of heaps) {
    const entry = report.espruino[heap];
    out.push("");
    if (!entry || entry.skipped) {
      out.push(`Espruino, ${heap} heap: skipped (${entry ? entry.skipped : "not run"})`);
      continue;
    }
    out.push(`Espruino ${entry.version}, ${heap} heap (${fmt(entry.total)} variables): hello world, GET with 3 header fields, ` +
      "a connection per request");
    if (entry.cpu) {
      out.push("CPU ms/req: interpreter CPU time per request answered (/proc). Its idle loop never sleeps while a server is\n" +
        "open, so this includes the passes spent waiting for the client; \"(Storage)\" runs from the Linux build's\n" +
        "emulated flash, which opens and reads a file at every access: far slower than a board's flash.");
      out.push(cpuTable(entry));
    }
    const rows = memoryRows(entry);
    if (rows.length) {
      out.push("");
      out.push(`Memory (variables), ${heap} heap:`);
      out.push(table(["what", "variables", "target"], rows));
    }
  }

  if (report.nodeResults.length) {
    out.push("");
    out.push("Node: hello world, a connection per request (server CPU from /proc)");
    const httpAt = (c) => nodeAt(report, "node:http", c);
    out.push(table(["server", "c", "requests", "failed", "req/s", "CPU ms/req", "x node:http req/s"],
      report.nodeResults.map((r) => (r.error ? [r.server, r.concurrency, "-", "-", "-", "could not measure: " + r.error.slice(0, 80), ""] :
        [r.server, r.concurrency, r.requests, r.failed, fmt(r.requestsPerSecond), fmt(r.cpuMsPerRequest, 3),
          httpAt(r.concurrency) && !httpAt(r.concurrency).error ? fmt(r.requestsPerSecond / httpAt(r.concurrency).requestsPerSecond, 2) : "-"]))));
  }

  out.push("");
  out.push("Targets");
  out.push(table(["target", "measured", "limit", "verdict"], report.targets.map((t) =>
    [t.name, measured(t.measured) ? fmt(t.measured, Number.isInteger(t.measured) ? 0 : 2) : "-", t.kind + " " + t.limit, t.note]), 1));
  if (report.notes.length) {
    out.push("");
    out.push("Notes");
    for (const note of report.notes) out.push("- " + note);
  }
  console.log(out.join("\n"));
}
