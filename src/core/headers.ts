/** The key under which `headers` holds the field `name`, matched case-insensitively, or undefined. */
export function findHeader(headers: { [name: string]: unknown }, name: string): string | undefined {
  // Prototype members ("constructor"...) are functions or objects, never a field's value.
  const exact = typeof headers[name];
  if (exact === "string" || exact === "number") return name;
  const wanted = name.toLowerCase();
  for (const key in headers) {
    if (key.length === wanted.length && key.toLowerCase() === wanted) return key;
  }
  return undefined;
}
