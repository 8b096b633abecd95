/**
 * pg3 (isas/pg3.yaml), Popek & Goldberg's third generation machine made concrete: the description
 * loads and checks, its traps and relocation-bounds register behave as the paper's §2 says, and the
 * guests in guests/pg3 assemble to their committed images and halt with their codes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble, flatImage } from '../../src/isa/assembler.js';
import { loadIsa } from '../../src/isa/load.js';
import type { StateElement } from '../../src/isa/model.js';
import { Machine, type StepResult } from '../../src/machine/machine.js';
import { loadGuestImage, placeImage } from '../../src/machine/image.js';
import { runMachine } from '../../src/machine/run.js';
import { checkIsa } from '../../src/semantics/check-isa.js';

const root = join(import.meta.dirname, '../..');
const checked = checkIsa(loadIsa(join(root, 'isas/pg3.yaml')));
const isa = checked.isa;
const reg = (name: string): StateElement => {
  const e = isa.state.get(name);
  if (e === undefined) throw new Error(`pg3 has no state element ${name}`);
  return e;
};
const GR = reg('GR');
const R = reg('R');

/** PSW = M (bit 31) | P (30:16) | l (15:8) | b (7:0). */
function psw(m: number, p: number, l: number, b: number): number {
  return ((m << 31) | (p << 16) | (l << 8) | b) >>> 0;
}

/** A machine with `source` assembled into storage, at reset (M = s, P = 0, R = (0, 255)). */
function boot(source: string): Machine {
  const machine = new Machine(checked);
  const program = assemble(isa, source, 'test.s');
  machine.ram.loadUnits(program.origin, program.units);
  return machine;
}

function word(machine: Machine, address: number): number {
  return Number(machine.ram.read(address, 32));
}

/** Step until the first trap (or halt) and return it. */
function untilTrap(machine: Machine, budget = 100): StepResult {
  for (let i = 0; i < budget; i++) {
    const r = machine.step();
    if (r.kind !== 'retired') return r;
  }
  throw new Error('no trap within the budget');
}

/** Low storage for the trap tests: E[1] sends every trap to `trap:` at 0x20, supervisor, unrelocated. */
const LOW = `
        .org 0
        jmp start
        .word ${psw(1, 0x20, 0, 0xff)}
        .word 0
        .word 0
        .org 0x20
trap:   halt r0
`;

describe('pg3: the description', () => {
  it('loads and checks: S = ⟨E, M, P, R⟩ with 64 Ki words of 32 bits, modes u < s', () => {
    expect(isa.name).toBe('pg3');
    expect([isa.unit, isa.instructionWidth, isa.addressWidth, isa.physicalAddressWidth]).toEqual([32, 32, 15, 16]);
    expect(isa.modes.map((m) => m.name)).toEqual(['u', 's']);
    expect(isa.userMode.name).toBe('u');
    expect(R.role).toBe('relocation');
    expect(isa.board?.ram).toEqual({ base: 0, size: 65536 });
    // P&G §3: the VMM composes R = (l, b) with each guest's block of storage.
    const allocator = isa.vmm?.allocator;
    expect(allocator).toMatchObject({ kind: 'relocation-bounds', granule: 256 });
    if (allocator?.kind !== 'relocation-bounds') throw new Error('pg3 declares a relocation-bounds allocator');
    expect(allocator.base.field?.name).toBe('l');
    expect(allocator.bound.field?.name).toBe('b');
    expect(checked.instructions).toHaveLength(isa.instructions.length);
  });

  it('every cause has its own code and the memory trap is a memory trap', () => {
    const causes = [...isa.causes.values()];
    expect(new Set(causes.map((c) => c.code)).size).toBe(causes.length);
    expect(causes.filter((c) => c.memory).map((c) => c.name)).toEqual(['MemoryTrap']);
    expect(isa.illegalInstruction.name).toBe('IllegalInstruction');
  });

  it('resets to M = s, P = 0, R = (l 0, b 255)', () => {
    const m = new Machine(checked);
    expect(m.interp.readReg(isa.mode)).toBe(1);
    expect(m.pc).toBe(0);
    expect(m.interp.readReg(R)).toBe(0x00ff);
  });
});

describe('pg3: traps and the relocation-bounds register (P&G §2)', () => {
  it('a trap stores the old PSW in E[0] (P = the trapping instruction) and loads the new PSW from E[1]', () => {
    const m = boot(`${LOW}
        .org 0x40
start:  lpsw upsw(r0)
upsw:   .word ${psw(0, 0, 1, 1)}
        .org 0x100
        loadi r1, 5
        lpsw 0(r0)          # privileged: traps in user mode
`);
    const r = untilTrap(m);
    expect(r).toMatchObject({ kind: 'trap', cause: { name: 'PrivilegedInstruction' }, pc: 1 });
    expect(word(m, 0)).toBe(psw(0, 1, 1, 1));
    expect(word(m, 2)).toBe(isa.causes.get('PrivilegedInstruction')?.code);
    expect(m.interp.readReg(isa.mode)).toBe(1);
    expect(m.pc).toBe(0x20);
    expect(m.interp.readReg(R)).toBe(0x00ff);
    expect(m.interp.readReg(GR, 1)).toBe(5);
  });

  it('svc traps in supervisor mode too, with P at the svc itself and its number in E[3]', () => {
    const m = boot(`${LOW}
        .org 0x40
start:  svc 9
`);
    expect(untilTrap(m)).toMatchObject({ kind: 'trap', cause: { name: 'SupervisorCall' }, pc: 0x40 });
    expect(word(m, 0)).toBe(psw(1, 0x40, 0, 0xff));
    expect(word(m, 3)).toBe(9);
  });

  it('an address a < 256·b means E[a + 256·l]; a ≥ 256·b is a memory trap with a in E[3]', () => {
    const m = boot(`${LOW}
        .org 0x40
start:  lpsw upsw(r0)
upsw:   .word ${psw(0, 0, 2, 1)}
        .org 0x200
        load  r1, 0xff(r0)   # the last word in bounds: physical 0x2ff
        store r1, 0x100(r0)  # the first out of bounds
        .org 0x2ff
        .word 77
`);
    expect(untilTrap(m)).toMatchObject({ kind: 'trap', cause: { name: 'MemoryTrap' }, pc: 1 });
    expect(m.interp.readReg(GR, 1)).toBe(77);
    expect(word(m, 3)).toBe(0x100);
    expect(word(m, 0x300)).toBe(0);
  });

  it('the privileged instructions run in supervisor mode: rpsw reads ⟨M, P, R⟩, halt stops with GR[r]', () => {
    const m = boot(`${LOW}
        .org 0x40
start:  rpsw r2
        loadi r3, 7
        halt r3
`);
    expect(m.step()).toEqual({ kind: 'retired' });
    expect(m.step()).toEqual({ kind: 'retired' });
    expect(m.interp.readReg(GR, 2)).toBe(psw(1, 0x40, 0, 0xff));
    expect(m.step()).toEqual({ kind: 'retired' });
    expect(m.step()).toEqual({ kind: 'halt', code: 7 });
  });

  it('an undefined opcode (zeroed storage) is an illegal-instruction trap', () => {
    const m = boot(`${LOW}
        .org 0x40
start:  jmp 0x1000
`);
    m.step();
    expect(untilTrap(m)).toMatchObject({ kind: 'trap', cause: { name: 'IllegalInstruction' }, pc: 0x1000 });
  });
});

describe('pg3 guests (guests/pg3)', () => {
  const guests: readonly (readonly [string, number])[] = [
    ['sum', 31],
    ['supervisor', 0x322a],
  ];

  it.each(guests)('%s.bin is what %s.s assembles to', (name) => {
    const source = readFileSync(join(root, 'guests/pg3', `${name}.s`), 'utf8');
    const image = flatImage(isa, assemble(isa, source, `${name}.s`));
    expect(Buffer.from(image).equals(readFileSync(join(root, 'guests/pg3', `${name}.bin`)))).toBe(true);
  });

  it.each(guests)('%s halts with code %i on the bare machine', (name, code) => {
    const machine = new Machine(checked);
    const image = loadGuestImage(join(root, 'guests/pg3', `${name}.bin`), isa);
    placeImage(image, machine.ram);
    machine.pc = image.entry;
    expect(runMachine(machine, 10_000)).toMatchObject({ kind: 'halted', code });
  });
});
