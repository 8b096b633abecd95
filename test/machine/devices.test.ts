import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BitField, Device, Role, StateElement } from '../../src/isa/model.js';
import { Clint } from '../../src/machine/devices/clint.js';
import type { DeviceContext } from '../../src/machine/devices/device.js';
import { Ns16550a } from '../../src/machine/devices/ns16550a.js';
import { createDevice, type DeviceIsa } from '../../src/machine/devices/registry.js';
import { SifiveTest } from '../../src/machine/devices/sifive-test.js';
import type { Bits } from '../../src/semantics/values.js';
import { diagnosticOf } from '../support/diagnostic.js';

const pos = { file: 'board.yaml', line: 7, col: 5 };

/** A state element as the loader would make it (slots are irrelevant to the fake context). */
function element(name: string, width: number, fields: readonly BitField[] = [], role: Role = 'control', isFile = false): StateElement {
  return {
    name, role, width, count: isFile ? 32 : 1, isFile, slot: 0, wide: width > 32,
    fields: new Map(fields.map((f) => [f.name, f])), reset: 0n, zero: [], names: [], tick: false, pos,
  };
}

const mip = element('mip', 32, [
  { name: 'MSIP', hi: 3, lo: 3 },
  { name: 'MTIP', hi: 7, lo: 7 },
  { name: 'MEIP', hi: 11, lo: 11 },
]);
const mtime = element('mtime', 64, [], 'timing');
const x = element('x', 32, [], 'general', true);
const isa: DeviceIsa = { state: new Map([mip, mtime, x].map((e) => [e.name, e])) };

/** A machine reduced to what devices see: state by element, console bytes, halt codes. */
class FakeMachine implements DeviceContext {
  readonly state = new Map<StateElement, Bits>([[mip, 0], [mtime, 0n]]);
  readonly out: number[] = [];
  readonly halts: number[] = [];
  writes = 0;
  console(byte: number): void { this.out.push(byte); }
  halt(code: number): void { this.halts.push(code); }
  readState(e: StateElement): Bits { return this.state.get(e) ?? (e.wide ? 0n : 0); }
  writeState(e: StateElement, value: Bits): void { this.writes++; this.state.set(e, value); }
  bit(e: StateElement, b: number): number { return Number((BigInt(this.readState(e)) >> BigInt(b)) & 1n); }
}

function clint(m: FakeMachine): Clint {
  return new Clint(0x0200_0000, m, {
    mtime, msip: { element: mip, hi: 3, lo: 3 }, mtip: { element: mip, hi: 7, lo: 7 },
  });
}

const MSIP = 0x0000;
const MTIMECMP = 0x4000;
const MTIME = 0xbff8;

describe('NS16550A UART', () => {
  it('a THR write emits its byte on the console', () => {
    const m = new FakeMachine();
    const uart = new Ns16550a(0x1000_0000, m);
    for (const c of 'hi\n') uart.write(0, 8, c.charCodeAt(0));
    expect(String.fromCharCode(...m.out)).toBe('hi\n');
  });

  it('the transmitter is always ready (LSR = THRE | TEMT), nothing is ever received (RBR = 0, LSR.DR = 0)', () => {
    const uart = new Ns16550a(0x1000_0000, new FakeMachine());
    expect(uart.read(5, 8)).toBe(0x60);
    expect(uart.read(0, 8)).toBe(0);
    uart.write(5, 8, 0xff);
    expect(uart.read(5, 8)).toBe(0x60);
  });

  it('IIR reports no interrupt pending, with the FIFO-enabled bits once FCR enables the FIFOs', () => {
    const uart = new Ns16550a(0x1000_0000, new FakeMachine());
    expect(uart.read(2, 8)).toBe(0x01);
    uart.write(2, 8, 0x07);
    expect(uart.read(2, 8)).toBe(0xc1);
  });

  it('LCR.DLAB switches offsets 0 and 1 to the divisor latch, which does not reach the console', () => {
    const m = new FakeMachine();
    const uart = new Ns16550a(0x1000_0000, m);
    uart.write(1, 8, 0xff);
    uart.write(3, 8, 0x83);
    uart.write(0, 8, 0x03);
    uart.write(1, 8, 0x00);
    expect([uart.read(0, 8), uart.read(1, 8), uart.read(3, 8)]).toEqual([0x03, 0x00, 0x83]);
    uart.write(3, 8, 0x03);
    expect(uart.read(1, 8)).toBe(0x0f); // IER keeps only bits 3:0
    expect(m.out).toEqual([]);
  });

  it('MCR, SCR and LCR read back what was written (MCR bits 4:0 only)', () => {
    const uart = new Ns16550a(0x1000_0000, new FakeMachine());
    uart.write(4, 8, 0xff);
    uart.write(7, 8, 0xa5);
    expect([uart.read(4, 8), uart.read(7, 8)]).toEqual([0x1f, 0xa5]);
  });
});

describe('SiFive CLINT', () => {
  it('raises MTIP exactly when mtime reaches mtimecmp', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (time, cmp) => {
      const m = new FakeMachine();
      const c = clint(m);
      c.write(MTIMECMP, 64, cmp);
      m.state.set(mtime, time);
      c.tick();
      expect(m.bit(mip, 7)).toBe(time >= cmp ? 1 : 0);
    }));
  });

  it('as mtime counts up past mtimecmp, MTIP goes from 0 to 1 at equality', () => {
    const m = new FakeMachine();
    const c = clint(m);
    c.write(MTIMECMP, 32, 100);
    c.write(MTIMECMP + 4, 32, 0);
    const seen: number[] = [];
    for (let t = 98n; t <= 101n; t++) {
      m.state.set(mtime, t);
      c.tick();
      seen.push(m.bit(mip, 7));
    }
    expect(seen).toEqual([0, 0, 1, 1]);
  });

  it('mtimecmp resets to all ones, so there is no timer interrupt until the guest programs it', () => {
    const m = new FakeMachine();
    const c = clint(m);
    expect(c.read(MTIMECMP, 64)).toBe(0xffff_ffff_ffff_ffffn);
    m.state.set(mtime, 0xffff_ffff_0000_0000n);
    c.tick();
    expect(m.bit(mip, 7)).toBe(0);
  });

  it('mtime is the ISA state register: read and written through the context, whole or in 32-bit halves', () => {
    const m = new FakeMachine();
    const c = clint(m);
    m.state.set(mtime, 0x0000_0001_ffff_fff0n);
    expect([c.read(MTIME, 32), c.read(MTIME + 4, 32)]).toEqual([0xffff_fff0, 1]);
    c.write(MTIME + 4, 32, 0x1234);
    expect(m.state.get(mtime)).toBe(0x0000_1234_ffff_fff0n);
    c.write(MTIME, 64, 5n);
    expect(c.read(MTIME, 64)).toBe(5n);
  });

  it('mtimecmp halves combine into one 64-bit compare value', () => {
    fc.assert(fc.property(fc.nat({ max: 0xffff_ffff }), fc.nat({ max: 0xffff_ffff }), (lo, hi) => {
      const c = clint(new FakeMachine());
      c.write(MTIMECMP, 32, lo);
      c.write(MTIMECMP + 4, 32, hi);
      expect(c.read(MTIMECMP, 64)).toBe((BigInt(hi) << 32n) | BigInt(lo));
    }));
  });

  it('msip keeps bit 0 only and drives MSIP on write', () => {
    const m = new FakeMachine();
    const c = clint(m);
    c.write(MSIP, 32, 0xffff_ffff);
    expect(c.read(MSIP, 32)).toBe(1);
    expect(m.bit(mip, 3)).toBe(1);
    c.write(MSIP, 32, 0);
    expect(m.bit(mip, 3)).toBe(0);
  });

  it('drives only its own bits of mip, and writes mip only when a line changes', () => {
    const m = new FakeMachine();
    const c = clint(m);
    m.state.set(mip, 1 << 11);
    c.write(MTIMECMP, 64, 0n);
    expect(m.state.get(mip)).toBe((1 << 11) | (1 << 7));
    const writes = m.writes;
    c.tick();
    c.tick();
    expect(m.writes).toBe(writes);
  });

  it('other offsets read 0 and ignore writes', () => {
    const m = new FakeMachine();
    const c = clint(m);
    c.write(0x8, 32, 0xffff_ffff);
    expect(c.read(0x8, 32)).toBe(0);
    expect(c.read(0x5000, 64)).toBe(0n);
  });
});

describe('SiFive test finisher', () => {
  it('halts with pass on 0x5555 and with the code on (code << 16) | 0x3333', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), (code) => {
      const m = new FakeMachine();
      const finisher = new SifiveTest(0x10_0000, m);
      finisher.write(0, 32, 0x5555);
      finisher.write(0, 32, ((code << 16) | 0x3333) >>> 0);
      expect(m.halts).toEqual([0, code]);
    }));
  });

  it('halts with 0 on reset (0x7777), ignores other values and offsets, and reads 0', () => {
    const m = new FakeMachine();
    const finisher = new SifiveTest(0x10_0000, m);
    finisher.write(0, 32, 0x1234);
    finisher.write(4, 32, 0x5555);
    expect(m.halts).toEqual([]);
    finisher.write(0, 32, 0x7777);
    expect(m.halts).toEqual([0]);
    expect(finisher.read(0, 32)).toBe(0);
  });
});


function device(model: string, options: Record<string, string | number> = {}): Device {
  return { model, base: 0x0200_0000, options: new Map(Object.entries(options)), pos };
}

describe('device registry', () => {
  it('builds each model from its board entry, wiring options to state', () => {
    const m = new FakeMachine();
    const c = createDevice(device('clint', { mtime: 'mtime', msip: 'mip.MSIP', mtip: 'mip.MTIP' }), isa, m);
    expect([c.name, c.base, c.size]).toEqual(['clint', 0x0200_0000, 0x10000]);
    c.write(MTIMECMP, 64, 0n);
    expect(m.bit(mip, 7)).toBe(1);
    expect(createDevice(device('ns16550a'), isa, m).name).toBe('ns16550a');
    expect(createDevice(device('sifive-test'), isa, m).name).toBe('sifive-test');
  });

  it('an unwired line is left alone', () => {
    const m = new FakeMachine();
    const c = createDevice(device('clint', { mtime: 'mtime' }), isa, m);
    c.write(MTIMECMP, 64, 0n);
    c.tick?.();
    expect(m.state.get(mip)).toBe(0);
  });

  it.each([
    ['an unknown model', device('pl011'), /unknown device model 'pl011'/],
    ['an option the model does not take', device('ns16550a', { irq: 'mip.MEIP' }), /no option 'irq'/],
    ['a missing required option', device('clint', { mtip: 'mip.MTIP' }), /needs option 'mtime'/],
    ['an unknown state register', device('clint', { mtime: 'time' }), /no state register 'time'/],
    ['an unknown field', device('clint', { mtime: 'mtime', mtip: 'mip.STIP' }), /mip has no field 'STIP'/],
    ['a register file', device('clint', { mtime: 'x' }), /register file/],
  ])('%s is an isa/invalid error at the device entry', (_what, d, message) => {
    const diagnostic = diagnosticOf(() => createDevice(d, isa, new FakeMachine()));
    expect(diagnostic?.code).toBe('isa/invalid');
    expect(diagnostic?.pos).toEqual(pos);
    expect(diagnostic?.message).toMatch(message);
  });
});
