// The servers the benchmark runs, each answering GET /hello with "Hello world!" (and 404 otherwise):
// picohttp, Espruino's built-in http, and a lean hand-written `net` responder on Espruino; picohttp,
// node:http and a bare net floor on Node.
import { NODE_BUNDLE } from "../lib/library.mjs";
import { sayWhenListening } from "../lib/net.mjs";
import { HELLO_BODY } from "./config.mjs";

/** The core as the espruino tool uploads it to RAM: a cached module (`name`) ahead of the app. */
export function uploadedModule(bundle, name = "picohttp") {
  return `Modules.addCached(${JSON.stringify(name)},function(){${bundle}\n});\n`;
}

/** picohttp's hello world: the core from Storage, or (`bundle`) uploaded to RAM. */
export function picoApp(port, bundle) {
  return (bundle ? uploadedModule(bundle) : "") + `var picohttp = require("picohttp");
new picohttp.HttpServer(${port}, function (request, response) {
  if (request.path[0] === "hello") {
    response.data = ${JSON.stringify(HELLO_BODY)};
  } else {
    response.status = 404;
    response.data = "Not Found";
  }
});
print("READY");
`;
}

export function builtinApp(port) {
  return `require("http").createServer(function (req, res) {
  if (req.url === "/hello") {
    res.writeHead(200, { "Content-Length": 12 });
    res.end(${JSON.stringify(HELLO_BODY)});
  } else {
    res.writeHead(404, { "Content-Length": 9 });
    res.end("Not Found");
  }
}).listen(${port});
print("READY");
`;
}

/**
 * The floor for a parser in JavaScript: request line and header fields split into an object with
 * indexOf/substring, an HTTP/1.0 answer with Content-Length, then close. Its connection listener, as
 * Espruino source (also given fake sockets by javascript.mjs).
 */
export const LEAN_CONNECTION = `function (socket) {
  var buffer = "";
  socket.on("data", function (chunk) {
    buffer += chunk;
    var end = buffer.indexOf("\\r\\n\\r\\n");
    if (end < 0) return;
    var head = buffer.substring(0, end);
    buffer = "";
    var eol = head.indexOf("\\r\\n");
    if (eol < 0) eol = head.length;
    var line = head.substring(0, eol);
    var first = line.indexOf(" "), last = line.lastIndexOf(" ");
    var request = { method: line.substring(0, first), target: line.substring(first + 1, last),
      protocol: line.substring(last + 1), headers: {} };
    var at = eol + 2;
    while (at < head.length) {
      var next = head.indexOf("\\r\\n", at);
      if (next < 0) next = head.length;
      var colon = head.indexOf(":", at);
      if (colon > at && colon < next) request.headers[head.substring(at, colon)] = head.substring(colon + 1, next).trim();
      at = next + 2;
    }
    var found = request.target === "/hello";
    var body = found ? ${JSON.stringify(HELLO_BODY)} : "Not Found";
    socket.write("HTTP/1.0 " + (found ? "200 OK" : "404 Not Found") + "\\r\\nContent-Length: " + body.length +
      "\\r\\n\\r\\n" + body);
    socket.end();
  });
}`;

export function leanApp(port) {
  return `require("net").createServer(${LEAN_CONNECTION}).listen(${port});
print("READY");
`;
}

/** A Node server script of `kind` ("picohttp", "node:http" or "net floor") on 127.0.0.1:`port`. */
export function nodeServerScript(kind, port) {
  if (kind === "picohttp") {
    return `const { HttpServer } = require(${JSON.stringify(NODE_BUNDLE)});
new HttpServer(${port}, function (request, response) {
  if (request.path[0] === "hello") {
    response.data = ${JSON.stringify(HELLO_BODY)};
  } else {
    response.status = 404;
    response.data = "Not Found";
  }
}, { host: "127.0.0.1" });
${sayWhenListening(port, "READY")}
`;
  }
  if (kind === "node:http") {
    return `require("node:http").createServer(function (req, res) {
  const found = req.url === "/hello";
  const body = found ? ${JSON.stringify(HELLO_BODY)} : "Not Found";
  res.writeHead(found ? 200 : 404, { "Content-Length": body.length, "Connection": "close" });
  res.end(body);
}).listen(${port}, "127.0.0.1", () => console.log("READY"));
`;
  }
  // The floor: answer as soon as the head is complete, without looking at it.
  return `require("node:net").createServer(function (socket) {
  let head = "";
  socket.setEncoding("latin1");
  socket.on("error", () => {});
  socket.on("data", (chunk) => {
    head += chunk;
    if (head.indexOf("\\r\\n\\r\\n") >= 0) socket.end("HTTP/1.0 200 OK\\r\\nContent-Length: 12\\r\\n\\r\\n${HELLO_BODY}");
  });
}).listen(${port}, "127.0.0.1", () => console.log("READY"));
`;
}
