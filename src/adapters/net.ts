// The socket adapter: Espruino's `net` module and Node's have the same shape; this evens out the rest.
import { NetModule, Socket } from "../core/types";

/**
 * Wraps a platform `net` module. `halfOpen` (Node): keep a socket writable after the client has
 * finished sending, so an asynchronous handler can still answer a client that half-closes.
 */
export function netAdapter(net: any, halfOpen: boolean): NetModule {
  return {
    createServer: function (onConnection: (socket: Socket) => void) {
      const accept = function (socket: any) {
        // Node delivers Buffers unless told otherwise; Espruino always delivers byte strings.
        if (socket.setEncoding) socket.setEncoding("binary");
        onConnection(socket);
      };
      return halfOpen ? net.createServer({ allowHalfOpen: true }, accept) : net.createServer(accept);
    },
  };
}
