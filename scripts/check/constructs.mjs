// The dialect check's rules for single constructs: each takes a node (and what it needs to know about
// its surroundings) and returns the messages for it, [] when it is fine.
import { regexProblems } from "./regex.mjs";
import { BUILTINS, MISSING_METHODS, MISSING_STATICS } from "./rules.mjs";
import { exactSearch, isSearch } from "./searches.mjs";

/** A labelled statement, or a break/continue with a label. */
export function labelProblems() {
  return ["labels are not supported"];
}

/** A RegExp literal using what Espruino's engine lacks. */
export function regexLiteralProblems(node) {
  return node.regex ? regexProblems(node.regex.pattern).map((p) => `RegExp /${node.regex.pattern}/ uses ${p}`) : [];
}

/**
 * A member expression: a read off a built-in's prototype (an assignment to one is fine: `assigned`), a
 * static or method that does not exist (unless `declared(name)`: the object is a local name), and
 * String.fromCharCode.apply.
 */
export function memberProblems(node, { assigned, declared }) {
  const problems = [];
  const object = node.object;
  const property = node.property.name;
  if (object.type === "MemberExpression" && !object.computed && object.property.name === "prototype" &&
      object.object.type === "Identifier" && BUILTINS.includes(object.object.name) && !assigned) {
    problems.push(`${object.object.name}.prototype.${property || "[...]"} reads undefined on Espruino`);
  }
  if (!node.computed && object.type === "Identifier" && MISSING_STATICS[object.name] &&
      MISSING_STATICS[object.name].includes(property) && !declared(object.name)) {
    problems.push(`${object.name}.${property} does not exist on Espruino`);
  }
  if (!node.computed && MISSING_METHODS.includes(property)) {
    problems.push(`.${property}() does not exist on Espruino`);
  }
  if (!node.computed && property === "apply" && object.type === "MemberExpression" &&
      object.object.type === "Identifier" && object.object.name === "String" && object.property.name === "fromCharCode") {
    problems.push("String.fromCharCode.apply fails above 256 items on Espruino (use E.toString)");
  }
  return problems;
}

/** A property of an object literal: getters and setters. */
export function propertyProblems(node) {
  return node.kind !== "init" ? ["getters and setters in object literals"] : [];
}

/**
 * A call: a multi-character search outside find()'s bounds check (in `fn`, the function it is in), and
 * split() with a limit.
 */
export function callProblems(node, fn) {
  const problems = [];
  const callee = node.callee;
  if (isSearch(node) && !exactSearch(node, fn)) {
    problems.push(`.${callee.property.name}() with a needle that may be longer than one character: Espruino 2v29 ` +
      "reports a match that runs past the end of the string; search through find() (src/core/text.ts)");
  }
  if (callee.type === "MemberExpression" && !callee.computed && callee.property.name === "split" && node.arguments.length > 1) {
    problems.push("split() ignores its limit argument on Espruino");
  }
  return problems;
}
