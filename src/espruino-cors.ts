// The board's "picohttp/cors" module (dist/picohttp-cors.js): cross-origin requests and their preflights.
export { cors } from "./cors";
export type { CorsOptions } from "./cors";
