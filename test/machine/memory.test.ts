import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ram, type Endian } from '../../src/machine/memory.js';

const BASE = 0x8000_0000;
const SIZE = 0x1000;
const endians: readonly Endian[] = ['little', 'big'];

/** The bytes of a `bits`-wide value at increasing addresses, in the given byte order. */
function bytesOf(value: bigint, bits: number, endian: Endian): number[] {
  const n = bits / 8;
  const le = Array.from({ length: n }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn));
  return endian === 'little' ? le : le.reverse();
}

const widths = fc.constantFrom(8, 16, 24, 32, 40, 48, 56, 64);

describe('byte-addressed RAM', () => {
  for (const endian of endians) {
    it(`a 32-bit store then load at the same address returns the value, in ${endian}-endian byte order`, () => {
      fc.assert(fc.property(fc.integer({ min: 0, max: SIZE - 4 }), fc.nat({ max: 0xffff_ffff }), (off, value) => {
        const ram = new Ram(BASE, SIZE, 8, endian);
        expect(ram.write(BASE + off, 32, value)).toBe(true);
        expect(ram.read(BASE + off, 32)).toBe(value);
        const bytes = [0, 1, 2, 3].map((i) => ram.read(BASE + off + i, 8));
        expect(bytes).toEqual(bytesOf(BigInt(value), 32, endian));
      }));
    });

    it(`every width from 8 to 64 bits round-trips at any alignment and lays out its bytes ${endian}-endian`, () => {
      fc.assert(fc.property(widths, fc.integer({ min: 0, max: SIZE - 8 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (bits, off, raw) => {
        const ram = new Ram(BASE, SIZE, 8, endian);
        const value = raw & ((1n << BigInt(bits)) - 1n);
        const expected = bits <= 32 ? Number(value) : value;
        expect(ram.write(BASE + off, bits, expected)).toBe(true);
        expect(ram.read(BASE + off, bits)).toBe(expected);
        const bytes = Array.from({ length: bits / 8 }, (_, i) => ram.read(BASE + off + i, 8));
        expect(bytes).toEqual(bytesOf(value, bits, endian));
      }));
    });
  }

  it('values of 32 bits or fewer are numbers, wider ones bigints', () => {
    const ram = new Ram(BASE, SIZE, 8, 'little');
    expect(typeof ram.read(BASE, 32)).toBe('number');
    expect(typeof ram.read(BASE, 40)).toBe('bigint');
    expect(typeof ram.read(BASE, 64)).toBe('bigint');
  });

  it('a 64-bit value is its two 32-bit halves in the ISA\'s order', () => {
    const le = new Ram(BASE, SIZE, 8, 'little');
    le.write(BASE, 64, 0x1122_3344_5566_7788n);
    expect([le.read(BASE, 32), le.read(BASE + 4, 32)]).toEqual([0x5566_7788, 0x1122_3344]);
    const be = new Ram(BASE, SIZE, 8, 'big');
    be.write(BASE, 64, 0x1122_3344_5566_7788n);
    expect([be.read(BASE, 32), be.read(BASE + 4, 32)]).toEqual([0x1122_3344, 0x5566_7788]);
  });

  it('an access not wholly inside [base, base + size) reads null, writes false and changes nothing', () => {
    fc.assert(fc.property(widths, fc.integer({ min: -16, max: 16 }), (bits, delta) => {
      const ram = new Ram(BASE, SIZE, 8, 'little');
      const n = bits / 8;
      // Just below the base, or straddling / beyond the end.
      const pa = delta < 0 ? BASE + delta : BASE + SIZE - n + 1 + delta;
      const ones = bits <= 32 ? 2 ** bits - 1 : (1n << BigInt(bits)) - 1n;
      expect(ram.read(pa, bits)).toBeNull();
      expect(ram.write(pa, bits, ones)).toBe(false);
      expect(ram.read(BASE, 8)).toBe(0);
      expect(ram.read(BASE + SIZE - 8, 64)).toBe(0n);
    }));
  });

  it('a width that is not a whole number of units up to 64 bits is refused', () => {
    const ram = new Ram(BASE, SIZE, 8, 'little');
    expect(ram.read(BASE, 12)).toBeNull();
    expect(ram.read(BASE, 72)).toBeNull();
    expect(ram.write(BASE, 0, 0)).toBe(false);
  });

  it('loadBytes copies an image byte for byte; clear zeroes a range', () => {
    const ram = new Ram(BASE, SIZE, 8, 'big');
    expect(ram.loadBytes(BASE + 4, Uint8Array.of(0xde, 0xad, 0xbe, 0xef))).toBe(true);
    expect(ram.read(BASE + 4, 32)).toBe(0xdeadbeef);
    expect(ram.clear(BASE + 5, 2)).toBe(true);
    expect(ram.read(BASE + 4, 32)).toBe(0xde0000ef);
    expect(ram.loadBytes(BASE + SIZE - 1, Uint8Array.of(1, 2))).toBe(false);
    expect(ram.clear(BASE + SIZE - 1, 2)).toBe(false);
  });

  it('a 128 MiB RAM is cheap to create and reads zero at both ends', () => {
    const size = 128 * 1024 * 1024;
    const start = performance.now();
    for (let i = 0; i < 8; i++) {
      const ram = new Ram(BASE, size, 8, 'little');
      expect(ram.read(BASE, 64)).toBe(0n);
      expect(ram.read(BASE + size - 8, 64)).toBe(0n);
    }
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe('word-addressed RAM', () => {
  it('with 32-bit units, each address holds one word and a 64-bit access combines two in endian order', () => {
    const be = new Ram(0, 16, 32, 'big');
    be.write(2, 64, 0x1111_2222_3333_4444n);
    expect([be.read(2, 32), be.read(3, 32)]).toEqual([0x1111_2222, 0x3333_4444]);
    expect(be.read(2, 64)).toBe(0x1111_2222_3333_4444n);
    const le = new Ram(0, 16, 32, 'little');
    le.write(2, 64, 0x1111_2222_3333_4444n);
    expect([le.read(2, 32), le.read(3, 32)]).toEqual([0x3333_4444, 0x1111_2222]);
    expect(le.read(2, 64)).toBe(0x1111_2222_3333_4444n);
  });

  it('with 36-bit units, a unit holds 36 bits (a bigint) and a store keeps only those', () => {
    const ram = new Ram(0o1000, 64, 36, 'big');
    expect(ram.write(0o1000, 36, (1n << 40n) - 1n)).toBe(true);
    expect(ram.read(0o1000, 36)).toBe((1n << 36n) - 1n);
    expect(ram.read(0o1000, 32)).toBeNull();
    expect(ram.read(0o1000, 72)).toBeNull();
    expect(ram.read(0o1000 + 64, 36)).toBeNull();
  });

  it('with 16-bit units, a 32-bit access is two units; values are truncated to the unit', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 62 }), fc.nat({ max: 0xffff_ffff }), fc.constantFrom<Endian>('little', 'big'), (pa, value, endian) => {
      const ram = new Ram(0, 64, 16, endian);
      ram.write(pa, 32, value);
      expect(ram.read(pa, 32)).toBe(value);
      const [first, second] = [ram.read(pa, 16), ram.read(pa + 1, 16)];
      expect(endian === 'big' ? [first, second] : [second, first]).toEqual([value >>> 16, value & 0xffff]);
    }));
  });

  it('loadUnits stores one value per unit; loadBytes is for byte RAM only', () => {
    const ram = new Ram(0, 8, 32, 'big');
    expect(ram.loadUnits(6, [0x1_0000_0001, 7])).toBe(true);
    expect([ram.read(6, 32), ram.read(7, 32)]).toEqual([1, 7]);
    expect(ram.loadUnits(7, [1, 2])).toBe(false);
    expect(() => ram.loadBytes(0, Uint8Array.of(1))).toThrow(/8-bit units/);
  });
});

describe('a window onto RAM', () => {
  it('is the same storage at another address: a write through either is seen by both', () => {
    const real = new Ram(0x8000_0000, 0x1000, 8, 'little');
    const guest = real.window(0x8000_0800, 0x100, 0x1000);
    guest.write(0x1004, 32, 0xdeadbeef);
    expect(real.read(0x8000_0804, 32)).toBe(0xdeadbeef);
    real.write(0x8000_0810, 16, 0x1234);
    expect(guest.read(0x1010, 16)).toBe(0x1234);
  });

  it('ends where the window ends, whatever lies beyond it in the real RAM', () => {
    const real = new Ram(0, 64, 36, 'big');
    const guest = real.window(16, 16, 0);
    expect(guest.read(15, 36)).toBe(0n);
    expect(guest.read(16, 36)).toBeNull();
    expect(guest.write(16, 36, 1n)).toBe(false);
    expect(real.read(32, 36)).toBe(0n);
  });
});
