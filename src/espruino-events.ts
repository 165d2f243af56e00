// The board's "picohttp/events" module (dist/picohttp-events.js): server-sent events.
export { Channel } from "./events";
export type { ChannelOptions } from "./events";
