// Command lines, read with node:util parseArgs: the scripts' options are declared once, unknown options
// and missing values are reported in one style, and numbers are checked.
import { parseArgs } from "node:util";

/** A command-line mistake: the script prints its usage with it. */
export class UsageError extends Error {}

/**
 * Reads `argv` against `options` (parseArgs' declarations). Returns `{ values, positionals }`; throws a
 * UsageError ("unknown option --x", "--board needs a value", "unexpected argument x") on a mistake.
 * `positionals`: how many positional arguments are allowed (0, a number, or Infinity).
 */
export function readArguments(argv, options, { positionals = 0 } = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: positionals > 0, strict: true });
  } catch (error) {
    throw new UsageError(describe(error, options));
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError("unexpected argument " + parsed.positionals[positionals]);
  }
  return parsed;
}

function describe(error, options) {
  const text = String(error && error.message || error);
  const quoted = /'([^']+)'/.exec(text);
  const spelled = quoted ? quoted[1].replace(/ <value>$/, "").split(", ").pop() : "";
  switch (error && error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return "unknown option " + spelled;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/argument missing/.test(text)) return spelled + " needs a value";
      if (/does not take an argument/.test(text)) return spelled + " takes no value";
      if (/ambiguous/.test(text)) return `${spelled} needs a value (one that starts with "-" is written ${spelled}=-...)`;
      return text;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return "unexpected argument " + spelled;
    default:
      return text;
  }
}

/** `text` as a whole number of at least `min`, or a UsageError naming `name`. */
export function integer(name, text, min = 1) {
  const n = Number(text);
  if (text === undefined || text === "" || !Number.isInteger(n) || n < min) {
    throw new UsageError(`${name} wants a whole number${min === 1 ? " above 0" : min === 0 ? "" : " of at least " + min}, not ${text}`);
  }
  return n;
}

/** `text` as a number above 0, or a UsageError. */
export function positiveNumber(name, text) {
  const n = Number(text);
  if (text === undefined || text === "" || !(n > 0)) throw new UsageError(`${name} wants a number above 0, not ${text}`);
  return n;
}

/** A comma-separated list whose items all come from `allowed`. */
export function list(name, text, allowed) {
  const items = String(text).split(",").map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (allowed && !allowed.includes(item)) throw new UsageError(`${name}: unknown ${item} (one of ${allowed.join(", ")})`);
  }
  if (!items.length) throw new UsageError(name + " needs at least one of " + allowed.join(", "));
  return items;
}
