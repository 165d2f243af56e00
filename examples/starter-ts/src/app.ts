// The board's entry: `npm run flash` bundles this file (and src/api.ts) to one ES5 script and puts it
// on the board, with picohttp and www/ in Storage. D2 is the LED of most ESP32 and ESP8266 boards.
import { HttpServer } from "picohttp/espruino";
import { handle, Light } from "./api";

// The HTTP port and limits `picohttp flash` wrote for this board.
const options: { port?: number } = require("Storage").readJSON("picohttp.json", true) || {};

const light: Light = {
  on: false,
  set: function (on) {
    light.on = on;
    digitalWrite(D2, on);
  },
};
digitalWrite(D2, false);

new HttpServer(options.port || 80, handle, [light]);
console.log("starter: listening on port " + (options.port || 80));
