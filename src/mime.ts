import { find } from "./core/text";

/** The Content-Type for a file name's extension, or `fallback` when it is not a common web type. */
export function mimeType(name: string, fallback: string): string {
  const dot = name.lastIndexOf(".");
  if (dot < 0 || dot < name.lastIndexOf("/")) return fallback;
  const extension = name.substring(dot + 1).toLowerCase();
  // One string, not an object: on a board it lives only while this function runs.
  const table = "|html text/html;charset=utf-8|htm text/html;charset=utf-8|css text/css;charset=utf-8" +
    "|js text/javascript;charset=utf-8|mjs text/javascript;charset=utf-8|json application/json" +
    "|txt text/plain;charset=utf-8|svg image/svg+xml|png image/png|jpg image/jpeg|jpeg image/jpeg" +
    "|gif image/gif|ico image/x-icon|webp image/webp|wasm application/wasm|woff font/woff|woff2 font/woff2" +
    "|xml application/xml|csv text/csv;charset=utf-8|pdf application/pdf|map application/json|";
  const at = extension.length && extension.indexOf("|") < 0 && extension.indexOf(" ") < 0
    ? find(table, "|" + extension + " ") : -1;
  return at < 0 ? fallback : table.substring(at + extension.length + 2, table.indexOf("|", at + 1));
}
