#!/usr/bin/env node
// Checks that a JavaScript file uses only what Espruino's interpreter runs (see ../shared/PLATFORM.md):
// ES5 syntax, no labels, no use of a function or var before its declaration (Espruino hoists neither),
// no var read outside the block that declares it, no reads off built-in prototypes, no RegExp
// features its engine lacks, no missing globals, no compiler helpers left undefined.
// Usage: node scripts/check-bundle.mjs FILE...   Exit status 1 and one line per problem when any is found.
import { readFileSync } from "node:fs";
import { parse } from "acorn";

const BUILTINS = ["Array", "String", "Function", "Object", "Number", "Boolean", "RegExp", "Date", "Error",
  "Promise", "Uint8Array", "ArrayBuffer", "DataView"];
const MISSING_GLOBALS = ["Map", "Set", "WeakMap", "WeakSet", "Symbol", "Proxy", "Reflect", "TextEncoder",
  "TextDecoder", "encodeURIComponent", "decodeURIComponent", "encodeURI", "decodeURI", "queueMicrotask",
  "setImmediate", "globalThis", "BigInt"];
const MISSING_STATICS = {
  Array: ["from", "of"], Object: ["freeze", "entries", "values", "getOwnPropertySymbols", "fromEntries"],
  Number: ["isInteger", "isNaN", "isFinite", "isSafeInteger", "EPSILON"], Math: ["trunc", "sign", "cbrt", "log2"],
  Promise: ["race", "allSettled", "any"],
};
const MISSING_METHODS = ["finally"];
// TypeScript's emitted helpers: with noEmitHelpers they must come from somewhere, and nothing provides them.
const COMPILER_HELPER = /^__(extends|assign|rest|decorate|param|metadata|awaiter|generator|exportStar|values|read|spread|spreadArrays|spreadArray|await|asyncGenerator|asyncDelegator|asyncValues|makeTemplateObject|importStar|importDefault|classPrivateField\w*|createBinding|setModuleDefault|setFunctionName|propKey|runInitializers|esDecorate|addDisposableResource|disposeResources|rewriteRelativeImportExtension)$/;

/** Problems a RegExp source has on Espruino, or []. */
export function regexProblems(pattern) {
  const problems = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1];
      if (!inClass && (next === "b" || next === "B")) problems.push("\\" + next + " (word boundary)");
      if (!inClass && next >= "1" && next <= "9") problems.push("backreference \\" + next);
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "?") problems.push(pattern[i - 1] === "(" ? "group modifier (?" : "the ? quantifier");
    else if (c === "{") problems.push("a {m,n} quantifier");
    else if (c === "|") problems.push("alternation |");
  }
  return problems;
}

// String searches that report a needle of two or more characters running off the end as found (2v29).
const SEARCHES = ["indexOf", "includes", "replace"];

/** The name of an identifier `node`, or undefined. */
const nameOf = (node) => (node && node.type === "Identifier" ? node.name : undefined);

/** Whether `node` is `<name>.length`. */
const lengthOf = (node, name) => node && node.type === "MemberExpression" && !node.computed &&
  node.property.name === "length" && nameOf(node.object) === name;

/**
 * Whether a search call cannot hit Espruino's false match: its needle is a one-character string (or, for
 * replace, a RegExp), or the function it is in checks every match the way find() does:
 * `at + needle.length <= text.length`, with the same text and needle. Nested functions are not looked into.
 */
function exactSearch(call, fn) {
  const needle = call.arguments[0];
  if (needle && needle.type === "Literal" && (needle.regex || (typeof needle.value === "string" && needle.value.length === 1))) return true;
  const text = nameOf(call.callee.object);
  const needleName = nameOf(needle);
  if (!text || !needleName || call.callee.property.name !== "indexOf") return false;
  let checked = false;
  const bounded = (sum, limit) => sum.type === "BinaryExpression" && sum.operator === "+" &&
    (lengthOf(sum.left, needleName) || lengthOf(sum.right, needleName)) && lengthOf(limit, text);
  const walk = (node) => {
    if (checked || !node || typeof node.type !== "string") return;
    if (node !== fn && (node.type === "FunctionDeclaration" || node.type === "FunctionExpression")) return;
    if (node.type === "BinaryExpression" && ((node.operator === "<=" && bounded(node.left, node.right)) ||
        (node.operator === ">=" && bounded(node.right, node.left)))) checked = true;
    for (const key of Object.keys(node)) {
      if (key === "loc") continue;
      const child = node[key];
      if (Array.isArray(child)) child.forEach(walk);
      else if (child && typeof child.type === "string") walk(child);
    }
  };
  walk(fn.body || fn);
  return checked;
}

/** Checks source text; returns a list of { line, column, message }. */
export function checkSource(source) {
  const problems = [];
  let ast;
  try {
    ast = parse(source, { ecmaVersion: 5, locations: true, sourceType: "script", allowReturnOutsideFunction: true });
  } catch (error) {
    return [{ line: error.loc ? error.loc.line : 0, column: error.loc ? error.loc.column : 0,
      message: "not ES5: " + error.message }];
  }
  const report = (node, message) => problems.push({ line: node.loc.start.line, column: node.loc.start.column, message });

  // Scopes: each function (and the program) with its declarations.
  // decl: { kind: "function" | "var" | "param", start, block: [start, end] | null }
  const newScope = (node, parent) => ({ node, parent, decls: new Map() });
  const declare = (scope, name, kind, position, block) => {
    if (!scope.decls.has(name)) scope.decls.set(name, { kind, start: position, block });
  };

  // Pass 1: collect declarations per scope.
  const scopeOf = new Map();
  function collect(node, scope, block) {
    if (!node || typeof node.type !== "string") return;
    switch (node.type) {
      case "FunctionDeclaration":
        declare(scope, node.id.name, "function", node.start, block);
        collectFunction(node, scope);
        return;
      case "FunctionExpression":
        collectFunction(node, scope);
        return;
      case "VariableDeclaration":
        for (const d of node.declarations) {
          declare(scope, d.id.name, "var", d.start, block);
          collect(d.init, scope, block);
        }
        return;
      case "CatchClause": {
        // The catch parameter is scoped to the clause: treat it as a declaration inside it.
        collect(node.body, scope, block);
        return;
      }
      // Code that may be skipped (a branch, a loop body, a try block, a case) is a block: a var declared
      // there is undefined on Espruino when the block did not run.
      case "BlockStatement":
        for (const c of node.body) collect(c, scope, node === scope.node.body ? block : [node.start, node.end]);
        return;
      case "IfStatement":
        collect(node.test, scope, block);
        collect(node.consequent, scope, [node.consequent.start, node.consequent.end]);
        if (node.alternate) collect(node.alternate, scope, [node.alternate.start, node.alternate.end]);
        return;
      case "ForStatement": case "ForInStatement": case "WhileStatement": case "DoWhileStatement":
        for (const key of ["init", "test", "update", "left", "right"]) if (node[key]) collect(node[key], scope, block);
        collect(node.body, scope, [node.body.start, node.body.end]);
        return;
      case "SwitchCase":
        if (node.test) collect(node.test, scope, block);
        for (const c of node.consequent) collect(c, scope, [node.start, node.end]);
        return;
      default:
        for (const key of Object.keys(node)) {
          const child = node[key];
          if (Array.isArray(child)) child.forEach((c) => collect(c, scope, block));
          else if (child && typeof child.type === "string") collect(child, scope, block);
        }
    }
  }
  function collectFunction(fn, parent) {
    const scope = newScope(fn, parent);
    scopeOf.set(fn, scope);
    if (fn.type === "FunctionExpression" && fn.id) declare(scope, fn.id.name, "param", -1, null);
    for (const p of fn.params) declare(scope, p.name, "param", -1, null);
    declare(scope, "arguments", "param", -1, null);
    for (const statement of fn.body.body) collect(statement, scope, null);
  }
  const program = newScope(ast, null);
  scopeOf.set(ast, program);
  for (const statement of ast.body) collect(statement, program, null);

  // Pass 2: check references. `direct` is true while code runs as its scope runs (not in a nested
  // function that might be called later, except an immediately invoked one).
  const catchNames = [];
  function resolve(scope, name) {
    for (let s = scope; s; s = s.parent) if (s.decls.has(name)) return { scope: s, decl: s.decls.get(name) };
    return null;
  }
  function reference(node, scope, directScope) {
    const name = node.name;
    if (catchNames.includes(name)) return;
    const found = resolve(scope, name);
    if (!found) {
      if (MISSING_GLOBALS.includes(name)) report(node, `${name} does not exist on Espruino`);
      if (COMPILER_HELPER.test(name)) report(node, `${name} is a compiler helper that is not defined (noEmitHelpers)`);
      return;
    }
    const { decl } = found;
    if (found.scope === directScope && decl.kind !== "param" && node.start < decl.start) {
      report(node, `${name} is used before its ${decl.kind} declaration (Espruino does not hoist)`);
    }
    if (decl.kind === "var" && decl.block && found.scope === scope &&
        (node.start < decl.block[0] || node.start > decl.block[1])) {
      report(node, `var ${name} is used outside the block that declares it (Espruino does not hoist var)`);
    }
  }
  function visit(node, scope, directScope, parent) {
    if (!node || typeof node.type !== "string") return;
    switch (node.type) {
      case "LabeledStatement":
        report(node, "labels are not supported");
        break;
      case "Literal":
        if (node.regex) {
          for (const p of regexProblems(node.regex.pattern)) report(node, `RegExp /${node.regex.pattern}/ uses ${p}`);
        }
        return;
      case "Identifier":
        reference(node, scope, directScope);
        return;
      case "MemberExpression": {
        const object = node.object;
        if (object.type === "MemberExpression" && !object.computed && object.property.name === "prototype" &&
            object.object.type === "Identifier" && BUILTINS.includes(object.object.name) &&
            !(parent && parent.type === "AssignmentExpression" && parent.left === node)) {
          report(node, `${object.object.name}.prototype.${node.property.name || "[...]"} reads undefined on Espruino`);
        }
        if (!node.computed && object.type === "Identifier" && MISSING_STATICS[object.name] &&
            MISSING_STATICS[object.name].includes(node.property.name) && !resolve(scope, object.name)) {
          report(node, `${object.name}.${node.property.name} does not exist on Espruino`);
        }
        if (!node.computed && MISSING_METHODS.includes(node.property.name)) {
          report(node, `.${node.property.name}() does not exist on Espruino`);
        }
        if (!node.computed && node.property.name === "apply" && object.type === "MemberExpression" &&
            object.object.type === "Identifier" && object.object.name === "String" &&
            object.property.name === "fromCharCode") {
          report(node, "String.fromCharCode.apply fails above 256 items on Espruino (use E.toString)");
        }
        visit(object, scope, directScope, node);
        if (node.computed) visit(node.property, scope, directScope, node);
        return;
      }
      case "Property":
        if (node.kind !== "init") report(node, "getters and setters in object literals");
        if (node.computed) visit(node.key, scope, directScope, node);
        visit(node.value, scope, directScope, node);
        return;
      case "CallExpression": {
        const callee = node.callee;
        if (callee.type === "MemberExpression" && !callee.computed && SEARCHES.includes(callee.property.name) &&
            !exactSearch(node, scope.node)) {
          report(node, `.${callee.property.name}() with a needle that may be longer than one character: Espruino 2v29 ` +
            "reports a match that runs past the end of the string; search through find() (src/core/text.ts)");
        }
        if (callee.type === "MemberExpression" && !callee.computed && callee.property.name === "split" &&
            node.arguments.length > 1) {
          report(node, "split() ignores its limit argument on Espruino");
        }
        // An immediately invoked function runs as its caller runs.
        if (callee.type === "FunctionExpression") {
          node.arguments.forEach((a) => visit(a, scope, directScope, node));
          visitFunction(callee, scope, true, directScope);
          return;
        }
        break;
      }
      case "FunctionDeclaration":
      case "FunctionExpression":
        visitFunction(node, scope, false, directScope);
        return;
      case "VariableDeclarator":
        visit(node.init, scope, directScope, node);
        return;
      case "CatchClause":
        catchNames.push(node.param.name);
        visit(node.body, scope, directScope, node);
        catchNames.pop();
        return;
      case "BreakStatement": case "ContinueStatement":
        if (node.label) report(node, "labels are not supported");
        return;
    }
    for (const key of Object.keys(node)) {
      if (key === "loc") continue;
      const child = node[key];
      if (Array.isArray(child)) child.forEach((c) => visit(c, scope, directScope, node));
      else if (child && typeof child.type === "string") visit(child, scope, directScope, node);
    }
  }
  function visitFunction(fn, outer, invokedNow, outerDirect) {
    const scope = scopeOf.get(fn);
    // Code in an immediately invoked function runs now, so it must not use the outer scope's
    // later declarations either: keep checking against the outer scope.
    const direct = invokedNow ? outerDirect : null;
    for (const statement of fn.body.body) visitIn(statement, scope, direct);
  }
  // Inside a function body, its own scope is always "direct" for its own declarations.
  function visitIn(node, scope, outerDirect) {
    visitScoped(node, scope, outerDirect);
  }
  function visitScoped(node, scope, outerDirect) {
    // Checks against both the function's own scope and, for IIFEs, the enclosing one.
    visit(node, scope, scope, null);
    if (outerDirect) visitOuterOnly(node, scope, outerDirect);
  }
  function visitOuterOnly(node, scope, outerDirect) {
    // References that resolve to outerDirect, made in code that runs immediately.
    const walk = (n) => {
      if (!n || typeof n.type !== "string") return;
      if (n.type === "FunctionDeclaration" || n.type === "FunctionExpression") return;
      if (n.type === "Identifier") {
        const found = resolve(scope, n.name);
        if (found && found.scope === outerDirect && found.decl.kind !== "param" && n.start < found.decl.start) {
          report(n, `${n.name} is used before its ${found.decl.kind} declaration (Espruino does not hoist)`);
        }
        return;
      }
      for (const key of Object.keys(n)) {
        if (key === "loc") continue;
        if (n.type === "MemberExpression" && key === "property" && !n.computed) continue;
        if (n.type === "Property" && key === "key" && !n.computed) continue;
        const child = n[key];
        if (Array.isArray(child)) child.forEach(walk);
        else if (child && typeof child.type === "string") walk(child);
      }
    };
    walk(node);
  }
  for (const statement of ast.body) visit(statement, program, program, null);
  const seen = new Set();
  return problems.filter((p) => {
    const key = p.line + ":" + p.column + ":" + p.message;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2);
  if (!files.length) {
    console.error("usage: check-bundle.mjs FILE...");
    process.exit(2);
  }
  let failed = false;
  for (const file of files) {
    const problems = checkSource(readFileSync(file, "utf8"));
    for (const p of problems) console.log(`${file}:${p.line}:${p.column}: ${p.message}`);
    if (problems.length) failed = true;
    else console.log(`${file}: runs on Espruino as far as this check can tell`);
  }
  process.exit(failed ? 1 : 0);
}
