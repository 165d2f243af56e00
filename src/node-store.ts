// picohttp/store on Node: the same load and save as the main entry's, under the board module's name.
export { load, save, useStorage } from "./node";
