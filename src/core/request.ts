import { findHeader } from "./headers";

/** A parsed HTTP request, as the handler receives it. */
export class HttpRequest {
  /** The method as sent (not validated): "GET", "PUT", "BREW"... */
  method: string;
  /** The path segments: "/" gives [""], "/a/b" gives ["a", "b"], "/a/" gives ["a", ""]. Percent-decoded. */
  path: string[];
  /** The query parameters: "?a=1&b" gives {a: "1", b: ""}. Percent- and "+"-decoded; the last value wins. */
  query: { [key: string]: string };
  /** The protocol as sent, e.g. "HTTP/1.0". */
  protocol: string;
  /** The header fields with their names as sent; repeated fields are joined with ", ". See header(). */
  headers: { [name: string]: string };
  /** The body, when the request had a valid Content-Length; "" otherwise. */
  data!: string;

  constructor(method: string, path: string[], query: { [key: string]: string }, protocol: string,
              headers: { [name: string]: string }, data: string) {
    this.method = method;
    this.path = path;
    this.query = query;
    this.protocol = protocol;
    this.headers = headers;
    // An empty body is read from the prototype: on a board each field held costs memory.
    if (data) this.data = data;
  }

  /** A header's value looked up case-insensitively, or undefined. */
  header(name: string): string | undefined {
    const key = findHeader(this.headers, name);
    return key === undefined ? undefined : this.headers[key];
  }
}
HttpRequest.prototype.data = "";
