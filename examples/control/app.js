// A control page for a device: the page (www/) is served from Storage, and a small JSON API reads the
// device's state and switches its outputs. Plain ES5 that runs unchanged on a board (Espruino) and on
// Node (against a simulated device). Espruino hoists nothing: everything is defined before it is used.
//
//   GET  /api/state           the device's state: outputs, reading, temperature, uptime, memory
//   GET  /api/events          the same state, pushed as server-sent events whenever it changes
//   GET  /api/outputs/<n>     output n: {"id", "label", "on"}
//   PUT  /api/outputs/<n>     sets output n: body {"on":true} or {"on":false}; kept across a restart
//   GET  /api/settings        {"name": ..., "labels": [...]}
//   PUT  /api/settings        changes and saves them (Storage on a board, a file on Node)
//   PUT  /api/password        {"password": ...}: from then on settings, the password and uploads need it
//   PUT  /files/<name>        replaces a web file (www/<name>); DELETE removes one
//
// The modules it uses beyond the core, each loaded on first use (on a small board a module costs memory
// only once it is needed): picohttp/events for the live state, picohttp/auth once something is to be
// changed, picohttp/upload for web files.
var isNode = typeof process !== "undefined" && !!process.versions && !!process.versions.node;

// On Node, node-device.js simulates the device and says where the page and the settings are. (Its name
// is in a variable: the espruino tool would try to fetch a quoted one for the board.)
var nodeSide = "./node-device.js";
var node = isNode ? require(nodeSide) : undefined;
var picohttp = require("picohttp");
if (node) picohttp.useStorage(node.storage);
// The board's limits (and HTTP port), written to Storage by `npm run flash`; none on Node.
var serverOptions = picohttp.load("picohttp.json", {});
var PORT = node ? node.port : serverOptions.port || 80;
if (node) serverOptions.onError = node.onError;
var device = node ? node.device : undefined;

if (!device) {
  // The board's own pins. D2 drives the on-board LED of most ESP32 and ESP8266 boards (active low on
  // the ESP8266); analog and temperature are read where the board has them.
  device = (function () {
    var board = process.env.BOARD || "";
    var esp8266 = board.substr(0, 7) === "ESP8266"; // not indexOf: see find() in src/core/text.ts
    var pins = [D2, D4];
    var inverted = [esp8266, false];
    var states = [false, false];
    var started = getTime();
    var i;
    for (i = 0; i < pins.length; i++) digitalWrite(pins[i], inverted[i] ? 1 : 0);
    return {
      board: board,
      outputs: pins.length,
      getOutput: function (n) { return states[n]; },
      setOutput: function (n, on) {
        states[n] = !!on;
        digitalWrite(pins[n], states[n] !== inverted[n] ? 1 : 0);
      },
      read: function () {
        // After a garbage collection (process.memory()'s default): what is really free.
        var memory = process.memory();
        var temperature = typeof E.getTemperature === "function" ? E.getTemperature() : NaN;
        var analog = NaN;
        if (esp8266) analog = analogRead(A0);
        else if (board === "ESP32") analog = analogRead(D36);
        return {
          temperature: isNaN(temperature) ? null : Math.round(temperature * 10) / 10,
          analog: isNaN(analog) ? null : Math.round(analog * 1000) / 1000,
          uptime: Math.floor(getTime() - started),
          memory: { free: memory.free, total: memory.total, unit: "blocks" }
        };
      }
    };
  })();
}

var SETTINGS = "control.json";
var OUTPUTS = "control.outputs.json";
var settings = picohttp.load(SETTINGS, null);

function defaultLabel(n) {
  return "Output " + (n + 1);
}

function cleanSettings(value) {
  var clean = { name: "picohttp device", labels: [] };
  var n;
  if (value && typeof value.name === "string" && value.name.length) clean.name = value.name.substr(0, 40);
  for (n = 0; n < device.outputs; n++) {
    var label = value && value.labels instanceof Array ? value.labels[n] : undefined;
    clean.labels.push(typeof label === "string" && label.length ? label.substr(0, 24) : defaultLabel(n));
  }
  return clean;
}
settings = cleanSettings(settings);

// Outputs come back as they were before a restart (saved at each change).
(function () {
  var saved = picohttp.load(OUTPUTS, []);
  for (var n = 0; n < device.outputs; n++) device.setOutput(n, saved instanceof Array && saved[n] === true);
})();

function output(n) {
  return { id: n, label: settings.labels[n], on: device.getOutput(n) };
}

function state() {
  var reading = device.read();
  var outputs = [];
  var n;
  for (n = 0; n < device.outputs; n++) outputs.push(output(n));
  return {
    name: settings.name,
    board: device.board,
    outputs: outputs,
    temperature: reading.temperature,
    analog: reading.analog,
    uptime: reading.uptime,
    memory: reading.memory,
    live: LISTENERS > 0
  };
}

// Live state: the events module is loaded when the first page subscribes. While anyone listens the
// state goes out when it changes and every 5 s (uptime, temperature); a page that cannot subscribe
// (the channel is full, or the board has no room for it) polls /api/state instead.
// Each page listening holds a connection open: on the 1600-variable heap the events module and one
// listener hold some 170 variables, and a request from Chromium (some 16 header fields) some 250 while it
// is handled: with both, a settings change was refused with 503 (measured). So a heap that small
// (an ESP8266's) keeps no listener, and its pages poll; a larger one keeps two.
var LISTENERS = isNode || process.memory().total > 2000 ? 2 : 0;
var live;
var ticker;
function publish() {
  if (!live) return;
  if (!live.subscribers.length) {
    clearInterval(ticker);
    ticker = undefined;
    return;
  }
  live.send(state());
}
function subscribe(request, response) {
  if (!LISTENERS) return sendJSON(response, 503, { error: "no live updates on this board: poll /api/state" });
  if (!live) live = new (require("picohttp/events").Channel)({ max: LISTENERS });
  live.subscribe(request, response);
  if (response.status === 200) {
    // The page gets the state at once rather than 5 s later.
    setTimeout(publish, 0);
    if (!ticker) ticker = setInterval(publish, 5000);
  }
}

function sendJSON(response, status, value) {
  response.status = status;
  response.headers["Cache-Control"] = "no-store";
  response.data = value;
}

function notAllowed(response, allowed) {
  response.headers.Allow = allowed;
  sendJSON(response, 405, { error: "use " + allowed });
}

// The body as JSON; or undefined, the response filled in (415 for another type, 400 for what is not JSON).
function jsonBody(request, response) {
  var type = String(request.header("Content-Type") || "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") return sendJSON(response, 415, { error: "send application/json" });
  try {
    return JSON.parse(request.data);
  } catch (error) {
    sendJSON(response, 400, { error: "the body is not JSON" });
  }
}

// picohttp/auth is loaded by the first request that changes settings, the password or the web files
// (see guard() below): reading the state and switching outputs never load it.
var auth;

// The API, dispatched by hand in one function rather than with picohttp/router: on a board this code stays
// in flash, where a table of routes would hold some 120 variables of the heap for good (measured on the
// 1600-variable heap), more than a small board can spare beside a live page.
function api(request, response) {
  var path = request.path;
  var what;
  var method = request.method;
  var reading = method === "GET" || method === "HEAD";
  var allowed = "GET, HEAD, PUT";
  var body, n, i;
  if (path.length === 3 && path[1] === "outputs") {
    n = parseInt(path[2], 10);
    if (String(n) !== path[2] || n < 0 || n >= device.outputs) return sendJSON(response, 404, { error: "no such output" });
    if (reading) return sendJSON(response, 200, output(n));
    if (method !== "PUT") return notAllowed(response, allowed);
    body = jsonBody(request, response);
    if (body === undefined) return;
    // A state, not a toggle: sending the same request twice (a double click) leaves it as asked.
    if (!body || typeof body.on !== "boolean") return sendJSON(response, 400, { error: "send {\"on\":true|false}" });
    if (device.getOutput(n) !== body.on) {
      device.setOutput(n, body.on);
      var outputs = [];
      for (i = 0; i < device.outputs; i++) outputs.push(device.getOutput(i));
      picohttp.save(OUTPUTS, outputs);
      publish();
    }
    return sendJSON(response, 200, output(n));
  }
  if (path.length !== 2) return sendJSON(response, 404, { error: "no such API" });
  what = path[1];
  if (what === "state" || what === "events") {
    if (!reading) return notAllowed(response, "GET, HEAD");
    return what === "state" ? sendJSON(response, 200, state()) : subscribe(request, response);
  }
  if (what === "settings") {
    if (reading) return sendJSON(response, 200, settings);
    if (method !== "PUT") return notAllowed(response, allowed);
    body = jsonBody(request, response);
    if (body === undefined) return;
    if (!body || typeof body !== "object" || body instanceof Array) return sendJSON(response, 400, { error: "send a JSON object" });
    settings = cleanSettings({ name: body.name === undefined ? settings.name : body.name,
      labels: body.labels === undefined ? settings.labels : body.labels });
    picohttp.save(SETTINGS, settings);
    publish();
    return sendJSON(response, 200, settings);
  }
  if (what === "password") {
    if (method !== "PUT") return notAllowed(response, "PUT");
    body = jsonBody(request, response);
    if (body === undefined) return;
    var password = body && body.password;
    if (typeof password !== "string" || password.length > 64) return sendJSON(response, 400, { error: "send {\"password\": \"...\"} (\"\" for none)" });
    // Reached only through guard(), which has loaded picohttp/auth.
    auth.setPassword("admin", password);
    return sendJSON(response, 200, { password: auth.hasPassword() });
  }
  sendJSON(response, 404, { error: "no such API" });
}

function routed(request, response) {
  if (request.path[0] === "api") return api(request, response);
  picohttp.staticResource(request, response, "www");
}

// Uploads of web files (PUT /files/<name>): the module is loaded on the first one.
var uploads;
function files() {
  if (!uploads) uploads = require("picohttp/upload").uploads(routed, { path: "/files/", staticBase: "www" });
  return uploads;
}
function handler(request, response) {
  return request.path[0] === "files" ? files()(request, response) : routed(request, response);
}
handler.receive = function (request, length) {
  return request.path[0] === "files" ? files().receive(request, length) : undefined;
};

// Once the owner sets a password (user "admin"), changing settings, the password or the web files needs
// it; reading the state and switching outputs do not.
function needsPassword(request) {
  var path = request.path;
  return request.method !== "GET" && request.method !== "HEAD" && !(path[0] === "api" && path[1] === "outputs");
}
var guarded;
function guard(request) {
  if (!needsPassword(request)) return handler;
  if (!guarded) {
    auth = require("picohttp/auth");
    guarded = auth.basic(handler, "picohttp device", needsPassword);
  }
  return guarded;
}
function entry(request, response) {
  return guard(request)(request, response);
}
entry.receive = function (request, length) {
  return guard(request).receive(request, length);
};
var server = new picohttp.HttpServer(PORT, entry, serverOptions);
console.log("control: open http://" + (isNode ? "localhost" : "<board address>") + ":" + PORT + "/");
