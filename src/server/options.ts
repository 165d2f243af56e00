// Every limit and timeout, with its default for each platform, in one table. A board's own limits
// (boards/<board>.json, written to Storage as picohttp.json by `npm run flash`) are laid over the
// board defaults by the board entry point.
import { Limits } from "../core/parser";
import { find } from "../core/text";

/** The numeric options: limits in bytes, timeouts in milliseconds. */
export interface Tuning extends Limits {
  /** Largest body held in request.data, in bytes (413). A handler that receives bodies itself (Handler.receive) sets its own. */
  maxBody: number;
  /** Connections handled at once when `threads` is true. */
  maxConnections: number;
  /** Connections waiting for their turn; past this, new ones get 503. */
  maxQueue: number;
  /** Milliseconds a client has to send its request line and headers (408). */
  headerTimeout: number;
  /** Milliseconds a client may pause while sending its body (408). */
  bodyTimeout: number;
  /** Milliseconds a client has to send its whole request, headers and body, however steadily (408). */
  requestTimeout: number;
  /** Milliseconds an asynchronous handler has to settle (503). */
  handlerTimeout: number;
  /** Milliseconds a client may take to accept the next piece of a response before it is dropped. */
  writeTimeout: number;
  /** Bytes written to the socket at a time. */
  chunkSize: number;
  /** Espruino: refuse new work with 503 while fewer variables than this would be free. */
  minFreeMemory: number;
}

/** @internal Defaults on a board (an ESP32's or ESP8266's limits are lower still: see boards/*.json). */
export const BOARD_DEFAULTS: Tuning = {
  maxRequestLine: 512, maxHeaderBytes: 2048, maxHeaders: 24, maxBody: 4096, maxConnections: 4, maxQueue: 4,
  headerTimeout: 10000, bodyTimeout: 10000, requestTimeout: 20000, handlerTimeout: 30000, writeTimeout: 30000,
  chunkSize: 512, minFreeMemory: 200,
};

/** @internal Defaults on Node. */
export const NODE_DEFAULTS: Tuning = {
  maxRequestLine: 2048, maxHeaderBytes: 8192, maxHeaders: 64, maxBody: 1048576, maxConnections: 64, maxQueue: 256,
  headerTimeout: 10000, bodyTimeout: 10000, requestTimeout: 30000, handlerTimeout: 30000, writeTimeout: 30000,
  chunkSize: 16384, minFreeMemory: 0,
};

/** The options that are not numbers. */
// "port": npm run flash writes the HTTP port into picohttp.json for the app to read.
const OTHER_OPTIONS = "|args|threads|start|block|host|net|onError|port|";

/**
 * @internal `defaults` with `options` laid over them: an object that holds only what `options` changes and reads
 * the rest from `defaults` (on a board each property held costs memory). A key that is not an option,
 * or a number option that is not a number, is reported through `report` (a typo would otherwise pass
 * unnoticed) and ignored.
 */
export function tuning(defaults: Tuning, options: { [key: string]: any }, report: (error: Error) => void): Tuning {
  const result: any = Object.create(defaults);
  for (const key in options) {
    const value = options[key];
    if (typeof result[key] === "number" && typeof value === "number" && value === value) result[key] = value;
    else if (find(OTHER_OPTIONS, "|" + key + "|") < 0 || typeof result[key] === "number") {
      report(new Error("picohttp: ignored option " + key + ": " + (typeof result[key] === "number" ? "not a number" : "unknown")));
    }
  }
  return result;
}
