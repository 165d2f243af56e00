// The conformance app (issue 9): one handler with a route for every behaviour the table in cases.ts checks,
// run on every target. Plain ES5 for Espruino: functions are declared before they are used (nothing is
// hoisted there), every `var` is at the top of its function, no multi-character indexOf (it misfinds on
// Espruino 2v29), and no object ever gets a "__proto__" key (that crashes the interpreter).
//
//   conformanceApp(picohttp, options) starts two servers and returns { servers, close }:
//   - main, on options.ports[0]: every route below, with options.limits;
//   - minimal, on options.ports[1]: no handler, as examples/minimal.js (staticResource's defaults), with
//     options.tight over the limits: one connection at a time, a queue of one, a short header timeout, for
//     the 503 and 408 cases (which never reach a handler). One server for both: on a 1600-variable heap
//     each server costs about 150 variables.
//   options.net is the fake network (Node tests); options.store the file rest-store's items are saved to.
//
// On a board it is a Storage module: require("conformance").conformanceApp(require("picohttp"), {...}).

function conformanceApp(picohttp, options) {
  // onError's calls by request path ("status/n/0"); /errors/<path> tells how many and forgets them.
  var errors = {};
  // The /kv/ store (JSON round trips).
  var store = {};
  // examples/rest-store.js's items, loaded as it loads them.
  var dataFileName = options.store;
  var dataDict = picohttp.load(dataFileName, {});

  function onError(error, request) {
    var key = request && request.path ? request.path.join("/") : "(none)";
    errors[key] = (errors[key] || 0) + 1;
  }

  // The bytes the streams produce (cases.ts pattern()).
  function pattern(offset, count) {
    var s = "";
    for (var i = offset; i < offset + count; i++) s += String.fromCharCode((i * 13 + 7) & 255);
    return s;
  }

  function patternBytes(offset, count) {
    var bytes = new Uint8Array(count);
    for (var i = 0; i < count; i++) bytes[i] = ((offset + i) * 13 + 7) & 255;
    return bytes;
  }

  // The request with its first path segment (the route) removed.
  function shifted(request) {
    request.path = request.path.slice(1);
    return request;
  }

  // Every field of the HttpRequest, as JSON made by picohttp.
  function echo(request, response) {
    response.data = {
      method: request.method, path: request.path, query: request.query, protocol: request.protocol,
      headers: request.headers, lookup: request.header("x-lookup"), data: request.data,
    };
  }

  // /status/<kind>/<text>: sets response.status to a number, a string, or another kind of value.
  function status(request, response) {
    var kind = request.path[1];
    var text = request.path[2];
    if (kind === "n") response.status = Number(text);
    else if (kind === "s") response.status = text === undefined ? "" : text;
    else if (kind === "nan") response.status = NaN;
    else if (kind === "null") response.status = null;
    else if (kind === "true") response.status = true;
    else if (kind === "object") response.status = {};
    else response.status = undefined;
    response.data = "body";
  }

  // /headers?Name=value...: the query's pairs as response headers, in order.
  function headers(request, response) {
    var name;
    if (request.path[1] === "number") {
      response.headers["X-Number"] = 42;
    } else {
      for (name in request.query) response.headers[name] = request.query[name];
    }
    response.data = "h";
  }

  function jsonRoute(request, response) {
    var kind = request.path[1];
    if (kind === "object") {
      response.data = { text: "plain", number: 42, float: 1.5, flag: true, none: null, list: [1, "two", false], nested: { k: "v" } };
    } else if (kind === "array") {
      response.data = ["a", 1, { b: null }];
    } else if (kind === "escapes") {
      response.data = { s: "quote\" backslash\\ slash/ tab\t nl\n cr\r" };
    } else if (kind === "after") {
      response.headers["X-Before"] = "1";
      response.data = { a: 1 };
    } else if (kind === "typed") {
      response.headers["Content-Type"] = "application/vnd.x+json";
      response.data = { a: 1 };
    } else if (kind === "lower") {
      response.headers["content-type"] = "text/x";
      response.data = { a: 1 };
    } else if (kind === "query") {
      response.data = request.query;
    } else {
      response.data = { text: "Küche" };
    }
  }

  function bytes(request, response) {
    var kind = request.path[1];
    if (kind === "u8") response.data = new Uint8Array([0, 1, 127, 128, 255]);
    else if (kind === "buffer") response.data = new Uint8Array([104, 105]).buffer;
    else response.data = new Uint8Array([1, 2, 3, 4, 5]).subarray(1, 3);
  }

  // /stream/<length>/<kind>: a stream with a length, of Uint8Array pieces, without a length, or a function.
  function stream(request, response) {
    var total = Number(request.path[1]);
    var kind = request.path[2];
    function read(offset, size) {
      return offset >= total ? "" : pattern(offset, Math.min(size, total - offset));
    }
    if (kind === "length") {
      response.data = { length: total, read: read };
    } else if (kind === "u8") {
      response.data = {
        length: total,
        read: function (offset, size) { return offset >= total ? undefined : patternBytes(offset, Math.min(size, total - offset)); },
      };
    } else if (kind === "open") {
      response.data = { read: read };
    } else {
      response.data = read;
    }
  }

  // /kv/<name>: PUT a JSON body, GET it back as JSON made by picohttp, DELETE it.
  function kv(request, response) {
    var name = "kv:" + request.path[1];
    if (request.method === "PUT") {
      try {
        store[name] = JSON.parse(request.data);
        response.status = 204;
      } catch (error) {
        response.status = 400;
        response.data = "bad json";
      }
    } else if (request.method === "DELETE") {
      delete store[name];
      response.status = 204;
    } else if (store[name] !== undefined) {
      response.data = store[name];
    } else {
      response.status = 404;
    }
  }

  // examples/hello.js's handler, as it is.
  function helloHandler(request, response) {
    if (request.path[0] === "hello") {
      response.data = "Hello world!";
    } else if (request.path[0] === "goodbye") {
      response.data = "Goodbye cruel world";
    } else {
      response.status = 404;
      response.data = "I don't know what to say";
    }
  }

  // examples/rest-store.js's handler, as it is.
  function hasItem(dict, name) {
    return typeof dict[name] === "string";
  }
  function restHandler(request, response, dataFileName, dataDict) {
    var name = request.path[0];
    try {
      if (request.method === "GET") {
        if (name === "") {
          response.data = JSON.stringify(dataDict);
          response.headers["Content-Type"] = "application/json";
        } else if (hasItem(dataDict, name)) {
          response.data = dataDict[name];
        } else {
          response.status = 404;
        }
      } else if (request.method === "PUT") {
        if (name !== "" && name !== "__proto__") {
          dataDict[name] = request.data;
          picohttp.save(dataFileName, dataDict);
        } else {
          response.status = 400;
        }
      } else if (request.method === "DELETE") {
        if (hasItem(dataDict, name)) {
          delete dataDict[name];
          picohttp.save(dataFileName, dataDict);
        } else {
          response.status = 404;
        }
      } else {
        response.status = 501;
      }
    } catch (ex) {
      response.status = 500;
      response.data = String(ex);
    }
  }

  function handler(request, response) {
    var route = request.path[0];
    var key;
    if (route === "echo" || request.method === "ECHO") return echo(request, response);
    if (route === "ok") { response.data = "ok"; return; }
    if (route === "empty") return;
    if (route === "null") { response.data = null; return; }
    if (route === "raw") { response.data = request.data; return; }
    if (route === "status") return status(request, response);
    if (route === "headers") return headers(request, response);
    if (route === "json") return jsonRoute(request, response);
    if (route === "bytes") return bytes(request, response);
    if (route === "stream") return stream(request, response);
    if (route === "protocol") { response.protocol = request.path[1]; response.data = "ok"; return; }
    if (route === "text") { response.data = request.path[1] === "literal" ? "Küche €" : "K\u00fcche"; return; }
    if (route === "throw") throw new Error("thrown on purpose");
    if (route === "reject") return new Promise(function (resolve, reject) { reject(new Error("rejected on purpose")); });
    if (route === "async") {
      return new Promise(function (resolve) {
        setTimeout(function () { response.data = "later"; resolve(); }, 20);
      });
    }
    if (route === "errors") {
      key = request.path.slice(1).join("/");
      response.data = String(errors[key] || 0);
      delete errors[key];
      return;
    }
    if (route === "kv") return kv(request, response);
    if (route === "rest") return restHandler(shifted(request), response, dataFileName, dataDict);
    if (route === "www") return picohttp.staticResource(shifted(request), response, "www");
    if (route === "mime") return picohttp.staticResource(shifted(request), response, "www", "index.html", options.defaultMime);
    if (route === "index") return picohttp.staticResource(shifted(request), response, "www", "page.txt");
    if (route === "root") return picohttp.staticResource(shifted(request), response);
    return helloHandler(request, response);
  }

  function serverOptions(extra) {
    var result = {};
    var key;
    for (key in options.limits) result[key] = options.limits[key];
    for (key in extra) result[key] = extra[key];
    result.onError = onError;
    if (options.net) result.net = options.net;
    if (options.block !== undefined) result.block = options.block;
    return result;
  }

  var servers = [
    new picohttp.HttpServer(options.ports[0], handler, serverOptions({})),
    new picohttp.HttpServer(options.ports[1], undefined, serverOptions(options.tight)),
  ];
  return {
    servers: servers,
    close: function () { for (var i = 0; i < servers.length; i++) servers[i].close(); },
  };
}

if (typeof exports !== "undefined") exports.conformanceApp = conformanceApp;
