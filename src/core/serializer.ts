// Turning an HttpResponse into the bytes of its head and body.
import { reasonPhrase } from "./status";
import { BodyStream, HttpResponse } from "./response";
import { findHeader } from "./headers";

/** Statuses that never carry a body, nor a Content-Length. */
export function hasNoBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/** The status line and header fields; `length` < 0 means "no Content-Length". */
export function serializeHead(response: HttpResponse, length: number): string {
  // Header names and values may not break the head: CR and LF are removed.
  const headerText = function (value: string | number): string {
    const text = String(value);
    if (text.indexOf("\r") < 0 && text.indexOf("\n") < 0) return text;
    let out = "";
    for (let i = 0; i < text.length; i++) {
      const c = text.charAt(i);
      if (c !== "\r" && c !== "\n") out += c;
    }
    return out;
  };
  const status = response.status;
  let head = headerText(response.protocol) + " " + status + " " + reasonPhrase(status) + "\r\n";
  const headers = response.headers;
  const ownLength = findHeader(headers, "Content-Length");
  for (const name in headers) {
    if (name !== ownLength) head += headerText(name) + ": " + headerText(headers[name]) + "\r\n";
  }
  if (length >= 0) head += "Content-Length: " + length + "\r\n";
  return head + "\r\n";
}

export interface PreparedBody {
  /** The whole body as bytes, or the stream to read it from. */
  bytes?: string;
  stream?: BodyStream;
  /** Content-Length, or -1 for none. */
  length: number;
}

/** Converts `response.data` to bytes or a stream, following ResponseData's rules. `encode` is the platform's. */
export function prepareBody(response: HttpResponse, encode: (data: string | Uint8Array) => string): PreparedBody {
  let data: any = response.data;
  if (data === undefined || data === null) data = "";
  if (typeof data === "function" || typeof data.read === "function") {
    // A stream's length: its own, or else the Content-Length the handler set, or none.
    let length = data.read && typeof data.length === "number" ? data.length : -1;
    const name = findHeader(response.headers, "Content-Length");
    if (length < 0 && name !== undefined) length = parseInt(String(response.headers[name]), 10);
    return { stream: data.read ? data : { read: data }, length: length >= 0 ? length : -1 };
  }
  if (data instanceof ArrayBuffer) data = new Uint8Array(data);
  if (typeof data === "object" && !(data instanceof Uint8Array)) {
    if (findHeader(response.headers, "Content-Type") === undefined) {
      response.headers["Content-Type"] = "application/json";
    }
    data = JSON.stringify(data);
  }
  const bytes = encode(typeof data === "object" ? data : String(data));
  return { bytes: bytes, length: bytes.length };
}
