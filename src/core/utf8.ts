// UTF-8 between byte strings (one character per byte) and JavaScript text, written by hand because
// Espruino's encodeURIComponent/decodeURIComponent mangle or reject non-ASCII bytes.

/** Decodes UTF-8; a byte that does not start a valid sequence is kept as the character of that byte. */
export function utf8Decode(bytes: string): string {
  let out = "";
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const c = bytes.charCodeAt(i);
    let need = 0;
    let code = 0;
    if (c >= 0xc2 && c <= 0xdf) { need = 1; code = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; code = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; code = c & 0x07; }
    let j = 1;
    while (j <= need) {
      const d = bytes.charCodeAt(i + j);
      if ((d & 0xc0) !== 0x80) break;
      code = (code << 6) | (d & 0x3f);
      j++;
    }
    // Overlong, surrogate and out-of-range forms are not valid UTF-8: keep their bytes as they are.
    if (need === 0 || j <= need || (need === 2 && (code < 0x800 || (code >= 0xd800 && code <= 0xdfff))) ||
        (need === 3 && (code < 0x10000 || code > 0x10ffff))) {
      out += bytes.charAt(i);
      i++;
    } else if (code > 0xffff) {
      code -= 0x10000;
      out += String.fromCharCode(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
      i += need + 1;
    } else {
      out += String.fromCharCode(code);
      i += need + 1;
    }
  }
  return out;
}

/** Encodes text as UTF-8 bytes; a lone surrogate becomes U+FFFD. */
export function utf8Encode(text: string): string {
  let out = "";
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) { out += text.charAt(i); continue; }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = text.charCodeAt(i + 1);
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    }
    if (c < 0x800) out += String.fromCharCode(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out += String.fromCharCode(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out += String.fromCharCode(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return out;
}
