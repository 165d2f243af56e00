// The socket adapter for Node. Espruino's `net` module is used as it is: its sockets deliver byte
// strings, a request's socket stays writable until picohttp ends it, and an ended socket closes once its
// data is sent. Node's `net` has the same shape but needs each of these asked for; this evens that out.
import { NetModule, Socket } from "../core/types";

/** How long an ended socket may wait for the client to close its side, once all is sent (and in all). */
const LINGER_MS = 1000;
const LINGER_MAX_MS = 30000;

function ignore(): void {
  // see netAdapter
}

/** Node's `end`, then the socket read to its end (so that the client's close is seen) and destroyed if the
 * client has not closed soon after everything was sent (or, for a client that stops reading, at all). */
function endAndLinger(this: any): void {
  const socket = this;
  socket._end();
  socket.resume();
  let timer = setTimeout(destroy, LINGER_MAX_MS);
  timer.unref();
  socket.on("finish", function () {
    clearTimeout(timer);
    timer = setTimeout(destroy, LINGER_MS);
    timer.unref();
  });
  socket.on("close", function () { clearTimeout(timer); });
  function destroy(): void {
    socket.destroy();
  }
}

function clientEnded(this: any): void {
  this.clientEnded = true;
}

export function netAdapter(net: any): NetModule {
  return {
    createServer: function (onConnection: (socket?: Socket, error?: any) => void) {
      // allowHalfOpen: a client that half-closes after its request can still get an asynchronous answer.
      const server = net.createServer({ allowHalfOpen: true }, function (socket: any) {
        socket.setEncoding("binary"); // byte strings, not Buffers
        // Node throws an 'error' nobody listens to (a reset after the answer, say); the close that
        // follows is what picohttp acts on.
        socket.on("error", ignore);
        // Before picohttp's own 'end' listener: a stream that waits for data is ended by the client's close
        // (see onSocketEvent), which with allowHalfOpen Node reports only as 'end'.
        socket.on("end", clientEnded);
        socket._end = socket.end;
        socket.end = endAndLinger;
        onConnection(socket);
      });
      server.on("error", function (error: any) { onConnection(undefined, error); });
      return server;
    },
  };
}
