// A real HTTP client for tests: one connection per request, raw bytes back.
import * as http from "http";
import * as net from "net";

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export function httpRequest(port: number, path: string, options: { method?: string; headers?: any; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: "127.0.0.1", port, path, method: options.method || "GET",
      headers: options.headers, agent: false, timeout: 10000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({ status: response.statusCode || 0, headers: response.headers, body, text: body.toString("utf8") });
      });
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error("timed out: " + path)));
    request.on("error", reject);
    request.end(options.body);
  });
}

/** Sends raw bytes and resolves with everything the server sends back before closing. */
export function rawRequest(port: number, bytes: string, timeout = 10000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let received = "";
    socket.setEncoding("latin1");
    socket.setTimeout(timeout, () => socket.destroy(new Error("timed out")));
    socket.on("data", (chunk: string) => { received += chunk; });
    socket.on("error", reject);
    socket.on("close", () => resolve(received));
    socket.write(Buffer.from(bytes, "latin1"));
  });
}

/** Resolves once something accepts connections on the port. */
export async function waitForPort(port: number, timeout = 10000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.on("connect", () => { socket.destroy(); resolve(true); });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error("nothing listens on port " + port);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
