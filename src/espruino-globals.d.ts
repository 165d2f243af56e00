// Ambient declarations for the Espruino globals picohttp uses (see https://www.espruino.com/Reference).

declare const E: {
  /** Bytes (Uint8Array, ArrayBuffer, array of numbers) to a byte string. */
  toString(...args: any[]): string;
  toUint8Array(...args: any[]): Uint8Array;
  /** Builds with unicode support only. */
  isUTF8?(text: string): boolean;
  /** The bytes behind a UTF-8 string (builds with unicode support only). */
  fromUTF8?(text: string): string;
  getSizeOf(value: any, depth?: number): number;
};

interface EspruinoMemory {
  free: number;
  usage: number;
  total: number;
  history: number;
}

/** Espruino's `require("Storage")`: files in flash. */
interface EspruinoStorage {
  read(name: string, offset?: number, length?: number): string | undefined;
  readJSON(name: string, noExceptions?: boolean): any;
  write(name: string, data: string, offset?: number, size?: number): boolean;
  erase(name: string): void;
  list(pattern?: any, options?: any): string[];
  getFree(): number;
}
