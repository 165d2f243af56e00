// ESPRUINO_BIN and ESPRUINO_BIN_1600 as absolute paths, for every script and test that reads them: each
// interpreter runs in a temporary directory of its own (where its Storage lives), so a path relative to
// where the command was typed (`ESPRUINO_BIN=../shared/espruino/espruino npm test`) would name nothing
// there. A bare command name is left for the PATH to find.
import { resolve } from "node:path";

for (const name of ["ESPRUINO_BIN", "ESPRUINO_BIN_1600"]) {
  const value = process.env[name];
  if (value && value.includes("/")) process.env[name] = resolve(value);
}
