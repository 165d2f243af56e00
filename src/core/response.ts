import { HTTP_1_0 } from "./text";

/**
 * A body produced piece by piece, so that it never has to be in memory whole: a file in flash,
 * or anything a handler generates. The server asks for the next piece only when the socket has
 * sent the previous one.
 */
export interface BodyStream {
  /** The total length in bytes, when known: it becomes the Content-Length. */
  length?: number;
  /**
   * Up to `size` bytes from `offset` (a byte string or bytes); "" or undefined once there are no more;
   * null when there is nothing yet (a stream without a length that is written to over time, such as
   * server-sent events): the server then waits until `resume()` is called. A waiting stream must give
   * something within the server's writeTimeout, or the connection is dropped as stalled.
   */
  read(offset: number, size: number): string | Uint8Array | null | undefined;
  /** Called once when the response is over, whether sent whole or cut short by the client. */
  close?(): void;
  /** Set by the server when read() first returns null: call it when there is more to read. */
  resume?(): void;
}

/**
 * A value JSON can hold, as `response.data` sends it: plain objects and arrays of these (an object
 * literal, or a `type` alias of one); not a Date, Map, Set, Promise or class instance, which would go out
 * as `{}` or a string. A value declared with an `interface` is not assignable to it (interfaces have no
 * index signature): declare it with `type` instead.
 */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { [key: string]: JsonValue | undefined };

/** `(offset, size) => piece`: a stream without a length (see BodyStream.read). */
export type BodyFunction = (offset: number, size: number) => string | Uint8Array | null | undefined;

/**
 * What a handler may put in `response.data`. A string is text, sent the platform's way (UTF-8 on Node,
 * the string's own bytes on Espruino); a number or boolean goes out as its text (as JSON would write it);
 * bytes (a Uint8Array, Node's Buffer included, or an ArrayBuffer) are sent as they are; a plain object or
 * array is sent as JSON; a BodyStream, or a function `(offset, size) => piece`, is streamed. Null and
 * undefined are an empty body.
 */
export type ResponseData = JsonValue | Uint8Array | ArrayBuffer | BodyStream | BodyFunction | undefined;

/**
 * The response a handler fills in; the server sends it when the handler returns (or its Promise settles).
 * Fields left at their defaults are read from the prototype: on a board each field held costs memory.
 */
export class HttpResponse {
  /** Default "HTTP/1.0". */
  protocol!: string;
  /** Default 200. A three-digit code (100-999), as a number or a string of digits; unknown codes get a generic reason phrase. */
  status!: number;
  /** Extra header fields. Content-Length is always computed by the server. */
  headers: { [name: string]: string | number };
  /** The body (default ""). */
  data!: ResponseData;

  constructor(protocol?: string, status?: number, headers?: { [name: string]: string | number }, data?: ResponseData) {
    if (protocol) this.protocol = protocol;
    if (status) this.status = status;
    this.headers = headers || {};
    if (data !== undefined) this.data = data;
  }
}
HttpResponse.prototype.protocol = HTTP_1_0;
HttpResponse.prototype.status = 200;
HttpResponse.prototype.data = "";
