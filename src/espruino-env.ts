/**
 * Ambient declarations for the Espruino globals a board app commonly uses (https://www.espruino.com/Reference),
 * for board apps written in TypeScript. Shipped as dist/types/espruino-env.d.ts; opt in with
 * `/// <reference types="picohttp/espruino-env" />` or `"types": ["picohttp/espruino-env"]` in the app's
 * tsconfig. Nothing in picohttp's own declarations refers to this file, so a Node project never sees it.
 *
 * Declarations only: this module has no code (its JavaScript would be empty, and no bundle imports it). In
 * picohttp's own compilation (tsconfig.json, all of src/) these globals are declared for every file: the board
 * entry points (espruino*.ts) use them, and the Node files must not.
 *
 * Living beside @types/node: Espruino's `require`, `process` and `console` are declared through the same
 * names @types/node uses (`var require: NodeJS.Require`, `var process: NodeJS.Process`, `var console:
 * Console`), adding to those interfaces rather than redeclaring the variables, so a project that has both
 * compiles (with @types/node 20: `require` is `NodeJS.Require` there). Then, though, Node's globals are
 * visible in board code too (`require("fs")`, `Buffer`) and would fail on the board; and the timers return
 * Node's `Timeout` or Espruino's number, whichever declaration the compiler reads first. A board app is best
 * compiled with `"types": ["picohttp/espruino-env"]`, which keeps @types/node out.
 *
 * Pins and the globals a board defines differ from board to board (an ESP8266 has D0-D16, an ESP32 D0-D39 with
 * gaps; LED1 or BTN1 only where the board has one): everything is declared for every board, and a name the
 * board lacks is a ReferenceError when the app runs.
 */
declare global {
  /** The interpreter's own functions: `E.toString(bytes)`, `E.getSizeOf(value)`, `E.on("init", fn)`... */
  interface EspruinoE {
    /** Bytes (Uint8Array, ArrayBuffer, arrays of numbers, strings), joined into one byte string. */
    toString(...args: any[]): string;
    /** The same, as a Uint8Array. */
    toUint8Array(...args: any[]): Uint8Array;
    /** Builds with unicode support only: whether `text` is held as UTF-8. */
    isUTF8?(text: string): boolean;
    /** Builds with unicode support only: the bytes behind a UTF-8 string. */
    fromUTF8?(text: string): string;
    /** Builds with unicode support only: a byte string read as UTF-8. */
    asUTF8?(text: string): string;
    /** The number of variables (memory blocks) `value` uses; `depth` follows its references that far. */
    getSizeOf(value: any, depth?: number): number;
    /** `value` as JavaScript source (like JSON, but for any value). */
    toJS(value: any): string;
    /** Code run at boot, before the saved app (`.bootcde`); `alwaysExec` runs it even after a reset. */
    setBootCode(code: string, alwaysExec?: boolean): void;
    /** Called at boot (after `load()` or power-on), like a global `onInit`; `kill` before a reset. */
    on(event: "init" | "kill", listener: () => void): void;
    /** Called with the error flags set (out of memory, buffer overflows...). */
    on(event: "errorFlag", listener: (flags: string[]) => void): void;
    on(event: string, listener: (...args: any[]) => void): void;
    removeListener(event: string, listener: (...args: any[]) => void): void;
    removeAllListeners(event?: string): void;
    /** The error flags set since last asked: "FIFO_FULL", "BUFFER_FULL", "MEMORY", "LOW_MEMORY"... */
    getErrorFlags(): string[];
    /** Degrees Celsius of the chip, where it can tell. */
    getTemperature(): number;
    /** Restarts the chip. */
    reboot(): void;
    /** Offset from UTC in hours, for `Date`. */
    setTimeZone(zone: number): void;
    /** Starts the watchdog: `isAuto` kicks it from the idle loop, else call `kickWatchdog`. */
    enableWatchdog(timeout: number, isAuto?: boolean): void;
    kickWatchdog(): void;
    /** Frees what it can and compacts the heap. */
    defrag(): void;
  }
  /** The interpreter: see EspruinoE. */
  var E: EspruinoE;

  /** What `process.memory()` reports, in variables (memory blocks) unless stated otherwise. */
  interface EspruinoMemory {
    /** Variables free. */
    free: number;
    /** Variables in use. */
    usage: number;
    /** Variables in all. */
    total: number;
    /** Variables used by the command history. */
    history: number;
    /** Variables freed by the collection this call ran (none with `memory(false)`). */
    gc: number;
    /** Milliseconds that collection took. */
    gctime: number;
    /** Bytes per variable. */
    blocksize: number;
    stackEndAddress?: number;
    stackFree?: number;
    flash_start?: number;
    flash_binary_end?: number;
    flash_code_start?: number;
    flash_length?: number;
  }

  namespace NodeJS {
    /** Espruino's `process`; in a project with @types/node too, Node's. */
    interface Process {
      /** Memory figures, after a garbage collection unless `gc` is false. */
      memory(gc?: boolean): EspruinoMemory;
    }

    /** Espruino's `require`: the modules below are typed, any other name gives `any`. */
    interface Require {
      (name: "Storage"): EspruinoStorage;
      (name: "Wifi"): EspruinoWifi;
      (name: "net"): EspruinoNet;
      (name: "picohttp"): typeof import("./espruino");
      (name: "picohttp/static"): typeof import("./espruino-static");
      (name: "picohttp/store"): typeof import("./espruino-store");
      (name: "picohttp/router"): typeof import("./espruino-router");
      (name: "picohttp/auth"): typeof import("./espruino-auth");
      (name: "picohttp/cors"): typeof import("./espruino-cors");
      (name: "picohttp/events"): typeof import("./espruino-events");
      (name: string): any;
    }
  }
  var process: NodeJS.Process;
  var require: NodeJS.Require;

  /** The subset of the console Espruino has. */
  interface Console {
    log(...data: any[]): void;
    /** Espruino: written to the console the same way as log. */
    error(...data: any[]): void;
    warn(...data: any[]): void;
    info(...data: any[]): void;
    debug(...data: any[]): void;
    trace(...data: any[]): void;
  }
  var console: Console;

  /** Runs `callback` once after `timeout` milliseconds; returns its id, for clearTimeout. */
  function setTimeout(callback: (...args: any[]) => void, timeout?: number, ...args: any[]): number;
  /** Runs `callback` every `timeout` milliseconds; returns its id, for clearInterval. */
  function setInterval(callback: (...args: any[]) => void, timeout?: number, ...args: any[]): number;
  /** Without an id: every timeout and interval. */
  function clearTimeout(id?: number): void;
  function clearInterval(id?: number): void;
  /** Espruino: a new period for the interval `id`. */
  function changeInterval(id: number, time: number): void;

  /** A pin's mode: see pinMode. */
  type PinMode = "analog" | "input" | "input_pullup" | "input_pulldown" | "output" | "opendrain" |
    "opendrain_pullup" | "af_output" | "af_opendrain";

  /** A pin: the D0...D39 constants, or `new Pin(number)`. */
  class Pin {
    constructor(value: number | string);
    /** The input value (the mode is set to input unless it was set with pinMode). */
    read(): boolean;
    /** Output high. */
    set(): void;
    /** Output low. */
    reset(): void;
    write(value: boolean | number): void;
    /** Writes `value` at the time `time` (seconds, as getTime gives it). */
    writeAtTime(value: boolean | number, time: number): void;
    /** Inverts the output; returns the new value. */
    toggle(): boolean;
    getMode(): PinMode;
    mode(mode: PinMode | "auto"): void;
    /** The pin's number. */
    getInfo(): { port: string; num: number; in_addr?: number; out_addr?: number; analog?: { ADCs: number[]; channel: number } };
  }

  /** A pin, a pin's number, or several pins (written to as bits, the first the most significant). */
  type PinLike = Pin | number;

  /** Sets the output of `pin` (or of each pin of an array, from a number's bits). */
  function digitalWrite(pin: PinLike | PinLike[], value: boolean | number): void;
  /** The input value of `pin` (1 or 0), or of several pins as a number's bits. */
  function digitalRead(pin: PinLike | PinLike[]): number;
  /** A pulse of `value` for `time` milliseconds (several, with an array of times). */
  function digitalPulse(pin: PinLike, value: boolean | number, time: number | number[]): void;
  /** The analog input value of `pin`, from 0 to 1. */
  function analogRead(pin: PinLike): number;
  /** PWM output: `value` from 0 to 1, at `options.freq` Hz. */
  function analogWrite(pin: PinLike, value: number, options?: { freq?: number; soft?: boolean; forceSoft?: boolean }): void;
  /** Sets the mode of `pin`; "auto" (or no mode) lets digitalRead and digitalWrite set it. */
  function pinMode(pin: PinLike, mode?: PinMode | "auto", automatic?: boolean): void;
  function getPinMode(pin: PinLike): PinMode;

  /** What a watch's callback is told. */
  interface WatchEvent {
    /** The pin's state now. */
    state: boolean;
    /** When it changed (seconds, as getTime gives it). */
    time: number;
    /** When it changed before. */
    lastTime: number;
    /** With `options.data`: the state of that pin. */
    data?: boolean;
  }
  interface WatchOptions {
    /** true: every change; false (default): the first only. */
    repeat?: boolean;
    /** "both" (default), "rising" or "falling" (or 0, 1, -1). */
    edge?: "rising" | "falling" | "both" | 0 | 1 | -1;
    /** Milliseconds a change must last (default 25 for a button: set 0 for a signal). */
    debounce?: number;
    irq?: boolean;
    /** A pin whose state is read at each change, as `event.data`. */
    data?: PinLike;
    hispeed?: boolean;
  }
  /** Calls `callback` when `pin` changes; returns the watch's id, for clearWatch. */
  function setWatch(callback: (event: WatchEvent) => void, pin: PinLike, options?: WatchOptions | number): number;
  /** Stops the watch `id` (without an id: every watch). */
  function clearWatch(id?: number): void;

  /** Seconds since 1970 (or since boot, until the time is set), with a fraction. */
  function getTime(): number;
  /** Sets the clock: seconds since 1970. */
  function setTime(time: number): void;
  /** Clears the app from RAM (and the saved app from flash with `clearFlash`). */
  function reset(clearFlash?: boolean): void;
  /**
   * Restarts the app: without a name, the one saved in flash (`.bootcde`); with one, that Storage file.
   * Not picohttp's `load(name, fallback)`: import that one (`import { load } from "picohttp"`) or call it
   * on the module (`require("picohttp").load(...)`).
   */
  function load(filename?: string): void;
  /** Saves the interpreter's whole state (the app as it is in RAM) to flash, to run at boot. */
  function save(): void;
  /** Called after boot, when the saved app has been loaded (define `function onInit() {...}` in the app). */
  function onInit(): void;
  /** Prints the memory use of `root` (the whole heap without it). */
  function trace(root?: any): void;
  /** Prints the app's code, as it is held in RAM. */
  function dump(): void;
  /** Lets the chip sleep between events (where the board can). */
  function setDeepSleep(sleep: boolean): void;
  /** Pins D0...D39 (not every board has each: an ESP8266 has D0-D16, an ESP32 lacks D20, D24, D28-D31). */
  const D0: Pin, D1: Pin, D2: Pin, D3: Pin, D4: Pin, D5: Pin, D6: Pin, D7: Pin, D8: Pin, D9: Pin;
  const D10: Pin, D11: Pin, D12: Pin, D13: Pin, D14: Pin, D15: Pin, D16: Pin, D17: Pin, D18: Pin, D19: Pin;
  const D20: Pin, D21: Pin, D22: Pin, D23: Pin, D24: Pin, D25: Pin, D26: Pin, D27: Pin, D28: Pin, D29: Pin;
  const D30: Pin, D31: Pin, D32: Pin, D33: Pin, D34: Pin, D35: Pin, D36: Pin, D37: Pin, D38: Pin, D39: Pin;
  /** The analog input of an ESP8266. */
  const A0: Pin;
  /** Only on boards that have them (a ReferenceError elsewhere). */
  const LED1: Pin, LED2: Pin, BTN1: Pin, BTN: Pin;

  /** A Storage file opened with `require("Storage").open(name, mode)` (a StorageFile, not a plain file). */
  interface EspruinoStorageFile {
    /** Up to `length` bytes, or undefined at the end. */
    read(length: number): string | undefined;
    /** The next line, "\n" included, or undefined at the end. */
    readLine(): string | undefined;
    write(data: string): void;
    erase(): void;
    getLength(): number;
  }

  /** `require("Storage")`: files in flash. Names are at most 28 characters. */
  interface EspruinoStorage {
    /**
     * The file (or `length` bytes of it from `offset`) as a string that points into flash (no RAM copy), or
     * undefined when there is no such file.
     */
    read(name: string, offset?: number, length?: number): string | undefined;
    /** The file parsed as JSON; undefined when there is none; invalid JSON throws unless `noExceptions`. */
    readJSON(name: string, noExceptions?: boolean): unknown;
    readArrayBuffer(name: string): ArrayBuffer | undefined;
    /**
     * Writes a file: all of it, or with `size` a file of that size whose first `data` is at `offset`, to be
     * filled in by more writes at their offsets. A file is erased before it is written.
     */
    write(name: string, data: string | ArrayBuffer | Uint8Array | number[], offset?: number, size?: number): boolean;
    writeJSON(name: string, data: any): boolean;
    erase(name: string): void;
    /** Every file! */
    eraseAll(): void;
    /** File names, those matching `pattern` only when given; `filter.sf`: StorageFiles (true) or not (false). */
    list(pattern?: RegExp | string, filter?: { sf?: boolean }): string[];
    /** A hash of the files matching `pattern`. */
    hash(pattern?: RegExp | string): number;
    /** Bytes free. */
    getFree(checkInternalFlash?: boolean): number;
    getStats(): { totalBytes: number; freeBytes: number; fileBytes: number; fileCount: number; trashBytes: number; trashCount: number };
    /** Reclaims the space of erased and rewritten files (slow; moves files). */
    compact(): void;
    /** A StorageFile: a file written and read a piece or a line at a time ("r", "w" or "a"). */
    open(name: string, mode: "r" | "w" | "a"): EspruinoStorageFile;
  }

  /** An ESP32's or ESP8266's addresses. */
  interface EspruinoIPInfo {
    ip: string;
    netmask: string;
    gw: string;
    mac: string;
  }

  /** `require("Wifi")` (ESP32, ESP8266). Callbacks get `null` or an error message first. */
  interface EspruinoWifi {
    /** Joins the access point `ssid`; `callback(error)` once connected, or with why not. */
    connect(ssid: string, options?: { password?: string; dnsServers?: string[]; channel?: number; bssid?: string },
            callback?: (error: string | null) => void): void;
    disconnect(callback?: () => void): void;
    /** The station's addresses (also given to `callback`). */
    getIP(callback?: (error: string | null, info: EspruinoIPInfo) => void): EspruinoIPInfo;
    /** The access point's addresses. */
    getAPIP(callback?: (error: string | null, info: EspruinoIPInfo) => void): EspruinoIPInfo;
    /** The name the board gives DHCP (and mDNS). */
    setHostname(hostname: string, callback?: () => void): void;
    getHostname(callback?: (hostname: string) => void): string;
    /** Connection state: `station` is "connected", "connecting", "off"... */
    getStatus(callback?: (status: any) => void): { station?: string; ap?: string; mode?: string; [key: string]: any };
    getDetails(callback?: (details: any) => void): any;
    /** Saves the current setup so that it is restored at boot ("clear": forget it). */
    save(what?: "clear"): void;
    restore(): void;
    /** Starts an access point. */
    startAP(ssid: string, options?: { password?: string; authMode?: "open" | "wpa" | "wpa2" | "wpa_wpa2"; channel?: number; hidden?: boolean },
            callback?: (error: string | null) => void): void;
    stopAP(callback?: () => void): void;
    /** The access points in range. */
    scan(callback: (points: { ssid: string; mac: string; authMode: string; channel: number; rssi: number }[]) => void): void;
    on(event: "connected", listener: (details: { ip: string; netmask: string; gw: string }) => void): void;
    on(event: "disconnected", listener: (details: { ssid: string; mac: string; reason: string }) => void): void;
    on(event: string, listener: (...args: any[]) => void): void;
  }

  /** A socket of Espruino's `net`: 'data' (a byte string), 'drain', 'end', 'close', 'error'. */
  interface EspruinoSocket {
    on(event: "data", listener: (data: string) => void): void;
    on(event: "close", listener: (hadError: boolean) => void): void;
    on(event: "error", listener: (error: { code: number; message: string; type?: string }) => void): void;
    on(event: string, listener: (...args: any[]) => void): void;
    removeAllListeners(event?: string): void;
    /** Queues `data` (a byte string); false when the queue is long (wait for 'drain'). */
    write(data: string): boolean;
    end(data?: string): void;
    pipe(destination: any, options?: { chunkSize?: number; end?: boolean; complete?: () => void }): void;
  }

  interface EspruinoNetServer {
    listen(port: number): EspruinoNetServer;
    close(): void;
  }

  /** `require("net")`: TCP. */
  interface EspruinoNet {
    createServer(onConnection: (socket: EspruinoSocket) => void): EspruinoNetServer;
    connect(options: { host: string; port: number } | string, onConnected?: (socket: EspruinoSocket) => void): EspruinoSocket;
  }
}

export {};
