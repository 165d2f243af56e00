// HTTP basic authentication for the pages and API of a device: the credentials live in Storage (set
// from the device's own code or its settings page, never in the app's source), a request without them
// gets 401 with WWW-Authenticate, and they are compared in time that does not depend on where they
// differ. After 5 wrong ones in a row the password is not checked for 30 s (429, by default): ten
// guesses a minute, so 10,000 (a four-digit PIN) take 17 hours rather than minutes. With no password
// set, nothing is asked for: a device works out of the box, and its owner protects it by setting one.
// Platform-free: the entry points give it the storage and the byte encoding.
import { HttpRequest } from "./core/request";
import { HttpResponse } from "./core/response";
import type { Handler } from "./server/server";
import { Storage } from "./core/types";


/**
 * What a platform gives the auth module: where the credentials are kept (an object whose `storage` may be
 * changed, as useStorage does on Node), and text to bytes where a string is not already its bytes.
 */
export interface AuthPlatform {
  files: { storage: Storage };
  bytes?: (text: string) => string;
}

/** The Storage file that holds the expected Authorization token (Base64 of "user:password"): a dot-name, which staticResource never serves. */
export const AUTH_FILE = ".picohttp.auth";

/** How many wrong guesses basic() takes before it stops checking them for a while. */
export interface LockoutOptions {
  /** Wrong credentials in a row, from any client, before the password is not checked (default 5; 0: never locked). */
  maxFailures?: number;
  /** How long it is not checked then, in milliseconds (default 30000: ten guesses a minute). */
  lockout?: number;
}

/** Whether `a` and `b` are equal, in time that depends on their lengths only. */
export function sameText(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i % (b.length || 1));
  return difference === 0;
}

/** Sets the user name and password asked for from now on; an empty password asks for none. */
export function setPasswordIn(platform: AuthPlatform, user: string, password: string): void {
  if (user.indexOf(":") >= 0) throw new Error("picohttp: a user name cannot contain ':'");
  const storage = platform.files.storage;
  const text = user + ":" + password;
  if (!password) storage.erase(AUTH_FILE);
  else storage.write(AUTH_FILE, btoa(platform.bytes ? platform.bytes(text) : text));
}

/** Whether a password is set. */
export function hasPasswordIn(platform: AuthPlatform): boolean {
  return !allowed(platform);
}

/**
 * `handler`, behind basic authentication once a password is set. `realm` names what is protected (the
 * browser shows it); `needs(request)`, when given, says which requests need the password (say, only
 * those that change settings); without it every request does.
 */
export function basicWith(platform: AuthPlatform, handler: Handler, realm?: string,
                          needs?: (request: HttpRequest) => boolean, options?: LockoutOptions): Handler {
  const maxFailures = options && options.maxFailures !== undefined ? options.maxFailures : 5;
  const lockout = options && options.lockout || 30000;
  // Counted for every client alike: a board cannot keep a count per address, and a per-address count
  // is beaten by changing address. So a stranger can keep the owner out too, as a flood can.
  let failures = 0;
  let lockedUntil = 0;
  const guarded: Handler = function (this: unknown, request: HttpRequest, response: HttpResponse): unknown {
    // What the lockout has to run. Bounded by its length: should the board's clock be set back, a lockout
    // does not last until it has caught up. (Worked out here and in receive: a function for it would cost
    // a board memory for each guarded handler.)
    const left = lockedUntil - Date.now();
    const locked = left > 0 && left <= lockout;
    const verdict = allowed(platform, request, needs, locked);
    if (verdict) {
      if (failures) failures = 0;
      return handler.apply(undefined, arguments as any);
    }
    if (locked) {
      response.status = 429;
      response.headers["Retry-After"] = String(Math.ceil(left / 1000));
      response.data = { error: "too many wrong passwords: try again later" };
      return undefined;
    }
    // A request without credentials is not a guess: a browser asks first without them.
    if (verdict === false && ++failures === maxFailures) {
      failures = 0;
      lockedUntil = Date.now() + lockout;
    }
    response.status = 401;
    response.headers["WWW-Authenticate"] = 'Basic realm="' + String(realm || "device").replace(/["\\]/g, "") + '", charset="UTF-8"';
    response.data = { error: "this needs the device's user name and password" };
    return undefined;
  };
  const receive = handler.receive;
  if (receive) {
    // A body the handler would take (an upload) is thrown away unread without the credentials, and the
    // handler above answers: nothing is written for a client that may not.
    guarded.receive = function (request: HttpRequest, length: number) {
      const left = lockedUntil - Date.now();
      if (allowed(platform, request, needs, left > 0 && left <= lockout)) return receive(request, length);
      // Made here, not kept: on a board a module-level object and its functions would cost memory at rest.
      const nothing = function () { /* the body is not kept */ };
      return { write: nothing, end: nothing, abort: nothing };
    };
  }
  return guarded;
}

/**
 * Whether `request` may pass: true when no password is set, it does not need one, or it gives the right
 * credentials (and they are not `locked` out); false for wrong ones; undefined when it gives none, or
 * they were not checked. Without a request: whether no password is set. (One function for
 * all: on a board each costs memory.)
 */
function allowed(platform: AuthPlatform, request?: HttpRequest, needs?: (request: HttpRequest) => boolean,
                 locked?: boolean): boolean | undefined {
  const token = platform.files.storage.read(AUTH_FILE);
  if (!token || (request && needs && !needs(request))) return true;
  if (!request || locked) return undefined;
  const given = request.header("Authorization");
  if (!given) return undefined;
  const space = given.indexOf(" ");
  const scheme = space > 0 ? given.substring(0, space).toLowerCase() : "";
  return scheme === "basic" && sameText(given.substring(space + 1).trim(), String(token));
}
