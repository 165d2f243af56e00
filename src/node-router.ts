// picohttp/router on Node: the same router as the main entry's, under the board module's name.
export { router } from "./node";
export type { BodyKind, Route, RouteHandler, RoutedRequest } from "./node";
