// The minimal server: serves the files where the app runs from (board flash on a board, the
// working directory on Node) on port 80.
var picohttp = require("picohttp");

new picohttp.HttpServer();
