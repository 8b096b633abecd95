/**
 * What a memory-mapped device is to the bus, and what the machine gives a device. A device sees
 * offsets from its own base, in memory units; the bus only passes it accesses that lie wholly
 * inside [base, base + size) and are naturally aligned. Devices are constructed with everything
 * they need (DeviceContext, resolved wiring) — they never reach into the machine.
 */
import type { StateElement } from '../../isa/model.js';
import type { Bits } from '../../semantics/values.js';
import { deposit, fromBigInt, slice } from '../../semantics/values.js';

export interface MmioDevice {
  /** The model name from the board (`ns16550a`, `clint`, `sifive-test`). */
  readonly name: string;
  /** First physical address, in memory units. */
  readonly base: number;
  /** Extent of the register window, in memory units. */
  readonly size: number;
  /** Read `bits` at `offset` (number for ≤ 32 bits, bigint above, as values.ts). */
  read(offset: number, bits: number): Bits;
  /** Write the low `bits` of `value` at `offset`. */
  write(offset: number, bits: number, value: Bits): void;
  /** Called by the machine after each step, to drive interrupt lines from device state. */
  tick?(): void;
  /**
   * Steps (ticks) until the device raises an interrupt line by itself, with no access to it in
   * between — a timer's deadline; Infinity when it will not. Absent for a device with no such line.
   */
  stepsUntilInterrupt?(): number;
}

/**
 * The machine as a device sees it. `readState`/`writeState` are the interpreter's
 * readReg/writeReg: values in the element's representation (number when width ≤ 32, else bigint).
 */
export interface DeviceContext {
  /** One byte (0..255) written to the console. */
  console(byte: number): void;
  /** Stop the machine with an exit code (0 = pass). */
  halt(code: number): void;
  readState(element: StateElement, index?: number): Bits;
  writeState(element: StateElement, value: Bits): void;
  /**
   * Bits 32·word + 31 .. 32·word of a scalar element, as a number — what a device that looks at a
   * wide register after every step (the CLINT, at mtime) reads instead of making a bigint.
   * Optional: without it, a device takes the word from `readState`.
   */
  readStateWord?(element: StateElement, word: number): number;
}

/**
 * One bit (or field) of a state register that a device drives, resolved from an option such as
 * `mip.MTIP`: bits hi..lo of `element`.
 */
export interface StateLine {
  readonly element: StateElement;
  readonly hi: number;
  readonly lo: number;
}

/**
 * Set a line to `level` (1 or 0 in every bit of the field) by read-modify-write of its state
 * register, leaving the other bits alone; the register is written only when the line changes.
 */
export function driveLine(ctx: DeviceContext, line: StateLine, level: boolean): void {
  const { element, hi, lo } = line;
  const current = ctx.readState(element);
  const wanted = fromBigInt(level ? -1n : 0n, hi - lo + 1);
  if (slice(element.width, current, hi, lo) === wanted) return;
  ctx.writeState(element, deposit(element.width, current, hi, lo, wanted));
}
