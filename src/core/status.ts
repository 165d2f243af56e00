import { find } from "./text";

/**
 * The standard reason phrases, as one string: `|<code><phrase>` each. On a board it is a file of its own
 * in Storage (picohttp.status, written by `npm run flash`), read where it lies in flash: it costs the
 * core neither bytes nor memory. On Node it is part of the bundle.
 */
export const STATUS_PHRASES = "|100Continue|101Switching Protocols|200OK|201Created|202Accepted" +
  "|203Non-Authoritative Information|204No Content|205Reset Content|206Partial Content|300Multiple Choices" +
  "|301Moved Permanently|302Found|303See Other|304Not Modified|305Use Proxy|307Temporary Redirect" +
  "|308Permanent Redirect|400Bad Request|401Unauthorized|402Payment Required|403Forbidden|404Not Found" +
  "|405Method Not Allowed|406Not Acceptable|407Proxy Authentication Required|408Request Timeout|409Conflict" +
  "|410Gone|411Length Required|412Precondition Failed|413Content Too Large|414URI Too Long" +
  "|415Unsupported Media Type|416Range Not Satisfiable|417Expectation Failed|418I'm a teapot" +
  "|421Misdirected Request|422Unprocessable Content|425Too Early|426Upgrade Required|428Precondition Required" +
  "|429Too Many Requests|431Request Header Fields Too Large|451Unavailable For Legal Reasons" +
  "|500Internal Server Error|501Not Implemented|502Bad Gateway|503Service Unavailable|504Gateway Timeout" +
  "|505HTTP Version Not Supported|507Insufficient Storage|511Network Authentication Required|";

/**
 * The reason phrase for a status code (100-999) from `phrases` (STATUS_PHRASES, or the board's copy of it),
 * or a generic one for its class.
 */
export function reasonPhrase(status: number, phrases: string | undefined): string {
  if (status === 200) return "OK";
  const at = phrases ? find(phrases, "|" + status) : -1;
  if (at >= 0) return phrases!.substring(at + 4, phrases!.indexOf("|", at + 1));
  const group = Math.floor(status / 100);
  return group === 1 ? "Informational" : group === 2 ? "Success" : group === 3 ? "Redirection"
    : group === 4 ? "Client Error" : group === 5 ? "Server Error" : "Unknown";
}
