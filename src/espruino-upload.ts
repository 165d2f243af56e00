// The board's "picohttp/upload" module (dist/picohttp-upload.js): uploads streamed into Storage.
import { UploadOptions, UploadPlatform, uploadsWith } from "./upload";
import type { Handler } from "./server/server";

const storage = require("Storage");

// The same files staticResource serves on a board (see espruino-static.ts). Free flash counts what
// erased files hold: a write that needs their room compacts Storage first (measured on 2v29).
const platform: UploadPlatform = {
  files: { storage: storage, maxNameLength: 28, base: "www" },
  free: function () {
    const stats = storage.getStats();
    return stats.freeBytes + stats.trashBytes;
  },
};

/**
 * `handler` with uploads: `PUT <path><name>` (default path "/files/") writes Storage file "www/<name>"
 * piece by piece as the body arrives, `DELETE` removes it; other requests go to `handler`.
 */
export function uploads(handler: Handler, options?: UploadOptions): Handler {
  return uploadsWith(platform, handler, options);
}
export type { UploadOptions } from "./upload";
