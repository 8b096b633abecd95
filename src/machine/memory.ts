/**
 * The machine's RAM: `size` memory units of `unit` bits each from physical address `base`, read
 * and written in the ISA's byte order. Addresses and sizes are in memory units (bytes when
 * `unit` is 8, words on word-addressed machines such as a 36-bit one). A wider access combines
 * consecutive units in endian order: big-endian puts the unit at the lowest address in the most
 * significant position, little-endian the least significant. Values follow values.ts: a
 * `number` for 32 bits or fewer, a `bigint` above.
 *
 * Storage is allocated once, on construction, and is zero-filled: a 128 MiB typed array is
 * cheap in Node because the operating system hands out zeroed pages only when they are touched.
 */
import type { Bits } from '../semantics/values.js';
import { maskOf, toBigInt } from '../semantics/values.js';

export type Endian = 'little' | 'big';

/** The low 32 bits of a value as a number (a narrow value is already one). */
function low32(value: Bits): number {
  return typeof value === 'number' ? value : Number(value & 0xffffffffn);
}

export class Ram {
  /** One past the last unit address: the RAM is [base, end). */
  readonly end: number;
  private readonly little: boolean;
  /** unit 8: one byte per element, with a DataView over it for 16- and 32-bit accesses. */
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** unit ≠ 8 and ≤ 32: one unit per element. */
  private readonly narrowUnits: Uint32Array;
  /** unit 33..64: one unit per element. */
  private readonly wideUnits: BigUint64Array;
  /** 2^unit − 1 as a number (for units of 32 bits or fewer). */
  private readonly unitMask: number;

  /**
   * @param base first physical address, in memory units
   * @param size number of memory units
   * @param unit bits per memory unit, 1..64 (8 for byte-addressed machines)
   * @param endian the order in which the units of a wider access are combined
   * @param shared storage to use instead of allocating (see `window`)
   */
  constructor(
    readonly base: number,
    readonly size: number,
    readonly unit: number,
    readonly endian: Endian,
    shared?: { readonly bytes: Uint8Array; readonly narrowUnits: Uint32Array; readonly wideUnits: BigUint64Array },
  ) {
    if (!Number.isSafeInteger(base) || base < 0 || !Number.isSafeInteger(size) || size < 0) {
      throw new Error(`Ram: base ${base} and size ${size} must be non-negative integers`);
    }
    if (!Number.isInteger(unit) || unit < 1 || unit > 64) throw new Error(`Ram: unit of ${unit} bits is not 1..64`);
    this.end = base + size;
    this.little = endian === 'little';
    this.bytes = shared?.bytes ?? new Uint8Array(unit === 8 ? size : 0);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    this.narrowUnits = shared?.narrowUnits ?? new Uint32Array(unit !== 8 && unit <= 32 ? size : 0);
    this.wideUnits = shared?.wideUnits ?? new BigUint64Array(unit > 32 ? size : 0);
    this.unitMask = unit >= 32 ? 0xffffffff : 2 ** unit - 1;
  }

  /**
   * A RAM of `size` units at physical address `base` that *is* units [pa, pa + size) of this one:
   * both see every write. A VMM gives a guest such a window onto its allocation of real storage.
   * Throws (a bug) when the window is not inside this RAM.
   */
  window(pa: number, size: number, base: number): Ram {
    if (!this.contains(pa, size)) throw new Error(`Ram.window: [${pa}, ${pa + size}) is not inside [${this.base}, ${this.end})`);
    const off = pa - this.base;
    // Only the array of this RAM's unit kind has elements; the other two stay empty.
    return new Ram(base, size, this.unit, this.endian, {
      bytes: this.bytes.length === 0 ? this.bytes : this.bytes.subarray(off, off + size),
      narrowUnits: this.narrowUnits.length === 0 ? this.narrowUnits : this.narrowUnits.subarray(off, off + size),
      wideUnits: this.wideUnits.length === 0 ? this.wideUnits : this.wideUnits.subarray(off, off + size),
    });
  }

  /**
   * The lowest unit address at which this RAM and `other` (same base, size and unit) hold
   * different values, or null when they are equal throughout.
   */
  firstDifference(other: Ram): number | null {
    if (other.base !== this.base || other.size !== this.size || other.unit !== this.unit) {
      throw new Error('Ram.firstDifference: the two RAMs differ in base, size or unit');
    }
    const [a, b] = this.unit === 8 ? [this.bytes, other.bytes] : this.unit <= 32 ? [this.narrowUnits, other.narrowUnits] : [this.wideUnits, other.wideUnits];
    // Equal storage (the common answer) is found by a byte comparison at memcmp speed.
    const bytes = (x: Uint8Array | Uint32Array | BigUint64Array): Buffer => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
    if (bytes(a).equals(bytes(b))) return null;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return this.base + i;
    return null;
  }

  /** Is [pa, pa + units) inside the RAM? */
  contains(pa: number, units: number): boolean {
    return pa >= this.base && pa + units <= this.end;
  }

  /**
   * Read `bits` (a multiple of `unit`, at most 64) at unit address `pa`; null when
   * [pa, pa + bits/unit) is not inside the RAM or `bits` is not a whole number of units.
   */
  read(pa: number, bits: number): Bits | null {
    const off = pa - this.base;
    if (this.unit === 8) {
      if (off < 0 || off + (bits >>> 3) > this.size) return null;
      switch (bits) {
        case 8: return this.bytes[off]!;
        case 16: return this.view.getUint16(off, this.little);
        case 32: return this.view.getUint32(off, this.little);
        case 64: return this.read64(off);
        default: return this.readUnits(off, bits);
      }
    }
    if (bits === this.unit) {
      if (off < 0 || off >= this.size) return null;
      return this.unit <= 32 ? this.narrowUnits[off]! : this.wideUnits[off]!;
    }
    return this.readUnits(off, bits);
  }

  /**
   * Write the low `bits` of `value` at unit address `pa`; false (and nothing written) when
   * [pa, pa + bits/unit) is not inside the RAM or `bits` is not a whole number of units.
   */
  write(pa: number, bits: number, value: Bits): boolean {
    const off = pa - this.base;
    if (this.unit === 8) {
      if (off < 0 || off + (bits >>> 3) > this.size) return false;
      switch (bits) {
        case 8: this.bytes[off] = low32(value); return true;
        case 16: this.view.setUint16(off, low32(value), this.little); return true;
        case 32: this.view.setUint32(off, low32(value), this.little); return true;
        case 64: this.write64(off, toBigInt(value)); return true;
        default: return this.writeUnits(off, bits, value);
      }
    }
    if (bits === this.unit) {
      if (off < 0 || off >= this.size) return false;
      this.setUnit(off, value);
      return true;
    }
    return this.writeUnits(off, bits, value);
  }

  /** Copy an image's bytes to [pa, pa + bytes.length) of an 8-bit-unit RAM; false when outside. */
  loadBytes(pa: number, bytes: Uint8Array): boolean {
    if (this.unit !== 8) throw new Error(`Ram.loadBytes needs 8-bit units, this RAM has ${this.unit}-bit units`);
    if (!this.contains(pa, bytes.length)) return false;
    this.bytes.set(bytes, pa - this.base);
    return true;
  }

  /** Store one value per unit from `pa` on (each truncated to `unit` bits); false when outside. */
  loadUnits(pa: number, values: readonly Bits[]): boolean {
    if (!this.contains(pa, values.length)) return false;
    const off = pa - this.base;
    for (let i = 0; i < values.length; i++) this.setUnit(off + i, values[i]!);
    return true;
  }

  /** Zero [pa, pa + units); false (and nothing cleared) when outside. */
  clear(pa: number, units: number): boolean {
    if (!this.contains(pa, units)) return false;
    const off = pa - this.base;
    if (this.unit === 8) this.bytes.fill(0, off, off + units);
    else if (this.unit <= 32) this.narrowUnits.fill(0, off, off + units);
    else this.wideUnits.fill(0n, off, off + units);
    return true;
  }

  /** 64 bits as two 32-bit halves, the half at the lower address first in the ISA's byte order. */
  private read64(off: number): bigint {
    const first = this.view.getUint32(off, this.little);
    const second = this.view.getUint32(off + 4, this.little);
    return this.little
      ? (BigInt(second) << 32n) | BigInt(first)
      : (BigInt(first) << 32n) | BigInt(second);
  }

  private write64(off: number, value: bigint): void {
    const lo = Number(value & 0xffffffffn);
    const hi = Number((value >> 32n) & 0xffffffffn);
    this.view.setUint32(off, this.little ? lo : hi, this.little);
    this.view.setUint32(off + 4, this.little ? hi : lo, this.little);
  }

  /** Unit `off` (an index into the storage) as a bigint. */
  private unitAt(off: number): bigint {
    if (this.unit === 8) return BigInt(this.bytes[off]!);
    return this.unit <= 32 ? BigInt(this.narrowUnits[off]!) : this.wideUnits[off]!;
  }

  private setUnit(off: number, value: Bits): void {
    if (this.unit === 8) this.bytes[off] = low32(value);
    else if (this.unit <= 32) this.narrowUnits[off] = low32(value) & this.unitMask;
    else this.wideUnits[off] = toBigInt(value) & maskOf(this.unit);
  }

  /** Number of units in a `bits`-wide access, or 0 when it is not a whole number of 1..64 bits' worth. */
  private unitsIn(bits: number): number {
    return bits >= this.unit && bits <= 64 && bits % this.unit === 0 ? bits / this.unit : 0;
  }

  /** The general path: `bits / unit` units combined in endian order. */
  private readUnits(off: number, bits: number): Bits | null {
    const k = this.unitsIn(bits);
    if (k === 0 || off < 0 || off + k > this.size) return null;
    const shift = BigInt(this.unit);
    let v = 0n;
    for (let i = 0; i < k; i++) v = (v << shift) | this.unitAt(this.little ? off + k - 1 - i : off + i);
    return bits <= 32 ? Number(v) : v;
  }

  private writeUnits(off: number, bits: number, value: Bits): boolean {
    const k = this.unitsIn(bits);
    if (k === 0 || off < 0 || off + k > this.size) return false;
    const shift = BigInt(this.unit);
    const mask = maskOf(this.unit);
    let v = toBigInt(value);
    // Least significant unit first: at the lowest address when little-endian, the highest when big.
    for (let i = 0; i < k; i++) {
      this.setUnit(this.little ? off + i : off + k - 1 - i, v & mask);
      v >>= shift;
    }
    return true;
  }
}
