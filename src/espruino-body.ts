// The board's "picohttp/body" module (dist/picohttp-body.js): the response bodies that are not strings
// (bytes, numbers, JSON, streams), which the core requires the first time a handler sends one; and the
// JSON text that picohttp/store and picohttp/events write.
export { jsonText, nextPiece, prepareBody } from "./core/body";
