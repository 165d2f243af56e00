// picohttp/upload on Node: the same uploads as the main entry's, under the board module's name.
export { uploads } from "./node";
export type { UploadOptions } from "./node";
