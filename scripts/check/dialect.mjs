// The dialect check: parses a file as ES5 and walks it once, with the rules of constructs.mjs (single
// constructs) and references.mjs (names), over the scopes of scopes.mjs.
import { parse } from "acorn";
import { base, recursive } from "acorn-walk";
import { callProblems, labelProblems, memberProblems, propertyProblems, regexLiteralProblems } from "./constructs.mjs";
import { outerReferenceProblems, referenceProblems } from "./references.mjs";
import { collectScopes, lookUp } from "./scopes.mjs";

/** Checks source text; returns a list of { line, column, message }. */
/**
 * The problems of `source` on Espruino. `{ app: true }`: the source is an app, run as a script, not a
 * module: `exports` and `module` do not exist there (a bundler's CommonJS output for a module would fail).
 */
export function checkSource(source, { app = false } = {}) {
  let ast;
  try {
    ast = parse(source, { ecmaVersion: 5, locations: true, sourceType: "script", allowReturnOutsideFunction: true });
  } catch (error) {
    return [{ line: error.loc ? error.loc.line : 0, column: error.loc ? error.loc.column : 0,
      message: "not ES5: " + error.message }];
  }
  const problems = [];
  const report = (node, message) => problems.push({ line: node.loc.start.line, column: node.loc.start.column, message });
  const reportAll = (node, messages) => { for (const message of messages) report(node, message); };
  const scopes = collectScopes(ast);
  const catchNames = [];

  // A function's body: its own scope is "direct" for its own declarations. Invoked at once (`now`), its
  // code also runs as the enclosing scope runs, so it must not use that scope's later declarations either.
  const visitFunction = (fn, now, outerDirect) => {
    const scope = scopes.get(fn);
    const direct = now ? outerDirect : null;
    for (const statement of fn.body.body) {
      walk(statement, { scope, direct: scope, assigned: null });
      if (direct) outerReferenceProblems(statement, scope, direct, report);
    }
  };

  // The walk's state: `scope` (where names are looked up), `direct` (the scope whose code runs now, or
  // null in code that runs later) and `assigned` (the target of the assignment around, if any).
  const visitors = {
    LabeledStatement(node, st, c) {
      reportAll(node, labelProblems(node));
      c(node.body, st, "Statement");
      c(node.label, st);
    },
    BreakStatement(node) {
      if (node.label) reportAll(node, labelProblems(node));
    },
    ContinueStatement(node) {
      if (node.label) reportAll(node, labelProblems(node));
    },
    Literal(node) {
      reportAll(node, regexLiteralProblems(node));
    },
    Identifier(node, st) {
      reportAll(node, referenceProblems(node, st.scope, st.direct, catchNames, app));
    },
    MemberExpression(node, st, c) {
      reportAll(node, memberProblems(node, { assigned: st.assigned === node, declared: (name) => !!lookUp(st.scope, name) }));
      c(node.object, st, "Expression");
      if (node.computed) c(node.property, st, "Expression");
    },
    AssignmentExpression(node, st, c) {
      c(node.left, { ...st, assigned: node.left }, "Expression");
      c(node.right, st, "Expression");
    },
    Property(node, st, c) {
      reportAll(node, propertyProblems(node));
      if (node.computed) c(node.key, st, "Expression");
      c(node.value, st, "Expression");
    },
    CallExpression(node, st, c) {
      reportAll(node, callProblems(node, st.scope.node));
      if (node.callee.type === "FunctionExpression") {
        // An immediately invoked function runs as its caller runs.
        for (const argument of node.arguments) c(argument, st, "Expression");
        visitFunction(node.callee, true, st.direct);
      } else {
        base.CallExpression(node, st, c);
      }
    },
    FunctionDeclaration(node, st) {
      visitFunction(node, false, st.direct);
    },
    FunctionExpression(node, st) {
      visitFunction(node, false, st.direct);
    },
    VariableDeclarator(node, st, c) {
      if (node.init) c(node.init, st, "Expression");
    },
    CatchClause(node, st, c) {
      catchNames.push(node.param.name);
      c(node.body, st, "Statement");
      catchNames.pop();
    },
    // In source order, as the messages are.
    DoWhileStatement(node, st, c) {
      c(node.body, st, "Statement");
      c(node.test, st, "Expression");
    },
    SwitchCase(node, st, c) {
      for (const statement of node.consequent) c(statement, st, "Statement");
      if (node.test) c(node.test, st, "Expression");
    },
  };
  const walk = (node, st) => recursive(node, st, visitors, base);

  const program = scopes.get(ast);
  for (const statement of ast.body) walk(statement, { scope: program, direct: program, assigned: null });
  return unique(problems);
}

/** The problems without repeats (the same message at the same place), in order. */
function unique(problems) {
  const seen = new Set();
  return problems.filter((p) => {
    const key = p.line + ":" + p.column + ":" + p.message;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
