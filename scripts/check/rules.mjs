// What Espruino lacks (see ../shared/PLATFORM.md): the names the dialect check looks for.

/** Built-ins whose prototype members read as undefined on Espruino. */
export const BUILTINS = ["Array", "String", "Function", "Object", "Number", "Boolean", "RegExp", "Date", "Error",
  "Promise", "Uint8Array", "ArrayBuffer", "DataView"];

/** Globals that do not exist there. */
export const MISSING_GLOBALS = ["Map", "Set", "WeakMap", "WeakSet", "Symbol", "Proxy", "Reflect", "TextEncoder",
  "TextDecoder", "encodeURIComponent", "decodeURIComponent", "encodeURI", "decodeURI", "queueMicrotask",
  "setImmediate", "globalThis", "BigInt"];

/** Static members that do not exist there. */
export const MISSING_STATICS = {
  Array: ["from", "of"], Object: ["freeze", "entries", "values", "getOwnPropertySymbols", "fromEntries"],
  Number: ["isInteger", "isNaN", "isFinite", "isSafeInteger", "EPSILON"], Math: ["trunc", "sign", "cbrt", "log2"],
  Promise: ["race", "allSettled", "any"],
};

/** Methods that do not exist on any object there. */
export const MISSING_METHODS = ["finally"];

/** TypeScript's emitted helpers: with noEmitHelpers they must come from somewhere, and nothing provides them. */
export const COMPILER_HELPER = /^__(extends|assign|rest|decorate|param|metadata|awaiter|generator|exportStar|values|read|spread|spreadArrays|spreadArray|await|asyncGenerator|asyncDelegator|asyncValues|makeTemplateObject|importStar|importDefault|classPrivateField\w*|createBinding|setModuleDefault|setFunctionName|propKey|runInitializers|esDecorate|addDisposableResource|disposeResources|rewriteRelativeImportExtension)$/;

/** String searches that report a needle of two or more characters running off the end as found (2v29). */
export const SEARCHES = ["indexOf", "includes", "replace"];
