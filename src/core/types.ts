// The contracts between the platform-free core and the adapters. No platform imports here.

/** The subset of a `net` socket picohttp uses: Espruino's and Node's sockets both fit it. */
export interface Socket {
  on(event: string, listener: (...args: any[]) => void): unknown;
  /** Node takes an encoding; Espruino ignores it and always sends the string's bytes. */
  write(data: string, encoding?: string): boolean;
  end(): void;
  /** Node only: close at once, dropping unsent data. */
  destroy?(): void;
  setEncoding?(encoding: string): void;
  removeAllListeners?(event?: string): unknown;
  /** Node's adapter: set once the client has closed its side ('end'); Espruino reports only 'close'. */
  clientEnded?: boolean;
}

/** The subset of a `net` listening server picohttp uses. */
export interface NetServer {
  listen(port: number, host?: string): unknown;
  close(): unknown;
  on?(event: string, listener: (...args: any[]) => void): unknown;
  /** Node only: let the process exit while listening. */
  unref?(): unknown;
}

/** `require("net")` on Espruino and on Node, or the fake one in tests. */
export interface NetModule {
  /** `onConnection(socket)` for each client; an adapter may report a failure to listen as `onConnection(undefined, error)`. */
  createServer(onConnection: (socket?: Socket, error?: any) => void): NetServer;
}

/**
 * Where static resources and saved files live. Its shape is Espruino's `require("Storage")`, which is
 * used as it is on a board; Node has a directory with the same methods. Contents are byte strings
 * (one character per byte).
 */
export interface Storage {
  /** Up to `length` bytes from `offset` (all of it without them), or undefined when the file does not exist. */
  read(name: string, offset?: number, length?: number): string | undefined;
  /**
   * Writes a whole file; or, with `offset` and `size`, a piece of one: the first piece (offset 0) gives the
   * file's full `size`, and the pieces after it go to their offsets.
   */
  write(name: string, data: string, offset?: number, size?: number): unknown;
  erase(name: string): unknown;
  /**
   * The size in bytes, or undefined when the file does not exist. Optional: without it the size is
   * `read(name).length`, which on a board costs nothing (the string points into flash).
   */
  size?(name: string): number | undefined;
  /** Bytes free for new files. Optional: without it there is no limit but the file system's. */
  getFree?(): number;
}
/** Where a request body goes as it arrives, instead of into request.data: see Handler.receive. */
export interface BodySink {
  /** The next piece of the body (a byte string). A status code returned refuses the rest: the client gets it. */
  write(piece: string): number | void;
  /** The body is complete, and the handler runs next. A status code returned is answered instead. */
  end(): number | void;
  /** The body will not be taken: the client went away or was too slow, or write or end refused it or threw. */
  abort(): void;
}

/** @internal Turns bytes from the wire into text and back, the way the platform's strings work. */
export interface TextCodec {
  /** Bytes (a byte string) to the platform's text. */
  decode(bytes: string): string;
  /** The platform's text, or a Uint8Array, to bytes (a byte string). */
  encode(data: string | Uint8Array): string;
}

/** @internal Where staticResource, load and save find files: each entry point binds its platform's. */
export interface Files {
  storage: Storage;
  /** Storage silently truncates longer names (28 on a board): a longer one would alias another file. */
  maxNameLength: number;
  /** What staticResource's staticBase "" means: on a board the Storage folder "www", on Node the working directory. */
  base: string;
}
