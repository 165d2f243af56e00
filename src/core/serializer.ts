// Turning an HttpResponse into the bytes of its head and body.
import { reasonPhrase } from "./status";
import { BodyStream, HttpResponse } from "./response";
import { TextCodec } from "./types";
import { findHeader } from "./headers";

/** Statuses that never carry a body, nor a Content-Length. */
export function hasNoBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/** Header names and values may not break the head: CR and LF are removed. */
function headerText(value: string | number): string {
  const text = String(value);
  if (text.indexOf("\r") < 0 && text.indexOf("\n") < 0) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c !== "\r" && c !== "\n") out += c;
  }
  return out;
}

/** The status line and header fields; `length` < 0 means "no Content-Length". */
export function serializeHead(response: HttpResponse, length: number): string {
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

/** The Content-Length a handler set itself, used only for streams whose length is not known. */
function declaredLength(response: HttpResponse): number {
  const name = findHeader(response.headers, "Content-Length");
  const n = name === undefined ? -1 : parseInt(String(response.headers[name]), 10);
  return n >= 0 ? n : -1;
}

export interface PreparedBody {
  /** The whole body as bytes, or the stream to read it from. */
  bytes?: string;
  stream?: BodyStream;
  /** Content-Length, or -1 for none. */
  length: number;
}

/** Converts `response.data` to bytes or a stream, following ResponseData's rules. */
export function prepareBody(response: HttpResponse, codec: TextCodec): PreparedBody {
  const data: any = response.data;
  if (data === undefined || data === null) return { bytes: "", length: 0 };
  if (typeof data === "string") {
    const bytes = codec.encode(data);
    return { bytes: bytes, length: bytes.length };
  }
  if (typeof data === "function") {
    return { stream: { read: data }, length: declaredLength(response) };
  }
  if (typeof data.read === "function") {
    const length = typeof data.length === "number" ? data.length : declaredLength(response);
    return { stream: data, length: length };
  }
  if (data instanceof ArrayBuffer) {
    const bytes = codec.fromBytes(new Uint8Array(data));
    return { bytes: bytes, length: bytes.length };
  }
  if (data instanceof Uint8Array) {
    const bytes = codec.fromBytes(data);
    return { bytes: bytes, length: bytes.length };
  }
  if (typeof data === "object") {
    if (findHeader(response.headers, "Content-Type") === undefined) {
      response.headers["Content-Type"] = "application/json";
    }
    const bytes = codec.encode(JSON.stringify(data));
    return { bytes: bytes, length: bytes.length };
  }
  const bytes = codec.encode(String(data));
  return { bytes: bytes, length: bytes.length };
}
