// Espruino's Linux build with its telnet console (`espruino --telnet`, always port 2323), as the espruino
// tool and `picohttp flash` reach a board over tcp://; and running a command the way a user would.
import { ChildProcess, spawn } from "child_process";
import * as net from "net";

export const TELNET = 2323;

/** Whether something listens on `port` on 127.0.0.1. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("connect", () => { socket.destroy(); done(true); });
    socket.on("error", () => done(false));
  });
}

/** An interpreter run in `dir` (its Storage lives there), with everything it prints kept in `output`. */
export class TelnetInterpreter {
  readonly child: ChildProcess;
  output = "";
  constructor(bin: string, dir: string, args: string[]) {
    // stdin stays open: at EOF the interpreter exits once idle.
    this.child = spawn(bin, args, { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout!.on("data", (chunk: Buffer) => { this.output += chunk.toString("latin1"); });
    this.child.stderr!.on("data", (chunk: Buffer) => { this.output += chunk.toString("latin1"); });
  }
  stop(): Promise<void> {
    return new Promise((done) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return done();
      this.child.on("exit", () => done());
      this.child.kill("SIGKILL");
    });
  }
}

/** Runs `command` in `cwd`, killed after `timeout` ms: its exit code and all it printed. */
export function run(command: string, args: string[], cwd: string, timeout = 150000): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (chunk) => { output += chunk; });
    child.stderr!.on("data", (chunk) => { output += chunk; });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("error", (error) => { output += String(error); });
    child.on("close", (code) => { clearTimeout(timer); done({ code, output }); });
  });
}
