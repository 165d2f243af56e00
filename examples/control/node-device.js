// The Node side of the control example: a simulated device, the port, and the storage the app uses.
// On a board, Storage holds the page ("www/index.html", ...) and the saved settings side by side; here
// the page comes from this folder and anything saved goes to CONTROL_DATA (default: .local/control in
// the repository, which git ignores), whatever the working directory.
var path = require("path");
var picohttp = require("picohttp");

var www = picohttp.directoryStorage(__dirname);
var data = picohttp.directoryStorage(process.env.CONTROL_DATA || path.join(__dirname, "..", "..", ".local", "control"));
// Everything written (settings, outputs, the password, uploaded web files) goes to the data folder, and
// is read from there first: an uploaded www/index.html replaces this folder's, which stays untouched.
function pick(name) {
  return name.indexOf("www/") === 0 && data.size(name) === undefined ? www : data;
}
exports.storage = {
  size: function (name) { return pick(name).size(name); },
  read: function (name, offset, length) { return pick(name).read(name, offset, length); },
  write: function (name, bytes, offset, size) { data.write(name, bytes, offset, size); },
  erase: function (name) { data.erase(name); },
  getFree: function () { return data.getFree(); }
};

var started = Date.now();
var outputs = [false, false];

exports.port = process.env.PORT ? parseInt(process.env.PORT, 10) : 8080;

exports.device = {
  board: "simulated (Node " + process.version + ")",
  outputs: outputs.length,
  getOutput: function (n) { return outputs[n]; },
  setOutput: function (n, on) { outputs[n] = !!on; },
  read: function () {
    var seconds = (Date.now() - started) / 1000;
    var memory = process.memoryUsage();
    return {
      // A room that warms a little while the first output (a heater, say) is on.
      temperature: Math.round((21 + Math.sin(seconds / 60) + (outputs[0] ? 1.5 : 0) + Math.random() * 0.2) * 10) / 10,
      analog: Math.round((0.5 + 0.4 * Math.sin(seconds / 7)) * 1000) / 1000,
      uptime: Math.floor(seconds),
      memory: { free: memory.heapTotal - memory.heapUsed, total: memory.heapTotal, unit: "bytes" }
    };
  }
};

// Errors on the console, as picohttp's default does; a port already taken ends the process with status 1
// (the page is not being served) instead of leaving it to exit quietly.
exports.onError = function (error, request) {
  if (!request && /cannot listen/.test(String(error && error.message))) {
    console.log(error.message + (/EADDRINUSE/.test(error.message) ? " (taken: stop what uses it, or choose another port: PORT=8081 npm start)" : ""));
    process.exit(1);
  }
  console.log("picohttp:", error && error.stack ? error.stack : String(error));
};
