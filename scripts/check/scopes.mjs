// Scopes and declarations, the first pass of the dialect check. Espruino hoists neither function
// declarations nor `var`: what matters is where each name is declared (its position), and for a `var`,
// the block of code that may be skipped around it (a branch, a loop body, a try block, a case).
import { base, recursive } from "acorn-walk";

/**
 * A scope: the program or a function, its parent, and its declarations by name:
 * { kind: "function" | "var" | "param", start, block: [start, end] | null } (the first one of each name).
 */
function newScope(node, parent) {
  return { node, parent, decls: new Map() };
}

function declare(scope, name, kind, start, block) {
  if (!scope.decls.has(name)) scope.decls.set(name, { kind, start, block });
}

/** The nearest declaration of `name` seen from `scope`: { scope, decl }, or null for a global. */
export function lookUp(scope, name) {
  for (let s = scope; s; s = s.parent) if (s.decls.has(name)) return { scope: s, decl: s.decls.get(name) };
  return null;
}

const range = (node) => [node.start, node.end];

function enterFunction(fn, parent, scopes) {
  const scope = newScope(fn, parent);
  scopes.set(fn, scope);
  if (fn.type === "FunctionExpression" && fn.id) declare(scope, fn.id.name, "param", -1, null);
  for (const p of fn.params) declare(scope, p.name, "param", -1, null);
  declare(scope, "arguments", "param", -1, null);
  for (const statement of fn.body.body) collect(statement, { scope, block: null, scopes });
}

// The walk's state: the scope declarations go to, the block they are in (null: the scope's own body),
// and the map of every scope by its node.
const collectors = {
  FunctionDeclaration(node, st) {
    declare(st.scope, node.id.name, "function", node.start, st.block);
    enterFunction(node, st.scope, st.scopes);
  },
  FunctionExpression(node, st) {
    enterFunction(node, st.scope, st.scopes);
  },
  VariableDeclaration(node, st, c) {
    for (const d of node.declarations) {
      declare(st.scope, d.id.name, "var", d.start, st.block);
      if (d.init) c(d.init, st, "Expression");
    }
  },
  // The catch parameter belongs to the clause, not the scope; the clause's body is a block of its own.
  CatchClause(node, st, c) {
    c(node.body, st, "Statement");
  },
  BlockStatement(node, st, c) {
    const inner = node === st.scope.node.body ? st : { ...st, block: range(node) };
    for (const statement of node.body) c(statement, inner, "Statement");
  },
  IfStatement(node, st, c) {
    c(node.test, st, "Expression");
    c(node.consequent, { ...st, block: range(node.consequent) }, "Statement");
    if (node.alternate) c(node.alternate, { ...st, block: range(node.alternate) }, "Statement");
  },
  ForStatement(node, st, c) {
    if (node.init) c(node.init, st, "ForInit");
    if (node.test) c(node.test, st, "Expression");
    if (node.update) c(node.update, st, "Expression");
    c(node.body, { ...st, block: range(node.body) }, "Statement");
  },
  ForInStatement(node, st, c) {
    c(node.left, st, "ForInit");
    c(node.right, st, "Expression");
    c(node.body, { ...st, block: range(node.body) }, "Statement");
  },
  WhileStatement(node, st, c) {
    c(node.test, st, "Expression");
    c(node.body, { ...st, block: range(node.body) }, "Statement");
  },
  DoWhileStatement(node, st, c) {
    c(node.body, { ...st, block: range(node.body) }, "Statement");
    c(node.test, st, "Expression");
  },
  SwitchCase(node, st, c) {
    if (node.test) c(node.test, st, "Expression");
    for (const statement of node.consequent) c(statement, { ...st, block: range(node) }, "Statement");
  },
};

function collect(node, st) {
  recursive(node, st, collectors, base);
}

/** Every scope of a parsed program, by its node (the Program, or a function). */
export function collectScopes(ast) {
  const scopes = new Map();
  const program = newScope(ast, null);
  scopes.set(ast, program);
  for (const statement of ast.body) collect(statement, { scope: program, block: null, scopes });
  return scopes;
}
