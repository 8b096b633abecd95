/**
 * The physical address space as the semantics see it (the interpreter's PhysicalBus): one RAM and
 * the board's memory-mapped devices. Addresses are in memory units. RAM is tried first (the fast
 * path); otherwise the access goes to the device whose window holds it wholly, at a naturally
 * aligned offset. Anything else — unmapped, straddling, misaligned on a device, or an instruction
 * fetch from a device — is refused (null / false), which the interpreter turns into the ISA's
 * access fault.
 *
 * HTIF (the host–target interface of Spike and the riscv-tests): when watched, a store that
 * touches the 64-bit `tohost` word is stored in RAM as usual and then reported with tohost's new
 * value. The bus only reports; the machine decides (see `decodeToHost`).
 */
import { raise } from '../diagnostic.js';
import type { AccessKind } from '../isa/model.js';
import type { PhysicalBus } from '../semantics/interpreter.js';
import type { Bits } from '../semantics/values.js';
import { hex, toBigInt } from '../semantics/values.js';
import type { MmioDevice } from './devices/device.js';
import type { Ram } from './memory.js';

/** What a guest asks for by writing `tohost` (riscv-tests convention). */
export type ToHostRequest =
  | { readonly kind: 'pass' }
  | { readonly kind: 'fail'; readonly code: number };

/**
 * Decode a nonzero `tohost` value: 1 → pass; bit 0 set → fail with code value >> 1 (the
 * riscv-tests TESTNUM that failed); bit 0 clear → a pointer to a syscall block for the host
 * (riscv-pk's "magic memory"), which isavirt does not serve — reported as fail with code −1.
 */
export function decodeToHost(value: bigint): ToHostRequest {
  if (value === 1n) return { kind: 'pass' };
  if ((value & 1n) === 1n) return { kind: 'fail', code: Number(value >> 1n) };
  return { kind: 'fail', code: -1 };
}

/** tohost is one 64-bit word. */
const TOHOST_BITS = 64;

export class Bus implements PhysicalBus {
  /** The devices, in address order. */
  private readonly mapped: MmioDevice[] = [];
  /** The `tick` of every device that has one. */
  private readonly tickers: (() => void)[] = [];
  /** Watched tohost range [toHost, toHostEnd) in units; empty (−1, −1) when not watched. */
  private toHost = -1;
  private toHostEnd = -1;
  private onToHost: (value: bigint) => void = () => {};
  /** Told of every RAM store (`watchRamWrites`); null when nobody watches. */
  private onRamWrite: ((pa: number, units: number) => void) | null = null;
  /** Reads and writes that reached a device so far (a VMM tells device exits from others by it). */
  deviceAccesses = 0;

  /** Throws InputError `isa/invalid` when two devices, or a device and the RAM, overlap. */
  constructor(
    readonly ram: Ram,
    devices: readonly MmioDevice[] = [],
  ) {
    for (const d of devices) this.addDevice(d);
  }

  /** The devices, in address order. */
  get devices(): readonly MmioDevice[] {
    return this.mapped;
  }

  /**
   * Map a device at its `base` (devices are built after the bus, since their context reads the
   * interpreter's state). Throws InputError `isa/invalid` when it overlaps the RAM or a device.
   */
  addDevice(device: MmioDevice): void {
    const end = device.base + device.size;
    const w = end > 0x1_0000_0000 || this.ram.end > 0x1_0000_0000 ? 64 : 32;
    const where = `device ${device.name} at [${hex(device.base, w)}, ${hex(end, w)})`;
    if (device.base < this.ram.end && this.ram.base < end) {
      raise('isa/invalid', `${where} overlaps RAM [${hex(this.ram.base, w)}, ${hex(this.ram.end, w)})`);
    }
    const other = this.mapped.find((d) => device.base < d.base + d.size && d.base < end);
    if (other !== undefined) raise('isa/invalid', `${where} overlaps device ${other.name} at ${hex(other.base, w)}`);
    this.mapped.push(device);
    this.mapped.sort((a, b) => a.base - b.base);
    if (device.tick !== undefined) this.tickers.push(device.tick.bind(device));
  }

  read(pa: number, bits: number, access: AccessKind): Bits | null {
    const v = this.ram.read(pa, bits);
    if (v !== null) return v;
    // Devices have no instructions: a fetch from one is an access fault, as on QEMU.
    if (access === 'fetch') return null;
    const device = this.deviceAt(pa, bits);
    if (device === null) return null;
    this.deviceAccesses++;
    return device.read(pa - device.base, bits);
  }

  write(pa: number, bits: number, value: Bits, _access: AccessKind): boolean {
    if (this.ram.write(pa, bits, value)) {
      if (pa < this.toHostEnd && pa + bits / this.ram.unit > this.toHost) this.reportToHost();
      if (this.onRamWrite !== null) this.onRamWrite(pa, bits / this.ram.unit);
      return true;
    }
    const device = this.deviceAt(pa, bits);
    if (device === null) return false;
    this.deviceAccesses++;
    device.write(pa - device.base, bits, value);
    return true;
  }

  /** Let every device that has a `tick` drive its lines; the machine calls this after each step. */
  tick(): void {
    for (let i = 0; i < this.tickers.length; i++) this.tickers[i]!();
  }

  /**
   * Watch the 64-bit `tohost` word at unit address `pa` (the ELF symbol `tohost`): after any
   * store that touches it, `onToHost` receives its new value, when nonzero (a zero tohost means
   * "no request" in HTIF). Throws InputError `image/invalid` when the word is not in RAM, and
   * `isa/invalid` when 64 bits are not a whole number of memory units.
   */
  watchToHost(pa: number, onToHost: (value: bigint) => void): void {
    const unit = this.ram.unit;
    if (TOHOST_BITS % unit !== 0) raise('isa/invalid', `HTIF needs a 64-bit tohost word, which is not a whole number of ${unit}-bit units`);
    const units = TOHOST_BITS / unit;
    if (!this.ram.contains(pa, units)) raise('image/invalid', `tohost at ${hex(pa, 32)} is not in RAM`);
    this.toHost = pa;
    this.toHostEnd = pa + units;
    this.onToHost = onToHost;
  }

  /**
   * Report every store to RAM through this bus, after it is made: units [pa, pa + units). A VMM
   * watches its guests' virtual machines so (shadow page tables must see page-table stores).
   */
  watchRamWrites(onRamWrite: (pa: number, units: number) => void): void {
    this.onRamWrite = onRamWrite;
  }

  /** The device whose window holds [pa, pa + bits/unit) at a naturally aligned offset, or null. */
  private deviceAt(pa: number, bits: number): MmioDevice | null {
    const units = bits / this.ram.unit;
    if (!Number.isInteger(units) || units < 1) return null;
    for (let i = 0; i < this.mapped.length; i++) {
      const d = this.mapped[i]!;
      const offset = pa - d.base;
      if (offset >= 0 && offset + units <= d.size) return offset % units === 0 ? d : null;
    }
    return null;
  }

  private reportToHost(): void {
    const value = this.ram.read(this.toHost, TOHOST_BITS);
    if (value !== null && value !== 0n) this.onToHost(toBigInt(value));
  }
}
