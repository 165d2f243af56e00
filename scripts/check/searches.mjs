// Espruino 2v29's indexOf, includes and replace report a needle of two or more characters that runs off
// the end of the string as found. A search passes when it cannot hit that: see exactSearch.
import { base, recursive } from "acorn-walk";
import { SEARCHES } from "./rules.mjs";

/** The name of an identifier `node`, or undefined. */
const nameOf = (node) => (node && node.type === "Identifier" ? node.name : undefined);

/** Whether `node` is `<name>.length`. */
const lengthOf = (node, name) => node && node.type === "MemberExpression" && !node.computed &&
  node.property.name === "length" && nameOf(node.object) === name;

/** Whether `call` is a `.indexOf()`, `.includes()` or `.replace()` call. */
export function isSearch(call) {
  const callee = call.callee;
  return callee.type === "MemberExpression" && !callee.computed && SEARCHES.includes(callee.property.name);
}

/**
 * Whether a search call cannot hit Espruino's false match: its needle is a one-character string (or, for
 * replace, a RegExp), or the function it is in checks every match the way find() does:
 * `at + needle.length <= text.length`, with the same text and needle. Nested functions are not looked
 * into, and neither is code outside any function (the program's top level).
 */
export function exactSearch(call, fn) {
  const needle = call.arguments[0];
  if (needle && needle.type === "Literal" && (needle.regex || (typeof needle.value === "string" && needle.value.length === 1))) return true;
  const text = nameOf(call.callee.object);
  const needleName = nameOf(needle);
  if (!text || !needleName || call.callee.property.name !== "indexOf" || fn.type === "Program") return false;
  // `sum <= limit` (or `limit >= sum`) where sum is `<anything> + needle.length` and limit `text.length`.
  const bounded = (sum, limit) => sum.type === "BinaryExpression" && sum.operator === "+" &&
    (lengthOf(sum.left, needleName) || lengthOf(sum.right, needleName)) && lengthOf(limit, text);
  let checked = false;
  recursive(fn.body, null, {
    Function() { /* a nested function: not looked into */ },
    BinaryExpression(node, st, c) {
      if ((node.operator === "<=" && bounded(node.left, node.right)) || (node.operator === ">=" && bounded(node.right, node.left))) {
        checked = true;
      }
      base.BinaryExpression(node, st, c);
    },
  }, base);
  return checked;
}
