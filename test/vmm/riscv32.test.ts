/**
 * The control program on RISC-V (isas/riscv32.yaml) with shadow Sv32 page tables: unmodified
 * guests — bare-metal M-mode programs, and a kernel that turns on paging with its own tables —
 * run deprivileged in real U-mode and print what they print on the bare machine and on QEMU;
 * several share the machine with their consoles intact; and the laws of the shadow tables hold,
 * each shown by a small program that would end differently were the law broken.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProgramInstruction } from '../../src/fuzz/arbitraries.js';
import { caseImage, checkFidelity, type GuestCase } from '../../src/fuzz/fidelity.js';
import { assemble, createAssembler, flatImage } from '../../src/isa/assembler.js';
import { createDecoder } from '../../src/isa/decoder.js';
import { loadGuestImage, placeImage, type GuestImage } from '../../src/machine/image.js';
import { Machine } from '../../src/machine/machine.js';
import { Ram } from '../../src/machine/memory.js';
import { runMachine } from '../../src/machine/run.js';
import { loadCheckedIsa, type CheckedIsa } from '../../src/semantics/check-isa.js';
import * as V_ from '../../src/semantics/values.js';
import { ControlProgram } from '../../src/vmm/control-program.js';
import type { Composer } from '../../src/vmm/allocator.js';
import { shadowPageTable } from '../../src/vmm/shadow-page-table.js';
import { qemuAvailable, runOnQemu } from '../guests/qemu.js';

const root = join(import.meta.dirname, '../..');
const checked = loadCheckedIsa(join(root, 'isas/riscv32.yaml'));
const isa = checked.isa;
const guestsDir = join(root, 'guests/riscv32');
const guests = readdirSync(guestsDir).filter((d) => existsSync(join(guestsDir, d, 'expected.txt')));
const elf = (name: string): GuestImage => loadGuestImage(join(guestsDir, name, `${name}.elf`), isa);
const expected = (name: string): string => readFileSync(join(guestsDir, name, 'expected.txt'), 'latin1');

// The paging guest: a flat image made by the assembler derived from the description.
const sv32Source = join(root, 'test/fixtures/vmm/riscv32-sv32.s');
const sv32Bytes = flatImage(isa, assemble(isa, readFileSync(sv32Source, 'utf8'), sv32Source));
const RAM = isa.board!.ram.base;
const sv32: GuestImage = { file: sv32Source, format: 'flat', entry: RAM, machine: null, segments: [{ address: RAM, data: sv32Bytes, memsz: sv32Bytes.length }], symbols: new Map() };
const SV32_CONSOLE = [
  'S: Sv32 on, stvec set',
  'S: stored 0x12345678 via 0x40000000, loaded via alias 0x40002000: 12345678',
  'S: leaf 0x40000000 A|D after the store: 000000c0',
  'S: leaf 0x40002000 A|D after the load: 00000040',
  'S: page fault scause=0000000d stval=40001000',
  'S: mapped 0x40001000 on the fault, loaded: 0000b0b0',
  'S: page fault scause=0000000f stval=40002000',
  'S: sret to U-mode at 0x40003000',
  'S: ecall from U-mode, a0=00000042',
  'S: page fault scause=0000000d stval=40003100',
  'S: U page with SUM=1: 00000041',
  'S: 0x40000000 remapped to page B, loaded: 0000b0b0',
  'S: ecall to M',
  'M: pass',
  '',
].join('\n');

function bare(image: GuestImage): { console: string; code: number | null } {
  let text = '';
  const m = new Machine(checked, { console: (b) => { text += String.fromCharCode(b); } });
  placeImage(image, m.ram);
  m.pc = image.entry;
  const outcome = runMachine(m, 50_000_000);
  return { console: text, code: outcome.kind === 'halted' ? outcome.code : null };
}

/** Run guests side by side under trap-and-emulate; each one's console and outcome. */
function underVmm(images: readonly GuestImage[], slice = 10_000): { cp: ControlProgram; consoles: string[] } {
  const consoles = images.map(() => '');
  const cp = new ControlProgram(checked, images, { strategy: 'trap-and-emulate', console: (i, b) => { consoles[i] += String.fromCharCode(b); } });
  cp.run(50_000_000, slice);
  return { cp, consoles };
}

/** Each shipped guest alone under the VMM, run once for all the tests that look at it. */
const alone = new Map<string, ReturnType<typeof underVmm>>();
const runAlone = (name: string): ReturnType<typeof underVmm> => {
  const known = alone.get(name);
  if (known !== undefined) return known;
  const run = underVmm([elf(name)]);
  alone.set(name, run);
  return run;
};

describe('riscv32 guests under trap-and-emulate with shadow Sv32 tables', () => {
  for (const name of guests) {
    it(`${name} prints what it prints on the bare machine and on QEMU (expected.txt), and exits 0`, () => {
      const { cp, consoles } = runAlone(name);
      expect(consoles[0]).toBe(expected(name));
      expect(cp.guests[0]!.outcome).toEqual({ kind: 'halted', code: 0 });
    });
  }

  it('a kernel that turns on Sv32 with its own page tables runs unmodified: page faults, A/D bits, SUM, U-mode, remapping', () => {
    expect(bare(sv32)).toEqual({ console: SV32_CONSOLE, code: 0 });
    const { cp, consoles } = underVmm([sv32]);
    expect(consoles[0]).toBe(SV32_CONSOLE);
    expect(cp.guests[0]!.outcome).toEqual({ kind: 'halted', code: 0 });
  });

  it.runIf(qemuAvailable())('the paging guest prints the same on live QEMU', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'isavirt-')), 'riscv32-sv32.bin');
    writeFileSync(file, sv32Bytes);
    const q = await runOnQemu(file, 30);
    expect(q.console).toBe(SV32_CONSOLE);
    expect(q.exitCode).toBe(0);
  });

  it('several guests side by side, in slices, each print exactly what they print alone', () => {
    const names = guests.filter((g) => g !== 'compute');
    const { cp, consoles } = underVmm([...names.map(elf), sv32, elf('hello')], 997);
    expect(consoles).toEqual([...names.map(expected), SV32_CONSOLE, expected('hello')]);
    expect(cp.guests.map((g) => g.outcome)).toEqual(cp.guests.map(() => ({ kind: 'halted', code: 0 })));
    // Each guest has its own 4 MiB-aligned part of real storage, and its own shadow tables above them all.
    const parts = cp.guests.map((g) => g.allocation);
    for (const [i, a] of parts.entries()) {
      expect(a.realBase % 0x40_0000).toBe(0);
      if (i > 0) expect(a.realBase).toBeGreaterThanOrEqual(parts[i - 1]!.realBase + parts[i - 1]!.size);
      expect(a.vmm!.base).toBeGreaterThanOrEqual(parts[parts.length - 1]!.realBase + parts[parts.length - 1]!.size);
    }
  });

  it('innocuous instructions run directly: a compute-bound guest exits only for its device accesses', () => {
    const { cp } = runAlone('compute');
    const c = cp.guests[0]!.counters;
    expect(c.direct).toBeGreaterThan(1000 * c.exits);
  });
});

// ---------------------------------------------------------------- laws, by small programs
const { encode } = createAssembler(isa);
const { decode } = createDecoder(isa);
const program = (lines: readonly string[]): ProgramInstruction[] => lines.map((line) => {
  const d = decode(Number(encode(line)))!;
  return { index: d.index, fields: d.fields.map((f) => BigInt(f)) };
});
/** Bytes of a 32-bit word at byte `offset` from the RAM base. */
const word = (offset: number, value: number): [number, bigint][] => [0, 1, 2, 3].map((i) => [offset + i, BigInt((value >>> (8 * i)) & 0xff)]);
/** The real machine of the laws: one guest of 4 MiB and its shadow tables (the board's 128 MiB would do, slower). */
const small: CheckedIsa = { ...checked, isa: { ...isa, board: { ...isa.board!, ram: { base: RAM, size: 5 << 20 } } } };

// Guest-physical layout: code at +0x1000 with an M-mode trap handler at +0x1100 that counts the
// trap in x20 and resumes after the trapping instruction; the root table at +0x2000, whose entry
// for 0x80000000 points at the leaf table at +0x3000; data pages 4 and 5 at +0x4000, +0x5000.
const CODE = 0x1000;
const HANDLER = 0x1100;
const SATP = (0x80000000 | ((RAM + 0x2000) >>> 12)) >>> 0;
const handler: [number, bigint][] = ['addi x20, x20, 1', 'csrrs x7, 0x341, x0', 'addi x7, x7, 4', 'csrrw x0, 0x341, x7', 'mret']
  .flatMap((line, i) => word(HANDLER + 4 * i, Number(encode(line))));
/** Leaf flags (Priv. §4.3.1). */
const [V, R, W, X, U, A, D] = [0x01, 0x02, 0x04, 0x08, 0x10, 0x40, 0x80];
/** The root entry to the leaf table, and leaf `page` → RAM page `page` with `flags`. */
const tables = (leaves: Record<number, number>): [number, bigint][] => [
  ...word(0x2000 + 4 * (RAM >>> 22), (((RAM + 0x3000) >>> 12) << 10) | V),
  ...Object.entries(leaves).flatMap(([page, flags]) => word(0x3000 + 4 * Number(page), (((RAM >>> 12) + Number(page)) << 10) | flags)),
];
/** Registers: x8 → data page 4, x16 → leaf entry 4, x6 = 0x66, and `extra`. */
const registers = (extra: Record<number, number> = {}): bigint[] => {
  const x = Array.from({ length: 32 }, () => 0n);
  Object.entries({ 8: RAM + 0x4000, 16: RAM + 0x3010, 6: 0x66, ...extra }).forEach(([i, v]) => { x[Number(i)] = BigInt(v >>> 0); });
  return x;
};
/**
 * A case in S-mode with Sv32 on whose traps go to the M handler: `lines` and then a loop on the
 * spot, the given leaves (page 1, the code, is R X for S), registers and other state.
 */
function sMode(lines: readonly string[], leaves: Record<number, number>, extra: Record<number, number> = {}, more: Record<string, bigint> = {}): GuestCase {
  return {
    program: program([...lines, 'jal x0, 0']),
    state: new Map(Object.entries({ X: registers(extra), mode: [1n], satp: [BigInt(SATP)], mtvec: [BigInt(RAM + HANDLER)], ...Object.fromEntries(Object.entries(more).map(([k, v]) => [k, [v]])) })),
    memory: [...tables({ 1: V | R | X | A, ...leaves }), ...handler, ...word(0x4000, 0x4444)],
  };
}

/** The case alone on a bare machine with a 4 MiB RAM, after `steps` steps. */
function bareCase(c: GuestCase, steps: number): Machine {
  const m = new Machine(small, { ram: new Ram(RAM, 4 << 20, isa.unit, isa.endian) });
  placeImage(caseImage(isa, c, CODE), m.ram);
  m.pc = RAM + CODE;
  for (const [o, v] of c.memory) m.ram.write(RAM + o, 8, Number(v));
  for (const [name, values] of c.state) {
    const e = isa.state.get(name)!;
    values.forEach((v, i) => m.interp.writeReg(e, V_.fromBigInt(v, e.width), i));
  }
  runMachine(m, steps);
  return m;
}
const reg = (m: Machine, name: string, index = 0): number => Number(m.interp.readReg(isa.state.get(name)!, index));

/** Under the VMM and alone on the bare machine the case ends alike (null), and `bareCase` shows what it did. */
const law = (c: GuestCase, steps: number): string | null => checkFidelity(small, [c], { strategy: 'trap-and-emulate', steps, offset: CODE, resources: untouched });

/** Real storage outside the guest's allocation and its shadow tables must stay zero. */
function untouched(cp: ControlProgram): string | null {
  const ram = cp.real.ram;
  const a = cp.guests[0]!.allocation;
  for (let pa = ram.base; pa < ram.end; pa += 4) {
    const owned = (pa >= a.realBase && pa < a.realBase + a.size) || (pa >= a.vmm!.base && pa < a.vmm!.base + a.vmm!.size);
    if (!owned && ram.read(pa, 32) !== 0) return `real storage at 0x${pa.toString(16)} changed`;
  }
  return null;
}

describe('laws of the shadow page tables', () => {
  it('a store outside the guest RAM faults as on the bare machine and never reaches real storage outside its allocation', () => {
    // M-mode (no translation): past the RAM's end, far away, and its last word (legal); then in
    // S-mode through a megapage entry for 0x40000000 to 0x80400000, just past the guest's RAM.
    // (The handler's own mret leaves MPP = U and mepc past the last trap: both set before mret.)
    const c = sMode(['sw x6, 0(x10)', 'sw x6, 0(x11)', 'sw x6, -4(x10)', 'csrrs x0, 0x300, x14', 'csrrw x0, 0x341, x15', 'mret',
      'sw x6, 0(x12)', 'lw x5, 0(x12)', 'addi x21, x21, 1'], {},
    { 10: RAM + 0x40_0000, 11: 0x9000_0000, 12: 0x4000_0000, 14: 1 << 11, 15: RAM + CODE + 24 }, { mode: 3n });
    const c2 = { ...c, memory: [...c.memory, ...word(0x2000 + 4 * 0x100, (0x80400 << 10) | V | R | W | A | D)] };
    expect(law(c2, 40)).toBeNull();
    const m = bareCase(c2, 40);
    expect([reg(m, 'X', 20), reg(m, 'mcause'), reg(m, 'X', 21), reg(m, 'mode')]).toEqual([4, 5, 1, 1]);   // four access faults, the last a load's, back in S
    expect(m.ram.read(RAM + 0x40_0000 - 4, 32)).toBe(0x66);
  });

  it('a store to a guest page table takes effect at once: the next access through the entry faults, as on bare hardware without a TLB', () => {
    // Page 3 (the leaf table) is mapped writable: the kernel reads page 4's entry (so page 3 has a
    // shadow entry, which must not be writable), clears it, then loads through it.
    const c = sMode(['lw x5, 0(x8)', 'lw x5, 0(x8)', 'lw x10, 0(x16)', 'sw x0, 0(x16)', 'lw x9, 0(x8)', 'addi x21, x21, 1'], { 3: V | R | W | A | D, 4: V | R | W | A | D });
    expect(law(c, 12)).toBeNull();
    const m = bareCase(c, 12);
    expect([reg(m, 'X', 5), reg(m, 'X', 9), reg(m, 'X', 20), reg(m, 'mcause'), reg(m, 'mtval')]).toEqual([0x4444, 0, 1, 13, 0x8000_4000]);
  });

  it('the real TLB goes when the translation changes: a VMM that kept it across a change of regime is caught', () => {
    // The case of the regime law below: M-mode fetches page 1 through the identity regime (cached),
    // then mret enters S-mode, whose entry for page 1 has no X. A VMM that kept the real machine's
    // cached translations would fetch it anyway.
    const spec = isa.vmm!.allocator!;
    if (spec.kind !== 'page-table') throw new Error('riscv32 declares a page-table allocator');
    const c = sMode(['addi x5, x5, 1', 'addi x5, x5, 1', 'mret', 'addi x9, x9, 1'], { 1: V | R | W | A | D },
      {}, { mode: 3n, mstatus: 1n << 11n, mepc: BigInt(RAM + CODE + 12) });
    const options = { strategy: 'trap-and-emulate', steps: 8, offset: CODE } as const;
    expect(checkFidelity(small, [c], options)).toBeNull();
    const stale: Composer = { ...shadowPageTable(spec), translationChanged: () => false };
    expect(checkFidelity(small, [c], { ...options, composer: stale })).not.toBeNull();
  });

  it('a page that becomes a page table loses its writable mappings in every regime', () => {
    // M-mode stores to page 3 (writable in M's identity regime); S-mode's first walk reads page 3;
    // back in M, a store clears page 4's entry — which must exit, so S's next load faults.
    const c = sMode(['sw x6, 0x100(x17)', 'sw x6, 0x100(x17)', 'mret', 'lw x5, 0(x8)', 'lw x5, 0(x8)', 'ecall', 'lw x9, 0(x8)', 'addi x21, x21, 1'],
      { 4: V | R | W | A | D }, { 17: RAM + 0x3000 }, { mode: 3n, mstatus: 1n << 11n, mepc: BigInt(RAM + CODE + 12) });
    // The M handler for the ecall clears page 4's entry before returning.
    const clear = ['sw x0, 0(x16)', 'addi x20, x20, 1', 'csrrs x7, 0x341, x0', 'addi x7, x7, 4', 'csrrw x0, 0x341, x7', 'mret']
      .flatMap((line, i) => word(HANDLER + 4 * i, Number(encode(line))));
    const c2 = { ...c, memory: [...c.memory, ...clear] };
    expect(law(c2, 24)).toBeNull();
    const m = bareCase(c2, 24);
    expect([reg(m, 'X', 5), reg(m, 'X', 9), reg(m, 'mcause')]).toEqual([0x4444, 0, 13]);
  });

  it('a page is granted only the accesses the guest may make: a store to a read-only page faults after loads filled it', () => {
    const c = sMode(['lw x5, 0(x8)', 'lw x5, 0(x8)', 'sw x6, 0(x8)', 'addi x21, x21, 1'], { 4: V | R | A | D });
    expect(law(c, 10)).toBeNull();
    const m = bareCase(c, 10);
    expect([reg(m, 'mcause'), m.ram.read(RAM + 0x4000, 32)]).toEqual([15, 0x4444]);
  });

  it('clearing SUM takes effect at once: S-mode loads from a U page fault after it, as before it they did not', () => {
    const c = sMode(['lw x5, 0(x8)', 'lw x5, 0(x8)', 'csrrc x0, 0x100, x13', 'lw x9, 0(x8)', 'addi x21, x21, 1'], { 4: V | R | W | U | A | D },
      { 13: 1 << 18 }, { mstatus: 1n << 18n });
    expect(law(c, 12)).toBeNull();
    const m = bareCase(c, 12);
    expect([reg(m, 'X', 5), reg(m, 'X', 9), reg(m, 'mcause')]).toEqual([0x4444, 0, 13]);
  });

  it('a change of regime changes the translation at once: code M-mode ran is not executable in S-mode when its entry says so', () => {
    // Page 1 (the code) has no X for S: after mret the fetch faults (instruction page fault).
    const c = sMode(['addi x5, x5, 1', 'addi x5, x5, 1', 'mret', 'addi x9, x9, 1'], { 1: V | R | W | A | D },
      {}, { mode: 3n, mstatus: 1n << 11n, mepc: BigInt(RAM + CODE + 12) });
    expect(law(c, 8)).toBeNull();
    const m = bareCase(c, 8);
    expect([reg(m, 'X', 9), reg(m, 'mcause')]).toEqual([0, 12]);
  });

  it('the first store to a clean page sets D through the guest\'s own walk; A and D end as on the bare machine', () => {
    const c = sMode(['lw x5, 0(x8)', 'lw x5, 0(x8)', 'sw x6, 0(x8)', 'sw x6, 4(x8)', 'lw x9, 4(x8)'], { 4: V | R | W });
    expect(law(c, 8)).toBeNull();
    const m = bareCase(c, 8);
    expect([reg(m, 'X', 9), Number(m.ram.read(RAM + 0x3010, 32)) & (A | D)]).toEqual([0x66, A | D]);
  });

  it('a virtual timer interrupt is taken at the step where the bare machine takes it', () => {
    // mtime reaches mtimecmp (all ones at reset) after 40 steps, in the middle of a run of adds.
    const lines = [...Array.from({ length: 60 }, () => 'addi x5, x5, 1'), 'jal x0, -240'];
    const c: GuestCase = {
      program: program(lines),
      state: new Map(Object.entries({
        X: registers(), mode: [3n], mstatus: [1n << 3n], mie: [1n << 7n], mtvec: [BigInt(RAM + HANDLER)], mtime: [(1n << 64n) - 1n - 40n],
      })),
      // The handler records mepc in x22, disables the timer and returns.
      memory: ['csrrs x22, 0x341, x0', 'csrrw x0, 0x304, x0', 'mret'].flatMap((line, i) => word(HANDLER + 4 * i, Number(encode(line)))),
    };
    expect(law(c, 100)).toBeNull();
    const m = bareCase(c, 100);
    expect([reg(m, 'mcause'), reg(m, 'X', 22)]).toEqual([0x8000_0007, RAM + CODE + 4 * 40]);
  });

  it('when its VMM storage runs out, a guest\'s shadow starts afresh and the guest runs on unchanged', () => {
    // Two table pages per guest: a root and one leaf table, so nearly every new regime or region flushes.
    const spec = isa.vmm!.allocator!;
    if (spec.kind !== 'page-table') throw new Error('riscv32 declares a page-table allocator');
    let text = '';
    const cp = new ControlProgram(checked, [sv32], { strategy: 'trap-and-emulate', composer: shadowPageTable(spec, { poolPages: 2 }), console: (_, b) => { text += String.fromCharCode(b); } });
    cp.run(1_000_000);
    expect(text).toBe(SV32_CONSOLE);
    expect(cp.guests[0]!.outcome).toEqual({ kind: 'halted', code: 0 });
  });

  it('the real machine keeps its own state: real mie stays 0, so no real interrupt ever fires', () => {
    const { cp } = runAlone('privilege');
    expect(cp.real.interp.readReg(isa.state.get('mie')!)).toBe(0);
    expect(cp.guests[0]!.counters.interpreted).toBeGreaterThan(0);   // the virtual timer interrupt
  });
});
