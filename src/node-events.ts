// picohttp/events on Node: the same Channel as the main entry's, under the board module's name.
export { Channel } from "./node";
export type { ChannelOptions } from "./node";
