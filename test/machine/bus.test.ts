import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bus, decodeToHost } from '../../src/machine/bus.js';
import type { MmioDevice } from '../../src/machine/devices/device.js';
import { Ram } from '../../src/machine/memory.js';
import type { Bits } from '../../src/semantics/values.js';
import { diagnosticOf } from '../support/diagnostic.js';

const RAM_BASE = 0x8000_0000;
const RAM_SIZE = 0x1_0000;

/** A device that records its accesses and answers reads with offset + 1. */
class Probe implements MmioDevice {
  readonly accesses: string[] = [];
  ticks = 0;
  constructor(readonly name: string, readonly base: number, readonly size: number) {}
  read(offset: number, bits: number): Bits {
    this.accesses.push(`r${bits}@${offset}`);
    return bits <= 32 ? offset + 1 : BigInt(offset + 1);
  }
  write(offset: number, bits: number, value: Bits): void {
    this.accesses.push(`w${bits}@${offset}=${value}`);
  }
  tick(): void {
    this.ticks++;
  }
}


function board(): { bus: Bus; uart: Probe; clint: Probe } {
  const uart = new Probe('uart', 0x1000_0000, 8);
  const clint = new Probe('clint', 0x0200_0000, 0x1_0000);
  const bus = new Bus(new Ram(RAM_BASE, RAM_SIZE, 8, 'little'), [uart]);
  bus.addDevice(clint);
  return { bus, uart, clint };
}

describe('physical bus', () => {
  it('RAM answers inside its range; a store is visible to a later load of any access kind', () => {
    const { bus, uart, clint } = board();
    expect(bus.write(RAM_BASE + 0x10, 32, 0xcafe_f00d, 'store')).toBe(true);
    expect(bus.read(RAM_BASE + 0x10, 32, 'load')).toBe(0xcafe_f00d);
    expect(bus.read(RAM_BASE + 0x10, 32, 'fetch')).toBe(0xcafe_f00d);
    expect([...uart.accesses, ...clint.accesses]).toEqual([]);
  });

  it('a device receives offsets from its own base', () => {
    const { bus, uart, clint } = board();
    expect(bus.write(0x1000_0005, 8, 0x41, 'store')).toBe(true);
    expect(bus.read(0x0200_4004, 32, 'load')).toBe(0x4005);
    expect(bus.read(0x0200_bff8, 64, 'load')).toBe(0xbff9n);
    expect(uart.accesses).toEqual(['w8@5=65']);
    expect(clint.accesses).toEqual(['r32@16388', 'r64@49144']);
  });

  it('nothing mapped: reads null, writes false', () => {
    fc.assert(fc.property(fc.nat({ max: 0xffff_ffff }), fc.constantFrom(8, 16, 32, 64), (pa, bits) => {
      const { bus } = board();
      const inRam = pa >= RAM_BASE && pa + bits / 8 <= RAM_BASE + RAM_SIZE;
      const inDevice = (pa >= 0x1000_0000 && pa + bits / 8 <= 0x1000_0008) || (pa >= 0x0200_0000 && pa + bits / 8 <= 0x0201_0000);
      fc.pre(!inRam && !inDevice);
      expect(bus.read(pa, bits, 'load')).toBeNull();
      expect(bus.write(pa, bits, 0, 'store')).toBe(false);
    }));
  });

  it('a device access must lie wholly inside the device, naturally aligned', () => {
    const { bus, uart } = board();
    expect(bus.read(0x1000_0006, 32, 'load')).toBeNull(); // straddles the end of the UART
    expect(bus.read(0x1000_0002, 32, 'load')).toBeNull(); // misaligned
    expect(bus.write(0x1000_0001, 16, 0, 'store')).toBe(false);
    expect(bus.read(0x1000_0004, 32, 'load')).toBe(5);
    expect(uart.accesses).toEqual(['r32@4']);
  });

  it('an instruction fetch from a device is refused', () => {
    const { bus, uart } = board();
    expect(bus.read(0x1000_0000, 32, 'fetch')).toBeNull();
    expect(uart.accesses).toEqual([]);
  });

  it('tick reaches every device that has one', () => {
    const { bus, uart, clint } = board();
    bus.tick();
    bus.tick();
    expect([uart.ticks, clint.ticks]).toEqual([2, 2]);
  });

  it('a device overlapping the RAM or another device is an isa/invalid error', () => {
    const { bus } = board();
    expect(diagnosticOf(() => bus.addDevice(new Probe('late', 0x1000_0004, 8)))?.message).toMatch(/overlaps device uart/);
    expect(diagnosticOf(() => bus.addDevice(new Probe('inside', RAM_BASE + RAM_SIZE - 1, 8)))?.code).toBe('isa/invalid');
    expect(diagnosticOf(() => bus.addDevice(new Probe('next', 0x1000_0008, 8)))).toBeUndefined();
  });
});

describe('HTIF tohost', () => {
  const TOHOST = RAM_BASE + 0x1000;

  it('a store to tohost (any width) is reported with its 64-bit value, and also stored', () => {
    const { bus } = board();
    const reports: bigint[] = [];
    bus.watchToHost(TOHOST, (v) => reports.push(v));
    bus.write(TOHOST, 32, 1, 'store');
    bus.write(TOHOST + 4, 32, 0, 'store');
    bus.write(TOHOST + 7, 8, 0x80, 'store');
    bus.write(TOHOST, 64, 0x2an, 'store');
    expect(reports).toEqual([1n, 1n, 0x8000_0000_0000_0001n, 0x2an]);
    expect(bus.read(TOHOST, 64, 'load')).toBe(0x2an);
  });

  it('stores elsewhere, and a zero tohost ("no request"), are not reported', () => {
    const { bus } = board();
    const reports: bigint[] = [];
    bus.watchToHost(TOHOST, (v) => reports.push(v));
    bus.write(TOHOST - 4, 32, 0xffff_ffff, 'store');
    bus.write(TOHOST + 8, 32, 0xffff_ffff, 'store');
    bus.write(TOHOST, 64, 0n, 'store');
    expect(reports).toEqual([]);
  });

  it('tohost outside RAM is an image/invalid error', () => {
    const { bus } = board();
    expect(diagnosticOf(() => bus.watchToHost(RAM_BASE + RAM_SIZE - 4, () => {}))?.code).toBe('image/invalid');
  });

  it('decodes 1 as pass, (n << 1) | 1 as fail with code n, and an even value as an unsupported syscall (fail −1)', () => {
    expect(decodeToHost(1n)).toEqual({ kind: 'pass' });
    fc.assert(fc.property(fc.integer({ min: 1, max: 0x7fff_ffff }), (n) => {
      expect(decodeToHost((BigInt(n) << 1n) | 1n)).toEqual({ kind: 'fail', code: n });
      expect(decodeToHost(BigInt(n) << 1n)).toEqual({ kind: 'fail', code: -1 });
    }));
  });
});
