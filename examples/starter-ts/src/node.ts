// The same app on Node, for development: `npm start`, then open http://localhost:8080/. The light is a
// stand-in that prints what it is told; the page is read from www/ as the board reads it from Storage.
import { join } from "path";
import { HttpServer, directoryStorage, useStorage } from "picohttp";
import { handle, Light } from "./api";

useStorage(directoryStorage(join(__dirname, "..")));
const light: Light = {
  on: false,
  set: function (on) {
    light.on = on;
    console.log("light " + (on ? "on" : "off"));
  },
};
const port = Number(process.env.PORT) || 8080;
new HttpServer(port, handle, {
  args: [light],
  onError: function (error) {
    console.error(String(error && error.message || error));
    if (error && /cannot listen/.test(String(error.message))) process.exit(1);
  },
});
console.log("starter: http://localhost:" + port + "/");
