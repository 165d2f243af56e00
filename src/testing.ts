// Test helpers for picohttp apps (Node): drive a server without sockets.
export { FakeNet, FakeSocket, FakeConnection, parseResponse } from "./adapters/fake";
export type { ParsedResponse } from "./adapters/fake";
export { memoryStorage } from "./storage/memory";
