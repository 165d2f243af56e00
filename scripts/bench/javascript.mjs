// JavaScript per request with no network: hello-world requests given to listeners through fake sockets,
// in one interpreter, timed inside it with getTime(), best of several interleaved rounds. CPU per request
// over sockets also counts the interpreter's idle loop, which spins while it waits for the client, and
// varies by a third from run to run on a shared machine; this figure varies by a few percent, so it is the
// one to optimise against (it showed, for one, that a single-use function inlined by terser is made, its
// text copied, at every call).
// - javascriptPerRequest: the core uploaded to RAM (as the CPU part runs it) against the lean responder;
// - compareCores: two or more core bundles against each other (compare.mjs runs it from the command line).
import { runScript, tempDir } from "../lib/interpreter.mjs";
import { LEAN_CONNECTION, uploadedModule } from "./apps.mjs";
import { HELLO_BODY, HELLO_REQUEST } from "./config.mjs";

const TIMEOUT_MS = 300000;

/**
 * Runs `setup` (which sets `listeners`, an object of connection listeners), then times each listener,
 * round after round, and prints the best microseconds per request of each, less the harness's own cost.
 */
function timingScript(setup, { requests, rounds }) {
  return `var listeners = {}, answer = "", checking = false;
function Socket() { this.listeners = {}; }
Socket.prototype.on = function (event, listener) { this.listeners[event] = listener; };
Socket.prototype.write = function (data) { if (checking) answer += data; return true; };
Socket.prototype.end = function () {};
// A picohttp core's server, listening on a fake net module: its connection listener goes in listeners.
function serve(picohttp, name) {
  var fakeNet = { createServer: function (listener) { listeners[name] = listener; return { listen: function () {}, close: function () {} }; } };
  new picohttp.HttpServer(80, function (request, response) {
    if (request.path[0] === "hello") response.data = ${JSON.stringify(HELLO_BODY)};
    else { response.status = 404; response.data = "Not Found"; }
  }, { net: fakeNet });
}
${setup}
var REQUEST = ${JSON.stringify(HELLO_REQUEST)};
// One socket per request, as over the network: accepted, its request in one piece, then its close (with
// the socket as 'this', as Espruino calls listeners).
function run(onConnection, n) {
  var start = getTime();
  for (var i = 0; i < n; i++) {
    var socket = new Socket();
    onConnection(socket);
    socket.listeners.data.call(socket, REQUEST);
    if (socket.listeners.close) socket.listeners.close.call(socket, false);
  }
  return (getTime() - start) * 1e6 / n;
}
function nothing(socket) { socket.on("data", function () {}); }
var names = Object.keys(listeners), best = { harness: 1e9 };
names.forEach(function (name) {
  answer = "";
  checking = true;
  run(listeners[name], 1);
  checking = false;
  if (answer.indexOf("HTTP/1.0 200 OK") !== 0 || answer.slice(-${HELLO_BODY.length}) !== ${JSON.stringify(HELLO_BODY)}) {
    throw new Error(name + " gave no hello-world answer: " + JSON.stringify(answer.substring(0, 80)));
  }
  run(listeners[name], 20);
  best[name] = 1e9;
});
for (var round = 0; round < ${rounds}; round++) {
  best.harness = Math.min(best.harness, run(nothing, ${requests}));
  names.forEach(function (name) { best[name] = Math.min(best[name], run(listeners[name], ${requests})); });
}
names.forEach(function (name) { best[name] -= best.harness; });
delete best.harness;
print("JAVASCRIPT " + JSON.stringify(best));
quit();
`;
}

function timeIt(bin, script) {
  const result = runScript(bin, tempDir("bench-js"), script, { file: "javascript.js", timeout: TIMEOUT_MS });
  const line = /JAVASCRIPT (\{[^\n]*\})/.exec(result.output);
  if (!line) {
    const error = /Uncaught [^\n]*/.exec(result.output);
    throw new Error(error ? error[0] : result.timedOut ? `no answer in ${TIMEOUT_MS / 1000} s` : "no figures in its output");
  }
  return JSON.parse(line[1]);
}

/**
 * Microseconds of JavaScript per request for picohttp (`bundle`) and the lean responder, on the
 * interpreter `bin`: { picohttp, lean, ratio, requests, rounds }. Throws when either does not answer.
 */
export function javascriptPerRequest(bin, bundle, { requests = 200, rounds = 5 } = {}) {
  const setup = uploadedModule(bundle) + `serve(require("picohttp"), "picohttp");
listeners.lean = ${LEAN_CONNECTION};`;
  const figures = timeIt(bin, timingScript(setup, { requests, rounds }));
  return { ...figures, ratio: figures.picohttp / figures.lean, requests, rounds };
}

/**
 * Microseconds of JavaScript per request for each core bundle (an array of their texts), measured in
 * one interpreter in interleaved rounds, so that the machine's speed is the same for all: an array of
 * figures in the bundles' order. Throws when one does not answer.
 */
export function compareCores(bin, bundles, { requests = 150, rounds = 9 } = {}) {
  const setup = bundles.map((bundle, i) => uploadedModule(bundle, "core" + i) + `serve(require("core${i}"), "core${i}");`).join("\n");
  const figures = timeIt(bin, timingScript(setup, { requests, rounds }));
  return bundles.map((_, i) => figures["core" + i]);
}
