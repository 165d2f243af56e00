// The board's "picohttp/auth" module (dist/picohttp-auth.js): basic authentication, its credentials in Storage.
import { AuthPlatform, LockoutOptions, basicWith, hasPasswordIn, setPasswordIn } from "./auth";
import { HttpRequest } from "./core/request";
import type { Handler } from "./server/server";

// On a board a string is its bytes: no encoding.
const platform: AuthPlatform = { files: { storage: require("Storage") } };

/** Sets the user name and password asked for from now on (Storage file ".picohttp.auth"); "" asks for none. */
export function setPassword(user: string, password: string): void {
  setPasswordIn(platform, user, password);
}

/** Whether a password is set. */
export function hasPassword(): boolean {
  return hasPasswordIn(platform);
}

/**
 * `handler` behind basic authentication once a password is set: 401 with WWW-Authenticate without the
 * right credentials. `needs(request)` picks the requests that need them (default: all). After
 * `options.maxFailures` wrong ones in a row (default 5) it answers 429 for `options.lockout` ms (default 30000).
 */
export function basic(handler: Handler, realm?: string,
                      needs?: (request: HttpRequest) => boolean, options?: LockoutOptions) {
  return basicWith(platform, handler, realm, needs, options);
}
export type { LockoutOptions } from "./auth";
