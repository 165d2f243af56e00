// JavaScript per request with no network: the core uploaded to RAM (as the CPU part runs it) and the lean
// responder's listener each given the same hello-world request through fake sockets, in one interpreter,
// timed inside it with getTime(), best of several rounds. CPU per request over sockets also counts the
// interpreter's idle loop, which spins while it waits for the client, and varies by a third from run to
// run on a shared machine; this figure varies by a few percent, so it is the one to optimise against
// (it showed, for one, that a single-use function inlined by terser is made, its text copied, at every call).
import { runScript, tempDir } from "../lib/interpreter.mjs";
import { uploadedModule, LEAN_CONNECTION } from "./apps.mjs";
import { HELLO_BODY, HELLO_REQUEST } from "./config.mjs";

const TIMEOUT_MS = 120000;

/**
 * Microseconds of JavaScript per request for picohttp (`bundle`) and the lean responder, on the
 * interpreter `bin`: { picohttp, lean, ratio, requests, rounds }. Throws when either does not answer.
 */
export function javascriptPerRequest(bin, bundle, { requests = 200, rounds = 5 } = {}) {
  const script = uploadedModule(bundle) + `var picohttp = require("picohttp");
var accept, answer = "", checking = false;
var fakeNet = { createServer: function (listener) { accept = listener; return { listen: function () {}, close: function () {} }; } };
function Socket() { this.listeners = {}; }
Socket.prototype.on = function (event, listener) { this.listeners[event] = listener; };
Socket.prototype.write = function (data) { if (checking) answer += data; return true; };
Socket.prototype.end = function () {};
new picohttp.HttpServer(80, function (request, response) {
  if (request.path[0] === "hello") response.data = ${JSON.stringify(HELLO_BODY)};
  else { response.status = 404; response.data = "Not Found"; }
}, { net: fakeNet });
var lean = ${LEAN_CONNECTION};
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
function check(onConnection) {
  answer = "";
  checking = true;
  run(onConnection, 1);
  checking = false;
  if (answer.indexOf("HTTP/1.0 200 OK") !== 0 || answer.slice(-${HELLO_BODY.length}) !== ${JSON.stringify(HELLO_BODY)}) {
    throw new Error("no hello-world answer: " + JSON.stringify(answer.substring(0, 80)));
  }
}
check(accept);
check(lean);
run(accept, 20);
run(lean, 20);
var harness = 1e9, pico = 1e9, bare = 1e9;
for (var round = 0; round < ${rounds}; round++) {
  harness = Math.min(harness, run(nothing, ${requests}));
  pico = Math.min(pico, run(accept, ${requests}));
  bare = Math.min(bare, run(lean, ${requests}));
}
print("JAVASCRIPT " + JSON.stringify({ picohttp: pico - harness, lean: bare - harness }));
quit();
`;
  const result = runScript(bin, tempDir("bench-js"), script, { file: "javascript.js", timeout: TIMEOUT_MS });
  const line = /JAVASCRIPT (\{[^\n]*\})/.exec(result.output);
  if (!line) {
    const error = /Uncaught [^\n]*/.exec(result.output);
    throw new Error(error ? error[0] : result.timedOut ? `no answer in ${TIMEOUT_MS / 1000} s` : "no figures in its output");
  }
  const figures = JSON.parse(line[1]);
  return { ...figures, ratio: figures.picohttp / figures.lean, requests, rounds };
}
