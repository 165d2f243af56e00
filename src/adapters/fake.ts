// A `net` module without a network, for tests: it behaves like Espruino's (write() returns false,
// 'drain' follows once the written data is "sent", events arrive asynchronously), and lets a test
// feed a request in any pieces and read back exactly the bytes the server wrote.
import { NetModule, NetServer, Socket } from "../core/types";

type Listener = (...args: any[]) => void;

function later(fn: () => void): void {
  setTimeout(fn, 0);
}

/** The server's side of a fake connection. */
export class FakeSocket implements Socket {
  written = "";
  ended = false;
  destroyed = false;
  /** When set, the client has gone: writes fail like Espruino's on a closed socket. */
  closed = false;
  private listeners: { [event: string]: Listener[] } = {};
  private drainPending = false;

  on(event: string, listener: Listener): this {
    (this.listeners[event] = this.listeners[event] || []).push(listener);
    return this;
  }

  removeAllListeners(event?: string): this {
    if (event) delete this.listeners[event];
    else this.listeners = {};
    return this;
  }

  emit(event: string, ...args: any[]): void {
    const listeners = (this.listeners[event] || []).slice();
    for (const listener of listeners) listener.apply(this, args);
  }

  write(data: string): boolean {
    if (this.ended || this.closed) throw new Error("This socket is closed");
    this.written += data;
    if (!this.drainPending) {
      this.drainPending = true;
      later(() => {
        this.drainPending = false;
        if (!this.closed) this.emit("drain");
      });
    }
    return false;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    later(() => this.close(false));
  }

  /** Like Node's: the fake has no flow control, so there is nothing to resume. */
  resume(): this {
    return this;
  }

  destroy(): void {
    this.destroyed = true;
    this.ended = true;
    this.close(true);
  }

  /** The connection is gone: 'close' once, as both Espruino and Node do. */
  close(hadError: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.emit("close", hadError);
  }
}

/** What a fake client sees of its connection. */
export class FakeConnection {
  readonly socket: FakeSocket;
  /** Resolves with every byte the server wrote, once the server has closed the connection. */
  readonly response: Promise<string>;

  constructor(socket: FakeSocket) {
    this.socket = socket;
    // An open connection keeps the process alive, as a real socket does.
    const alive = setInterval(() => undefined, 1000);
    this.response = new Promise((resolve) => {
      socket.on("close", () => {
        clearInterval(alive);
        resolve(socket.written);
      });
    });
  }

  /** Sends bytes (a byte string) to the server, as one 'data' event. */
  send(bytes: string): void {
    if (!this.socket.closed) this.socket.emit("data", bytes);
  }

  /** Sends bytes in pieces of `size`, each its own 'data' event. */
  sendInPieces(bytes: string, size: number): void {
    for (let i = 0; i < bytes.length; i += size) this.send(bytes.substr(i, size));
  }

  /** The client goes away. */
  hangUp(): void {
    this.socket.close(true);
  }
}

class FakeListener implements NetServer {
  private net: FakeNet;
  readonly onConnection: (socket: Socket) => void;
  port = -1;

  constructor(net: FakeNet, onConnection: (socket: Socket) => void) {
    this.net = net;
    this.onConnection = onConnection;
  }

  listen(port: number): this {
    if (this.net.listeners[port]) throw new Error("port " + port + " is in use");
    this.port = port;
    this.net.listeners[port] = this;
    return this;
  }

  close(): this {
    if (this.net.listeners[this.port] === this) delete this.net.listeners[this.port];
    return this;
  }
}

export interface ParsedResponse {
  raw: string;
  protocol: string;
  status: number;
  reason: string;
  headers: { [lowerCaseName: string]: string };
  body: string;
}

/** Splits a raw HTTP/1.0 response into its parts (header names lower-cased). */
export function parseResponse(raw: string): ParsedResponse {
  const end = raw.indexOf("\r\n\r\n");
  const lines = raw.substring(0, end < 0 ? raw.length : end).split("\r\n");
  const statusLine = lines[0];
  const first = statusLine.indexOf(" ");
  const second = statusLine.indexOf(" ", first + 1);
  const headers: { [name: string]: string } = {};
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(":");
    headers[lines[i].substring(0, colon).toLowerCase()] = lines[i].substring(colon + 1).trim();
  }
  return {
    raw: raw,
    protocol: statusLine.substring(0, first),
    status: parseInt(statusLine.substring(first + 1, second < 0 ? statusLine.length : second), 10),
    reason: second < 0 ? "" : statusLine.substring(second + 1),
    headers: headers,
    body: end < 0 ? "" : raw.substring(end + 4),
  };
}

/** A `net` module for tests: pass it as `options.net`, then connect() or request(). */
export class FakeNet implements NetModule {
  /** @internal The listening servers, by port. */
  listeners: { [port: number]: FakeListener } = {};

  createServer(onConnection: (socket?: Socket, error?: any) => void): NetServer {
    return new FakeListener(this, onConnection);
  }

  /** Opens a connection to the server listening on `port`. */
  connect(port: number): FakeConnection {
    const listener = this.listeners[port];
    if (!listener) throw new Error("nothing listens on port " + port);
    const socket = new FakeSocket();
    listener.onConnection(socket);
    return new FakeConnection(socket);
  }

  /** Sends a whole request (in pieces of `pieceSize` bytes, if given) and resolves with the parsed response. */
  async request(port: number, raw: string, pieceSize?: number): Promise<ParsedResponse> {
    const connection = this.connect(port);
    if (pieceSize) connection.sendInPieces(raw, pieceSize);
    else connection.send(raw);
    return parseResponse(await connection.response);
  }
}
