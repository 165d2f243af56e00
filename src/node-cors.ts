// picohttp/cors on Node: the same function as the main entry's, under the board module's name.
export { cors } from "./node";
export type { CorsOptions } from "./node";
