// picohttp/static on Node: the same staticResource as the main entry's, under the board module's name.
export { staticResource, useStorage, mimeType } from "./node";
