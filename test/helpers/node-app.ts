// An app written for the board (ES5, modules by name through `require`) run on Node, as the module tests
// run the same app on both: its requires answered from `modules`, its `server` handed back.
export function runOnNode(code: string, modules: { [name: string]: unknown }): { close(): void } {
  const scope: { server?: { close(): void } } = {};
  new Function("require", "scope", code + "\nscope.server = server;")((name: string) => {
    if (!(name in modules)) throw new Error("the app requires " + name + ", which the test does not give it");
    return modules[name];
  }, scope);
  if (!scope.server) throw new Error("the app made no server");
  return scope.server;
}
