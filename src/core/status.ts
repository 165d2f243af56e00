import { find } from "./text";

/** The standard reason phrase for a status code (100-999), or a generic one for its class. */
export function reasonPhrase(status: number): string {
  // Espruino lexes a function's text each time it runs: the common case skips the table.
  return status === 200 ? "OK" : /*#__NOINLINE__*/ phraseFromTable(status);
}

function phraseFromTable(status: number): string {
  // One string, not an object: on a board it lives only while this function runs.
  const table = "|100Continue|101Switching Protocols|200OK|201Created|202Accepted|203Non-Authoritative Information" +
    "|204No Content|205Reset Content|206Partial Content|300Multiple Choices|301Moved Permanently|302Found" +
    "|303See Other|304Not Modified|305Use Proxy|307Temporary Redirect|308Permanent Redirect|400Bad Request" +
    "|401Unauthorized|402Payment Required|403Forbidden|404Not Found|405Method Not Allowed|406Not Acceptable" +
    "|407Proxy Authentication Required|408Request Timeout|409Conflict|410Gone|411Length Required" +
    "|412Precondition Failed|413Content Too Large|414URI Too Long|415Unsupported Media Type" +
    "|416Range Not Satisfiable|417Expectation Failed|418I'm a teapot|421Misdirected Request" +
    "|422Unprocessable Content|425Too Early|426Upgrade Required|428Precondition Required" +
    "|429Too Many Requests|431Request Header Fields Too Large|451Unavailable For Legal Reasons" +
    "|500Internal Server Error|501Not Implemented|502Bad Gateway|503Service Unavailable|504Gateway Timeout" +
    "|505HTTP Version Not Supported|507Insufficient Storage|511Network Authentication Required|";
  const at = find(table, "|" + status);
  if (at >= 0) return table.substring(at + 4, table.indexOf("|", at + 1));
  const group = Math.floor(status / 100);
  return group === 1 ? "Informational" : group === 2 ? "Success" : group === 3 ? "Redirection"
    : group === 4 ? "Client Error" : group === 5 ? "Server Error" : "Unknown";
}
