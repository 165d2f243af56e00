// A control page for a device: the page (www/) is served from Storage, and a small JSON API reads the
// device's state and switches its outputs. Plain ES5 that runs unchanged on a board (Espruino) and on
// Node (against a simulated device). Espruino hoists nothing: everything is defined before it is used.
//
//   GET  /api/state           the device's state: outputs, reading, temperature, uptime, memory
//   POST /api/output/<n>      toggles output n
//   PUT  /api/output/<n>      sets output n: body {"on":true} or {"on":false}
//   GET  /api/settings        {"name": ..., "labels": [...]}
//   PUT  /api/settings        changes and saves them (Storage on a board, a file on Node)
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
        var memory = process.memory(false);
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

function state() {
  var reading = device.read();
  var outputs = [];
  var n;
  for (n = 0; n < device.outputs; n++) outputs.push({ id: n, label: settings.labels[n], on: device.getOutput(n) });
  return {
    name: settings.name,
    board: device.board,
    outputs: outputs,
    temperature: reading.temperature,
    analog: reading.analog,
    uptime: reading.uptime,
    memory: reading.memory
  };
}

function sendJSON(response, status, value) {
  response.status = status;
  response.headers["Content-Type"] = "application/json";
  response.headers["Cache-Control"] = "no-store";
  response.data = JSON.stringify(value);
}

function parseBody(request) {
  try {
    return JSON.parse(request.data);
  } catch (error) {
    return undefined;
  }
}

function outputIndex(text) {
  var n = parseInt(text, 10);
  return String(n) === text && n >= 0 && n < device.outputs ? n : -1;
}

function api(request, response) {
  var what = request.path[1];
  var method = request.method;
  var body;
  if (what === "state" && request.path.length === 2) {
    if (method !== "GET") return sendJSON(response, 405, { error: "use GET" });
    return sendJSON(response, 200, state());
  }
  if (what === "output" && request.path.length === 3) {
    var n = outputIndex(request.path[2]);
    if (n < 0) return sendJSON(response, 404, { error: "no such output" });
    if (method === "POST") {
      device.setOutput(n, !device.getOutput(n));
    } else if (method === "PUT") {
      body = parseBody(request);
      if (!body || typeof body.on !== "boolean") return sendJSON(response, 400, { error: "send {\"on\":true|false}" });
      device.setOutput(n, body.on);
    } else if (method !== "GET") {
      return sendJSON(response, 405, { error: "use GET, POST or PUT" });
    }
    return sendJSON(response, 200, { id: n, label: settings.labels[n], on: device.getOutput(n) });
  }
  if (what === "settings" && request.path.length === 2) {
    if (method === "PUT") {
      body = parseBody(request);
      if (!body || typeof body !== "object") return sendJSON(response, 400, { error: "send a JSON object" });
      if (body.name === undefined) body.name = settings.name;
      if (body.labels === undefined) body.labels = settings.labels;
      settings = cleanSettings(body);
      picohttp.save(SETTINGS, settings);
    } else if (method !== "GET") {
      return sendJSON(response, 405, { error: "use GET or PUT" });
    }
    return sendJSON(response, 200, settings);
  }
  sendJSON(response, 404, { error: "no such API" });
}

function handler(request, response) {
  if (request.path[0] === "api") return api(request, response);
  picohttp.staticResource(request, response, "www");
}

var server = new picohttp.HttpServer(PORT, handler, serverOptions);
console.log("control: open http://" + (isNode ? "localhost" : "<board address>") + ":" + PORT + "/");
