// The socket adapter. Espruino's `net` module is used as it is: its sockets deliver byte strings, and
// a request's socket stays writable until picohttp ends it. Node's `net` has the same shape but needs
// both asked for; this evens that out.
import { NetModule, Socket } from "../core/types";

function ignore(): void {
  // see above
}

export function netAdapter(net: any): NetModule {
  return {
    createServer: function (onConnection: (socket: Socket) => void) {
      // allowHalfOpen: a client that half-closes after its request can still get an asynchronous answer.
      return net.createServer({ allowHalfOpen: true }, function (socket: any) {
        socket.setEncoding("binary"); // byte strings, not Buffers
        // Node throws an 'error' nobody listens to (a reset after the answer, say); the close that
        // follows is what picohttp acts on.
        socket.on("error", ignore);
        onConnection(socket);
      });
    },
  };
}
