// Names: a global that does not exist, a compiler helper nobody defines, a name used before its
// declaration in code that runs as its scope runs (Espruino hoists neither functions nor var), and a
// var used outside the block that declares it.
import { base, recursive } from "acorn-walk";
import { COMPILER_HELPER, MISSING_GLOBALS } from "./rules.mjs";
import { lookUp } from "./scopes.mjs";

const usedBefore = (name, decl) => `${name} is used before its ${decl.kind} declaration (Espruino does not hoist)`;

/**
 * The problems of identifier `node`, read in `scope`. `direct` is the scope whose code runs right now
 * where the identifier is (the scope itself, or null in a function that runs later); names in
 * `catchNames` (the catch parameters around it) are not looked at.
 */
export function referenceProblems(node, scope, direct, catchNames, app = false) {
  const name = node.name;
  if (catchNames.includes(name)) return [];
  const found = lookUp(scope, name);
  if (!found) {
    const problems = [];
    if (MISSING_GLOBALS.includes(name)) problems.push(`${name} does not exist on Espruino`);
    if (app && (name === "exports" || name === "module")) {
      problems.push(`${name} is not defined in an app on Espruino (an app runs as a script, not a module): do not export from it`);
    }
    if (COMPILER_HELPER.test(name)) problems.push(`${name} is a compiler helper that is not defined (noEmitHelpers)`);
    return problems;
  }
  const { decl } = found;
  const problems = [];
  if (found.scope === direct && decl.kind !== "param" && node.start < decl.start) problems.push(usedBefore(name, decl));
  if (decl.kind === "var" && decl.block && found.scope === scope && (node.start < decl.block[0] || node.start > decl.block[1])) {
    problems.push(`var ${name} is used outside the block that declares it (Espruino does not hoist var)`);
  }
  return problems;
}

// Every identifier a statement names in code that runs now: not in nested functions, not property names.
function identifier(node, st) {
  st.found(node);
}
const label = (node, st) => { if (node.label) identifier(node.label, st); };
const runsNow = {
  Identifier: identifier,
  VariablePattern: identifier, // declared names, catch parameters and assignment targets
  FunctionDeclaration() {},
  FunctionExpression() {},
  LabeledStatement(node, st, c) {
    c(node.body, st, "Statement");
    identifier(node.label, st);
  },
  BreakStatement: label,
  ContinueStatement: label,
  DoWhileStatement(node, st, c) {
    c(node.body, st, "Statement");
    c(node.test, st, "Expression");
  },
  SwitchCase(node, st, c) {
    for (const statement of node.consequent) c(statement, st, "Statement");
    if (node.test) c(node.test, st, "Expression");
  },
};

/**
 * In a function invoked at once, a statement's references to names of `outer` (the scope that runs it)
 * declared later: they run before those declarations. `scope` is the function's own scope.
 */
export function outerReferenceProblems(statement, scope, outer, report) {
  recursive(statement, {
    found(node) {
      const found = lookUp(scope, node.name);
      if (found && found.scope === outer && found.decl.kind !== "param" && node.start < found.decl.start) {
        report(node, usedBefore(node.name, found.decl));
      }
    },
  }, runsNow, base);
}
