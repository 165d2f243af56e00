// Listens on port 8080 and answers certain words in the request path.
var picohttp = require("picohttp");

// define the request handler
function requestHandler(request, response) {
  // look at the path and respond appropriately
  if (request.path[0] === "hello") {
    response.data = "Hello world!";
  } else if (request.path[0] === "goodbye") {
    response.data = "Goodbye cruel world";
  } else { // unknown request
    response.status = 404;
    response.data = "I don't know what to say";
  }
}

// create and start the HTTP server
var httpServer = new picohttp.HttpServer(8080, requestHandler);
