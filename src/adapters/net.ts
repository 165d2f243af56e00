// The socket adapter. Espruino's `net` module is used as it is: its sockets deliver byte strings, and
// a request's socket stays writable until picohttp ends it. Node's `net` has the same shape but needs
// both asked for; this evens that out.
import { NetModule, Socket } from "../core/types";

export function netAdapter(net: any): NetModule {
  return {
    createServer: function (onConnection: (socket: Socket) => void) {
      // allowHalfOpen: a client that half-closes after its request can still get an asynchronous answer.
      return net.createServer({ allowHalfOpen: true }, function (socket: any) {
        socket.setEncoding("binary"); // byte strings, not Buffers
        onConnection(socket);
      });
    },
  };
}
