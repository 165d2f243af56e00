// picohttp/auth on Node: the same functions as the main entry's, under the board module's name.
export { basic, hasPassword, setPassword } from "./node";
export type { LockoutOptions } from "./node";
