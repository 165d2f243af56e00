// What the benchmark measures and against what: the request, the concurrencies, the targets, and how
// much of each a full run and a --quick one do.

// The request every server answers: GET with three header fields, HTTP/1.0, one per connection.
export const HELLO_REQUEST = "GET /hello HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: picohttp-bench\r\nAccept: */*\r\n\r\n";
export const HELLO_BODY = "Hello world!";

/** Whether a reply (from lib/net.mjs request) is the hello-world answer. */
export function isHello(reply) {
  return !reply.error && reply.status === 200 && reply.text.endsWith("\r\n\r\n" + HELLO_BODY);
}

export const CONCURRENCY_ESPRUINO = [1, 4];
export const CONCURRENCY_NODE = [1, 4, 16];
export const WARMUP = 20; // requests before each measured batch (Node: five times as many)
export const REQUEST_TIMEOUT_MS = 10000;

// Connections held at once in the in-flight measurement: few enough to leave a good margin of free
// variables on each heap (as many as the board's default maxConnections on 1600).
export const INFLIGHT_N = { "default": 10, "1600": 4 };
export const STREAM_SIZE = 65536;
// A measurement that fails (the interpreter crashed, did not answer in time) is tried this many times in
// all, each time with a fresh interpreter, before its row says "could not measure".
export const ATTEMPTS = 3;

// The lean-core issue's targets (issue 11).
export const TARGETS = {
  cpuRatio: 2.0, // picohttp CPU per request / the lean responder's, on Espruino (aim: 1.3)
  gzipBytes: 3500, // the core, gzipped
  minBytes: 8500, // the core, minified
  storageBlocks: 200, // variables after require("picohttp") from Storage, 1600 heap
  helloBlocks: 260, // a hello-world server at rest (require + new HttpServer(port, handler)), from Storage
  ramBlocks: 700, // the core uploaded to RAM
  inflightBlocks: 60, // per connection in flight, GET with three headers, handler waiting
  streamBlocks: 60, // what streaming 64 KB adds over a request for a 12-byte file
  nodeRatio: 1, // picohttp req/s / node:http req/s
};

export const HEAPS = ["default", "1600"];
export const PARTS = ["cpu", "memory", "stream", "node"];

/**
 * What a run does: requests per case, rounds, and which heaps each part runs on. A full run measures
 * everything on both heaps; --quick measures what the summary needs (CPU from RAM on the default heap,
 * memory on 1600 variables, fewer requests) and finishes in a few minutes.
 */
export const PLANS = {
  full: {
    count: 1200, nodeCount: 2000, rounds: 3, caseSeconds: 60,
    heaps: { cpu: ["default", "1600"], memory: ["default", "1600"], stream: ["default", "1600"] },
    cpuFromStorage: true, builtin: true,
  },
  quick: {
    count: 600, nodeCount: 1500, rounds: 3, caseSeconds: 30,
    heaps: { cpu: ["default"], memory: ["1600"], stream: [] },
    cpuFromStorage: false, builtin: true,
  },
};
