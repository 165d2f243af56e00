// The memory guard as it runs on a board, over the fake network: a platform whose free-memory reading
// (Espruino's process.memory) is scripted by the test, and counted.
import test from "ava";
import "../../src/node";
import { HttpServer, Handler } from "../../src/server/server";
import { FakeNet } from "../../src/adapters/fake";
import { wait } from "../helpers/fake";

/** A heap of `total` variables with `free` of them free, as process.memory(collect) reports it; each reading counted. */
function scriptedHeap(free: number, total: number) {
  const heap = { free, total, readings: 0, collections: 0 };
  const memory = (collect: boolean) => {
    heap.readings++;
    if (collect) heap.collections++;
    return { free: heap.free, total: heap.total };
  };
  return { heap, memory };
}

let nextPort = 1;

/** A server on the fake network whose platform reads free memory from `memory`, with a board's minFreeMemory of 200. */
function boardServer(memory: (collect: boolean) => { free: number; total: number }, handler: Handler) {
  class BoardServer extends HttpServer {}
  BoardServer.prototype._platform = Object.assign({}, HttpServer.prototype._platform, { memory });
  const net = new FakeNet();
  const port = nextPort++;
  const server = new BoardServer(port, handler, { net, block: false, minFreeMemory: 200 });
  return { server, request: (raw: string) => net.request(port, raw), connect: () => net.connect(port) };
}

const GET = "GET / HTTP/1.0\r\n\r\n";
const hello: Handler = (request, response) => { response.data = "hello"; };

/** Three requests one after the other on a heap of `total` with `free` free: the statuses, and the readings each took. */
async function threeInTurn(free: number, total: number) {
  const { heap, memory } = scriptedHeap(free, total);
  const { server, request } = boardServer(memory, hello);
  const statuses: number[] = [];
  const readings: number[] = [];
  for (let i = 0; i < 3; i++) {
    const before = heap.readings;
    statuses.push((await request(GET)).status);
    readings.push(heap.readings - before);
  }
  server.close();
  return { statuses, readings, stats: server.stats };
}

test("on a heap mostly free, a connection alone is admitted on the last handler's reading: one heap walk a request", async (t) => {
  const { statuses, readings, stats } = await threeInTurn(3000, 4096);
  t.deepEqual(statuses, [200, 200, 200]);
  // The first is weighed at admission and before its handler; the next two only before their handlers.
  t.deepEqual(readings, [2, 1, 1]);
  t.is(stats.lowestFree, 3000);
});

test("on a heap mostly in use (an ESP8266's), every connection is weighed at admission", async (t) => {
  const { statuses, readings } = await threeInTurn(700, 1600);
  t.deepEqual(statuses, [200, 200, 200]);
  t.deepEqual(readings, [2, 2, 2]);
});

test("with another connection in flight, a new one gets a reading of its own, and is refused when it is low", async (t) => {
  const { heap, memory } = scriptedHeap(3000, 4096);
  let release: () => void = () => undefined;
  const { server, request, connect } = boardServer(memory, (req, response) => {
    if (req.path[0] === "wait") return new Promise<void>((resolve) => { release = () => { response.data = "done"; resolve(); }; });
    response.data = "hello";
  });
  t.is((await request(GET)).status, 200);
  const waiting = connect();
  waiting.send("GET /wait HTTP/1.0\r\n\r\n");
  await wait(5);
  // The last reading left plenty, but one connection is open: this one is weighed, and the heap is low now.
  heap.free = 150;
  const before = heap.readings;
  const refused = await request(GET);
  t.is(refused.status, 503);
  t.true(heap.readings - before >= 1, "read at admission");
  t.is(server.stats.rejected, 1);
  release();
  t.regex(await waiting.response, /^HTTP\/1\.0 200 OK\r\n[\s\S]*done$/);
  server.close();
});

test("a connection admitted on the last reading is still weighed before its handler runs: 503 when the heap ran low meanwhile", async (t) => {
  const { heap, memory } = scriptedHeap(3000, 4096);
  let ran = 0;
  const { server, request } = boardServer(memory, (req, response) => { ran++; response.data = "hello"; });
  t.is((await request(GET)).status, 200);
  // What the app did between two requests: the heap nearly full (below half of minFreeMemory, even collected).
  heap.free = 60;
  const response = await request(GET);
  t.is(response.status, 503);
  t.is(response.headers["retry-after"], "1");
  t.is(ran, 1, "the handler did not run");
  t.true(heap.collections >= 1, "a collection was asked for before refusing");
  t.is(server.stats.lowestFree, 60);
  server.close();
});

test("the last reading stands until the next sweep at most: after one, a connection is weighed at admission again", async (t) => {
  const { heap, memory } = scriptedHeap(3000, 4096);
  const { server, request } = boardServer(memory, hello);
  t.is((await request(GET)).status, 200);
  await wait(1200); // two sweeps of 500 ms: the timer ran, and stopped with nothing left to watch
  const before = heap.readings;
  t.is((await request(GET)).status, 200);
  t.is(heap.readings - before, 2);
  server.close();
});
