// The router's guard before it parses a body: JSON nested too deep is 400, a body that would not fit in
// the memory free is 413, and neither reaches the route's handler. (What bodyCost's bound is measured
// against, on the interpreter: test/interpreter/router.espruino.test.ts.)
import test from "ava";
import { MAX_JSON_DEPTH, bodyCost, routeWith, RouterPlatform } from "../../src/router";
import { HttpRequest } from "../../src/core/request";
import { HttpResponse } from "../../src/core/response";
import { parseTarget } from "../../src/core/url";

test("bodyCost: -1 past MAX_JSON_DEPTH levels; brackets inside strings, escaped quotes included, do not count", (t) => {
  t.is(MAX_JSON_DEPTH, 16);
  t.true(bodyCost("[".repeat(16) + "]".repeat(16), "json") > 0);
  t.is(bodyCost("[".repeat(17) + "]".repeat(17), "json"), -1);
  t.is(bodyCost("{\"a\":".repeat(17) + "1" + "}".repeat(17), "json"), -1);
  t.is(bodyCost("[".repeat(17), "json"), -1, "unbalanced: parsing would still build every level");
  t.true(bodyCost('["' + "[".repeat(40) + '\\"' + "{".repeat(40) + '"]', "json") > 0);
  t.true(bodyCost("[".repeat(40), "form") > 0, "a form has no depth");
});

test("bodyCost: two variables a value and one per 8 bytes for JSON; five a field and one per 4 bytes for a form", (t) => {
  t.is(bodyCost("[1,2,3]", "json"), 2 * 4 + 0);
  t.is(bodyCost('{"a":[1,2],"b":{"c":"x,y"}}', "json"), 2 * 6 + 3, "the comma in a string is not counted");
  t.is(bodyCost("a=1&b=2&c", "form"), 5 * 3 + 2);
});

function routed(free?: () => number) {
  const seen: unknown[] = [];
  const platform: RouterPlatform = {
    fallback: (request, response) => { response.status = 404; },
    parseForm: (body) => parseTarget("/?" + body).query,
    free,
  };
  const handler = routeWith(platform, [
    ["PUT", "/json", (request, response) => { seen.push(request.body); response.data = "ok"; }, "json"],
    ["POST", "/form", (request, response) => { seen.push(request.body); response.data = "ok"; }, "form"],
  ]);
  const send = (path: string, type: string, body: string) => {
    const request = new HttpRequest(path === "/json" ? "PUT" : "POST", [path.substring(1)], {}, "HTTP/1.0", { "Content-Type": type }, body);
    const response = new HttpResponse();
    handler(request, response);
    return response;
  };
  return { send, seen };
}

test("too deep JSON is 400 and the handler does not run", (t) => {
  const { send, seen } = routed();
  const response = send("/json", "application/json", "[".repeat(17) + "]".repeat(17));
  t.is(response.status, 400);
  t.deepEqual(response.data, { error: "the JSON is nested more than 16 levels deep" });
  t.deepEqual(seen, []);
});

test("a body whose bound does not fit in the memory free (less 64) is 413; one that fits is parsed", (t) => {
  let free = 1000;
  const { send, seen } = routed(() => free);
  const json = "[" + Array(100).fill(1).join(",") + "]"; // bound 2 * 101 + 201 / 8 = 227
  const form = Array.from({ length: 20 }, (_, i) => "k" + i + "=v").join("&"); // bound 5 * 20 + 23 = 123
  t.is(send("/json", "application/json", json).status, 200);
  t.is(send("/form", "application/x-www-form-urlencoded", form).status, 200);
  free = 227 + 64;
  t.is(send("/json", "application/json", json).status, 200, "exactly enough");
  free = 227 + 63;
  const refused = send("/json", "application/json", json);
  t.is(refused.status, 413);
  t.deepEqual(refused.data, { error: "the body is too large to parse with the memory free now" });
  free = 100;
  t.is(send("/form", "application/x-www-form-urlencoded", form).status, 413);
  t.is(send("/json", "application/json", '{"on":true}').status, 200, "a short body is parsed as it is");
  t.is(seen.length, 4);
});

test("without a memory count (Node) any body within maxBody is parsed", (t) => {
  const { send } = routed();
  t.is(send("/json", "application/json", "[" + Array(100000).fill(1).join(",") + "]").status, 200);
});
