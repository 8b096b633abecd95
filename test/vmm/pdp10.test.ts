/**
 * The control program on the PDP-10 (isas/pdp10.yaml) under the hybrid strategy: the guest's
 * executive is interpreted, its user program runs directly in real user mode with the KA10's
 * two-segment registers composed with its allocation, and it ends exactly as on the bare machine.
 * The accumulators, user addresses 0-17 (octal), are the real machine's words 0-17 while a guest
 * runs and are in the guest's own storage otherwise (docs/vmm.md, "pdp10").
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stateDifference } from '../../src/fuzz/fidelity.js';
import { assemble, flatImage } from '../../src/isa/assembler.js';
import type { AccessKind } from '../../src/isa/model.js';
import { loadGuestImage, placeImage, type GuestImage } from '../../src/machine/image.js';
import { Machine } from '../../src/machine/machine.js';
import { Ram } from '../../src/machine/memory.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';
import { Status } from '../../src/semantics/interpreter.js';
import * as V from '../../src/semantics/values.js';
import { composerFor, type Allocation, type Composer } from '../../src/vmm/allocator.js';
import { ControlProgram, type Guest } from '../../src/vmm/control-program.js';
import { readRef, writeRef } from '../../src/vmm/state-ref.js';

const root = join(import.meta.dirname, '../..');
const checked = loadCheckedIsa(join(root, 'isas/pdp10.yaml'));
const isa = checked.isa;
const declared = composerFor(isa);
const spec = ((s) => {
  if (s.kind !== 'two-segment') throw new Error('pdp10 declares a two-segment allocator');
  return s;
})(declared.spec);
const reg = (name: string) => isa.state.get(name)!;
const USER_MODE = 1;
const EXECUTIVE = 0;
const monitor = loadGuestImage(join(root, 'guests/pdp10/monitor.bin'), isa);

/** A flat image of assembled source, loaded at 0 and entered there. */
function image(source: string, name: string): GuestImage {
  const data = flatImage(isa, assemble(isa, source, name));
  return { file: name, format: 'flat', entry: 0, machine: null, segments: [{ address: 0, data, memsz: data.length }], symbols: new Map() };
}

/** The image alone on a bare machine with `size` words (the board's by default), and the mode before each step. */
function bare(guest: GuestImage, size = isa.board!.ram.size): { machine: Machine; code: number | null; modes: number[] } {
  const machine = new Machine(checked, { ram: new Ram(0, size, isa.unit, isa.endian) });
  placeImage(guest, machine.ram);
  machine.pc = guest.entry;
  const modes: number[] = [];
  for (let i = 0; i < 100_000; i++) {
    modes.push(V.toNumber(machine.interp.readReg(isa.mode)));
    const r = machine.step();
    if (r.kind === 'halt') return { machine, code: r.code, modes };
  }
  return { machine, code: null, modes };
}

/** Real words [from, to) that are not 0. */
function nonZero(ram: Ram, from: number, to: number): number[] {
  const out: number[] = [];
  for (let pa = from; pa < to; pa++) if (V.toBigInt(ram.read(pa, isa.unit) ?? 0n) !== 0n) out.push(pa);
  return out;
}

/** Real storage in no guest's allocation that is not 0 (the real accumulators included). */
function outsideAllocations(cp: ControlProgram): number[] {
  const parts = cp.guests.map((g) => g.allocation);
  const out: number[] = [];
  let from = cp.real.ram.base;
  for (const a of [...parts, { realBase: cp.real.ram.end, size: 0 }]) {
    out.push(...nonZero(cp.real.ram, from, a.realBase));
    from = a.realBase + a.size;
  }
  return out;
}

/** Records the real registers the composer sets, guest by guest. */
function spy(composer: Composer): { composer: Composer; seen: { pl: number; rl: number; ph: number; rh: number; user: boolean }[] } {
  const seen: { pl: number; rl: number; ph: number; rh: number; user: boolean }[] = [];
  return {
    seen,
    composer: {
      ...composer,
      compose(virtual, real, allocation) {
        composer.compose(virtual, real, allocation);
        const user = V.toNumber(virtual.readReg(isa.mode)) === USER_MODE;
        seen.push({ pl: readRef(real, spec.low.bound), rl: readRef(real, spec.low.base), ph: readRef(real, spec.high.bound), rh: readRef(real, spec.high.base), user });
      },
    },
  };
}

describe('pdp10 under the hybrid strategy: guests/pdp10/monitor', () => {
  const alone = bare(monitor);

  it('halts with the code it halts with on the bare machine, in as many steps', () => {
    const cp = new ControlProgram(checked, [monitor], { strategy: 'hybrid' });
    cp.run(100_000);
    expect(alone.code).toBe(0x737);
    expect(cp.guests[0]!.outcome).toEqual({ kind: 'halted', code: 0x737 });
    expect(cp.guests[0]!.steps).toBe(alone.modes.length);
  });

  it('its user program runs directly, its executive is interpreted', () => {
    const cp = new ControlProgram(checked, [monitor], { strategy: 'hybrid' });
    cp.run(100_000);
    const c = cp.guests[0]!.counters;
    const executive = alone.modes.filter((m) => m === EXECUTIVE).length;
    const user = alone.modes.length - executive;
    expect(c.direct).toBeGreaterThan(0);
    // Every executive step interpreted; the user program's steps ran directly or exited — its
    // CALLI, its HALT and its violation, each the guest's own trap — but for one: the APR
    // interrupt the violation requests, taken by interpreting the step it is pending before.
    expect(c.interpreted).toBe(executive + 1);
    expect(c.exits).toBe(3);
    expect(c.reflected).toBe(3);
    expect(c.direct + c.exits).toBe(user - 1);
    expect(c.direct + c.exits + c.interpreted).toBe(alone.modes.length);
  });

  it('runs with the real PL, RL = the virtual ones composed with its allocation, in real user mode', () => {
    const { composer, seen } = spy(declared.composer);
    const cp = new ControlProgram(checked, [monitor, monitor], { strategy: 'hybrid', composer });
    cp.run(100_000, 5);
    expect(cp.guests.map((g) => g.outcome)).toEqual([{ kind: 'halted', code: 0x737 }, { kind: 'halted', code: 0x737 }]);
    // monitor.s: PL = 0 (one 1K block), RL = 1, no high segment; the allocations begin at blocks 1 and 128.
    expect(cp.guests.map((g) => g.allocation.realBase / 1024)).toEqual([1, 128]);
    expect(seen.every((s) => s.user)).toBe(true);
    expect(new Set(seen.map((s) => JSON.stringify(s)))).toEqual(new Set([
      JSON.stringify({ pl: 0, rl: 2, ph: 0, rh: 0, user: true }),
      JSON.stringify({ pl: 0, rl: 129, ph: 0, rh: 0, user: true }),
    ]));
    expect(V.toNumber(cp.real.interp.readReg(reg('USERIO')))).toBe(0);
  });

  it('its accumulators are in its own storage between direct runs, and the real ones are left clear', () => {
    const cp = new ControlProgram(checked, [monitor, monitor], { strategy: 'hybrid' });
    cp.run(100_000, 3);
    for (const g of cp.guests) {
      const solo = bare(monitor, g.allocation.size).machine;
      expect(stateDifference(isa, solo, g.virtual)).toBeNull();
    }
    expect(nonZero(cp.real.ram, 0, spec.accumulators)).toEqual([]);
  });
});

/**
 * A Monitor that gives its user program every block (PL = 377, RL = 0: user addresses are guest
 * storage, as far as the guest has any), and a user program that writes its last word, the words
 * past it and the top of the address space, and sets AC5; its HALT comes back to the Monitor as an
 * MUUO, which halts with CONI APR — the memory-protection flag (20000 octal) set by the violations.
 */
const greedy = image(`
        .org 0
        JRST 0, @0 start(0)
        .org 32
        .word 0
        JSR 0, @0 muuoh(0)          ; 41
        .org 64
start:  DATAO 0, @0 relocw(0)
        JRST 1, @0 user(0)          ; RL = 0: the user address is the physical one
muuoh:  .word 0
        CONI 0, @0 apr(0)
        MOVE 1, @0 apr(0)
        JRST 4, @0 0(1)             ; HALT with E = CONI APR's right half
relocw: .word 0xFF0000000           ; PL = 377, RL = 0, PH = 0
apr:    .word 0
user:   MOVEI 5, @0 0x555(0)        ; AC5, real word 5 while it runs directly
        MOVEM 5, @0 0x1FBFF(0)      ; the last word of two guests' allocations (127 blocks): legal
        SETOM 0, @0 0x1FC00(0)      ; the first word past it: a protection violation on the bare machine too
        SETOM 0, @0 0x1FC05(0)
        SETOM 0, @0 0x3FFFF(0)      ; the top of the address space
        JRST 4, @0 0(0)             ; HALT: an MUUO in user mode
`, 'greedy.s');

describe('pdp10 under the hybrid strategy: confinement', () => {
  /** greedy beside the monitor, in turns of 3 steps: each guest's outcome and difference from running alone. */
  function sideBySide(composer?: Composer): { cp: ControlProgram; differences: (string | null)[] } {
    const cp = new ControlProgram(checked, [greedy, monitor], composer ? { strategy: 'hybrid', composer } : { strategy: 'hybrid' });
    cp.run(10_000, 3);
    const differences = cp.guests.map((g: Guest, i) => {
      const alone = bare(i === 0 ? greedy : monitor, g.allocation.size);
      if (g.outcome?.kind !== 'halted' || g.outcome.code !== alone.code) return `outcome ${JSON.stringify(g.outcome)}, alone ${alone.code}`;
      return stateDifference(isa, alone.machine, g.virtual);
    });
    return { cp, differences };
  }

  it('a user program that reaches past its storage gets the memory trap it gets on the bare machine; nothing outside its allocation changes', () => {
    const { cp, differences } = sideBySide();
    expect(differences).toEqual([null, null]);
    expect(cp.guests[0]!.outcome).toEqual({ kind: 'halted', code: 0x2000 });
    // The three violations were traps out of direct execution, reflected to the guest.
    expect(cp.guests[0]!.counters.reflected).toBe(4);
    // The other guest's storage, its accumulators (its words 0-17) included, is as when it runs
    // alone (above); the real storage in no allocation, the real accumulators included, is clear.
    expect(outsideAllocations(cp)).toEqual([]);
  });

  it('a composer that does not clip the low segment to the allocation lets it write the next guest’s accumulators', () => {
    const unclipped: Composer = {
      ...declared.composer,
      compose(virtual, real, allocation) {
        declared.composer.compose(virtual, real, allocation);
        writeRef(real, spec.low.bound, readRef(virtual, spec.low.bound));
      },
    };
    const { cp, differences } = sideBySide(unclipped);
    // greedy's user 0x1FC00 is real (1 + 127) blocks = 0x20000: the monitor's word 0, its AC0.
    expect(cp.guests[1]!.allocation.realBase).toBe(0x20000);
    // greedy's SETOM there set the monitor's AC0 (which holds its first instruction) to −1, and its
    // SETOM of user 777777 wrapped round to real word 1777 (octal), the VMM's.
    expect(differences[1]).toBe('storage at 0x00000: bare 0x560000040, under the VMM 0xfffffffff');
    expect(outsideAllocations(cp)).toEqual([1023]);
  });
});

describe('pdp10 under the hybrid strategy: what makes a direct run end or not begin', () => {
  const run = (source: string, name: string, steps: number): { cp: ControlProgram; alone: ReturnType<typeof bare> } => {
    const guest = image(source, name);
    const cp = new ControlProgram(checked, [guest], { strategy: 'hybrid' });
    cp.run(steps);
    return { cp, alone: bare(guest, cp.guests[0]!.allocation.size) };
  };

  it('a pushdown overflow in a user program interrupts it after exactly that instruction, as on the bare machine', () => {
    // The APR on channel 1, the PI system on; the user's PUSH counts −1 up to 0: Pushdown Overflow.
    const { cp, alone } = run(`
        .org 0
        JRST 0, @0 start(0)
        .org 34
        JSR 0, @0 aprh(0)           ; 42: channel 1
        .org 64
start:  CONO 0, @0 1(0)
        CONO 4, @0 0x04C0(0)
        MOVE 1, @0 pdp(0)
        JRST 1, @0 user(0)
aprh:   .word 0
        MOVE 2, @0 aprh(0)
        JRST 4, @0 0(2)             ; HALT with E = where the user program was interrupted
pdp:    .word 0xFFFFC0200           ; −1,,200
user:   MOVEI 3, @0 1(0)
        PUSH 1, @0 3(0)             ; the count reaches 0
        MOVEI 3, @0 2(0)            ; the interrupt comes before this
        MOVEI 3, @0 3(0)
        JRST 4, @0 0x3FF00(0)
`, 'overflow.s', 100);
    // Interrupted at user 112 (octal), the MOVEI after the PUSH.
    expect(alone.code).toBe(74);
    expect(cp.guests[0]!.outcome).toEqual({ kind: 'halted', code: 74 });
    expect(stateDifference(isa, alone.machine, cp.guests[0]!.virtual)).toBeNull();
    expect(cp.guests[0]!.counters.direct).toBe(2);
  });

  it('a user program its executive granted User In-out is interpreted; its JSR saves the flag as on the bare machine', () => {
    const { cp, alone } = run(`
        .org 0
        JRST 0, @0 start(0)
        .org 64
start:  JRST 2, @1 upc(0)           ; JRSTF: User and User In-out, PC = user
upc:    .word 0x060000044           ; 014000,,104
        .org 68
user:   JSR 0, @0 save(0)
save:   .word 0
        JRST 4, @0 0x123(0)         ; HALT: legal with User In-out
`, 'userio.s', 100);
    expect(alone.code).toBe(0x123);
    expect(cp.guests[0]!.outcome).toEqual({ kind: 'halted', code: 0x123 });
    expect(stateDifference(isa, alone.machine, cp.guests[0]!.virtual)).toBeNull();
    expect(cp.guests[0]!.counters.direct).toBe(0);
  });

  it('a relocation past the allocation, which no real registers confine, is interpreted, faithfully', () => {
    // PL = 1, RL = 377: user block 0 is guest block 377, past the guest's 255 blocks, so no real
    // low segment confines it; user block 1 wraps round to guest block 0 (user 2006 is AC6).
    const { cp, alone } = run(`
        .org 0
        JRST 0, @0 start(0)
        .org 32
        .word 0
        JSR 0, @0 muuoh(0)
        .org 64
start:  DATAO 0, @0 relocw(0)
        JRST 1, @0 1124(0)          ; user 2144: physical 144
muuoh:  .word 0
        JRST 4, @0 0(6)             ; HALT with E = C(AC6)
relocw: .word 0x10003FC00           ; PL = 1, RL = 377
        .org 100
        MOVEI 1, @0 7(0)
        MOVEM 1, @0 1030(0)         ; user 2006: AC6, reached through the relocation
        JRST 4, @0 0(0)             ; HALT: an MUUO in user mode
`, 'far.s', 100);
    expect(alone.code).toBe(7);
    expect(cp.guests[0]!.outcome).toEqual({ kind: 'halted', code: 7 });
    expect(stateDifference(isa, alone.machine, cp.guests[0]!.virtual)).toBeNull();
    expect(cp.guests[0]!.counters.direct).toBe(0);
  });
});

describe('the two-segment composer', () => {
  const allocations: readonly Allocation[] = [
    { realBase: 1024, size: 255 * 1024 },
    { realBase: 1024, size: 127 * 1024 },
    { realBase: 128 * 1024, size: 127 * 1024 },
  ];
  const registers = fc.record({
    user: fc.boolean(),
    PL: fc.nat(255), PH: fc.oneof(fc.integer({ min: 128, max: 140 }), fc.nat(255)), WPH: fc.nat(1),
    RL: fc.oneof(fc.nat(8), fc.nat(255)), RH: fc.oneof(fc.integer({ min: 128, max: 140 }), fc.nat(255)),
    allocation: fc.constantFrom(...allocations),
  });

  /** The physical address `va` means on `m` for `access`, or null for a protection violation. */
  function translate(m: Machine, va: number, access: AccessKind): number | null {
    m.interp.begin();
    const pa = m.interp.translate(va, access);
    return m.interp.status === Status.Running ? pa : null;
  }

  it('every address legal on the real machine is legal on the virtual one and reaches allocation base + guest-physical', () => {
    const real = new Machine(checked);
    fc.assert(fc.property(registers, (r) => {
      const virtual = new Machine(checked, { ram: new Ram(0, r.allocation.size, isa.unit, isa.endian) });
      for (const name of ['PL', 'PH', 'WPH', 'RL', 'RH'] as const) virtual.interp.writeReg(reg(name), r[name]);
      virtual.interp.writeReg(isa.mode, r.user ? USER_MODE : EXECUTIVE);
      if (!declared.composer.confines!(virtual.interp, r.allocation)) {
        // Only a user program whose block 0 lands past the allocation is not confined.
        expect(r.user && r.RL >= r.allocation.size / 1024).toBe(true);
        return;
      }
      declared.composer.compose(virtual.interp, real.interp, r.allocation);
      real.interp.writeReg(isa.mode, USER_MODE);
      for (let block = 0; block < 256; block++) {
        for (const offset of [0, 17, 1023]) {
          const va = block * 1024 + offset;
          for (const access of ['load', 'store'] as const) {
            const rp = translate(real, va, access);
            if (rp === null) continue;
            if (va < spec.accumulators) {
              expect(rp).toBe(va);
              continue;
            }
            const gp = translate(virtual, va, access);
            expect(gp, `${access} ${va.toString(8)}`).not.toBeNull();
            expect(gp!).toBeLessThan(r.allocation.size);
            expect(gp!).toBeGreaterThanOrEqual(spec.accumulators);
            expect(rp).toBe(r.allocation.realBase + gp!);
          }
        }
      }
      declared.composer.release!(virtual.interp, real.interp, r.allocation);
    }), { numRuns: 60, seed: 10 });
  });

  it('a Monitor’s usual layout composes exactly: every address legal on the virtual machine is legal on the real one', () => {
    const real = new Machine(checked);
    const allocation = allocations[2]!;
    const virtual = new Machine(checked, { ram: new Ram(0, allocation.size, isa.unit, isa.endian) });
    // Low: blocks 0-3 at guest blocks 4-7; high: blocks 200-201 (octal) at guest blocks 10-11, write-protected.
    const values = { PL: 3, RL: 4, PH: 129, RH: 136, WPH: 1 };
    for (const [name, v] of Object.entries(values)) virtual.interp.writeReg(reg(name), v);
    virtual.interp.writeReg(isa.mode, USER_MODE);
    declared.composer.compose(virtual.interp, real.interp, allocation);
    real.interp.writeReg(isa.mode, USER_MODE);
    expect(['PL', 'RL', 'PH', 'RH', 'WPH'].map((n) => V.toNumber(real.interp.readReg(reg(n))))).toEqual([3, 132, 129, 8, 1]);
    for (let va = 16; va < 2 ** 18; va += 257) {
      for (const access of ['load', 'store'] as const) {
        const gp = translate(virtual, va, access);
        expect(translate(real, va, access)).toBe(gp === null ? null : allocation.realBase + gp);
      }
    }
  });
});
