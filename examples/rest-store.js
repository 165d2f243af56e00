// A REST server that creates, updates and deletes items kept in a JSON file (a Storage file on a board,
// a file in the working directory on Node). picohttp.save() survives a crash or power cut mid-write.
var picohttp = require("picohttp");

var dataFileName = "test.json";
var httpPort = 8765;

// Values are strings; anything else under a name (an inherited property) is not an item.
function hasItem(dataDict, name) {
  return typeof dataDict[name] === "string";
}

function requestHandler(request, response, dataFileName, dataDict) {
  var name = request.path[0];
  try {
    if (request.method === "GET") {
      if (name === "") { // return all items as json (picohttp writes the JSON: UTF-8 text stays UTF-8 on a board)
        response.data = dataDict;
        response.headers["Content-Type"] = "application/json";
      } else if (hasItem(dataDict, name)) { // return a specific item
        response.data = dataDict[name];
      } else {
        response.status = 404; // Not found
      }
    } else if (request.method === "PUT") { // create or update an item
      if (name !== "" && name !== "__proto__") {
        dataDict[name] = request.data;
        picohttp.save(dataFileName, dataDict);
      } else {
        response.status = 400; // Bad request
      }
    } else if (request.method === "DELETE") { // delete an item
      if (hasItem(dataDict, name)) {
        delete dataDict[name];
        picohttp.save(dataFileName, dataDict);
      } else {
        response.status = 404; // Not found
      }
    } else {
      response.status = 501; // Not implemented
    }
  } catch (ex) {
    response.status = 500; // Internal server error
    response.data = String(ex);
  }
}

// load the data if the file exists
var dataDict = picohttp.load(dataFileName, {});

var httpServer = new picohttp.HttpServer(httpPort, requestHandler, [dataFileName, dataDict]);
