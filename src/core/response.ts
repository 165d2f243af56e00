/**
 * A body produced piece by piece, so that it never has to be in memory whole: a file in flash,
 * or anything a handler generates. The server asks for the next piece only when the socket has
 * sent the previous one.
 */
export interface BodyStream {
  /** The total length in bytes, when known: it becomes the Content-Length. */
  length?: number;
  /** Up to `size` bytes from `offset` (a byte string or bytes); "" or undefined once there are no more. */
  read(offset: number, size: number): string | Uint8Array | undefined;
  /** Called once when the response is over, whether sent whole or cut short by the client. */
  close?(): void;
}

/**
 * What a handler may put in `response.data`. A string is text, sent the platform's way (UTF-8 on Node,
 * the string's own bytes on Espruino); bytes are sent as they are; a plain object or array is sent as
 * JSON; a BodyStream, or a function `(offset, size) => piece`, is streamed.
 */
export type ResponseData = string | Uint8Array | ArrayBuffer | BodyStream |
  ((offset: number, size: number) => string | Uint8Array | undefined) | object | null | undefined;

/** The response a handler fills in; the server sends it when the handler returns (or its Promise settles). */
export class HttpResponse {
  /** Default "HTTP/1.0". */
  protocol: string;
  /** Default 200. Any number passes through; unknown codes get a generic reason phrase. */
  status: number;
  /** Extra header fields. Content-Length is always computed by the server. */
  headers: { [name: string]: string | number };
  /** The body. */
  data: ResponseData;

  constructor(protocol?: string, status?: number, headers?: { [name: string]: string | number }, data?: ResponseData) {
    this.protocol = protocol || "HTTP/1.0";
    this.status = status || 200;
    this.headers = headers || {};
    this.data = data === undefined ? "" : data;
  }
}
