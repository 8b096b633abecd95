/**
 * The generated interpreter routines against the in-memory virtual machine (src/machine/machine.ts
 * with compiled semantics): the same description printed twice — as TypeScript by `isavirt gen`,
 * as closures by the compiler — must step alike. From random states, on random instruction words,
 * a generated VirtualMachine and a Machine end every step with the same result (retired; trap with
 * its cause, value and pc; halt with its code), the same state, the same storage and console.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecoder } from '../../src/isa/decoder.js';
import { insertField } from '../../src/isa/encoding.js';
import type { Isa } from '../../src/isa/model.js';
import { Machine, type StepResult } from '../../src/machine/machine.js';
import { Ram } from '../../src/machine/memory.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';
import * as V from '../../src/semantics/values.js';
import { composable, generatedDir, generatedText, importGenerated, root, type GeneratedModule, type GeneratedVirtualMachine, type Status } from './generated.js';

const pg3 = loadCheckedIsa(join(root, 'isas/pg3.yaml'));
const riscv32 = loadCheckedIsa(join(root, 'isas/riscv32.yaml'));

const { dir, remove } = generatedDir();
const modules = new Map<string, GeneratedModule>();

beforeAll(async () => {
  for (const checked of [pg3, ...(composable(riscv32.isa) ? [riscv32] : [])]) {
    modules.set(checked.isa.name, await importGenerated(dir, checked.isa.name, generatedText(checked)));
  }
});

afterAll(remove);

function moduleFor(name: string): GeneratedModule {
  const m = modules.get(name);
  if (m === undefined) throw new Error(`no generated module for ${name}`);
  return m;
}

function describeStep(r: StepResult): string {
  switch (r.kind) {
    case 'retired': return 'retired';
    case 'trap': return `trap ${r.cause.name} tval=${r.tval} pc=${r.pc}`;
    case 'halt': return `halt ${r.code}`;
  }
}

function describeStatus(vm: GeneratedVirtualMachine, st: Status): string {
  switch (st) {
    case 'running': return 'retired';
    case 'trap': return `trap ${vm.cause.name} tval=${vm.tval} pc=${vm.trapPc}`;
    case 'halt': return `halt ${vm.haltCode}`;
  }
}

/** An instruction of the ISA with random fields (a csr field: one of `csrs`, when given), or (one in five) any word. */
function instructionWord(isa: Isa, csrs: readonly bigint[] = []): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.nat(isa.instructions.length - 1), fc.bigInt(0n, V.maskOf(isa.instructionWidth)), fc.nat(Math.max(0, csrs.length - 1))).map(([i, bits, c]) => {
      const enc = isa.instructions[i]!.encoding;
      let word = enc.match | (bits & ~enc.mask & V.maskOf(isa.instructionWidth));
      const csr = enc.fields.find((f) => f.name === 'csr');
      if (csr !== undefined && csrs.length > 0) word = insertField(word, csr, csrs[c]!);
      return Number(word);
    }) },
    { weight: 1, arbitrary: fc.nat(0xffff_ffff) },
  );
}

/** mulberry32: a word stream from a seed. */
function words(seed: number, n: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  });
}

const PG3_WORDS = pg3.isa.board!.ram.size;
const pg3Decoder = createDecoder(pg3.isa);

const pg3Word = instructionWord(pg3.isa);

/** A pg3 state: the supervisor mode more often, a relocation that mostly leaves room, registers that make nearby addresses. */
const pg3State = fc.record({
  pc: fc.nat(0x7fff),
  mode: fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(0) }),
  R: fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.nat(3), fc.integer({ min: 128, max: 255 })).map(([l, b]) => (l << 8) | b) },
    { weight: 1, arbitrary: fc.nat(0xffff) },
  ),
  GR: fc.array(fc.oneof(fc.nat(31), fc.nat(0x7fff), fc.nat(0xffff_ffff)), { minLength: 8, maxLength: 8 }),
});

describe("pg3's generated routines against the in-memory virtual machine", () => {
  it('decode the same words to the same instructions', () => {
    const { decode } = moduleFor('pg3');
    fc.assert(fc.property(pg3Word, (w) => {
      expect(decode(w)?.name ?? null).toBe(pg3Decoder.decode(w)?.instruction.name ?? null);
    }), { numRuns: 2000 });
  });

  it('any instruction word from any state: the same status, trap, next pc, state and memory, step after step', () => {
    const { VirtualMachine } = moduleFor('pg3');
    const bare = new Machine(pg3);
    const ram = new Ram(0, PG3_WORDS, pg3.isa.unit, pg3.isa.endian);
    const vm = new VirtualMachine(pg3, ram);
    const elements = [...pg3.isa.state.values()];
    fc.assert(fc.property(pg3State, pg3Word, fc.integer(), (state, word, seed) => {
      const memory = words(seed, PG3_WORDS);
      // The instruction where pc relocates to (if it does).
      const pa = state.pc + 256 * (state.R >>> 8);
      if (pa < PG3_WORDS) memory[pa] = word;
      bare.reset();
      vm.reset();
      for (const m of [bare.interp, vm.view]) {
        for (const e of elements) {
          const values = e.name === 'GR' ? state.GR : [e.name === 'pc' ? state.pc : e.name === 'mode' ? state.mode : state.R];
          values.forEach((v, i) => m.writeReg(e, V.fromBigInt(BigInt(v), e.width), i));
        }
      }
      bare.ram.loadUnits(0, memory);
      ram.loadUnits(0, memory);
      for (let step = 0; step < 4; step++) {
        const expected = describeStep(bare.step());
        expect(describeStatus(vm, vm.step())).toBe(expected);
        expect(Array.from(vm.s.narrow)).toEqual(Array.from(bare.state.narrow));
        expect(ram.firstDifference(bare.ram)).toBeNull();
        if (expected.startsWith('halt')) break;
      }
    }), { numRuns: 300 });
  });
});


describe.skipIf(!composable(riscv32.isa))("riscv32's generated routines against the in-memory virtual machine", () => {
  const isa = riscv32.isa;
  const RAM = isa.board!.ram.base;
  /** The RAM the random memory covers: three 4 KiB pages, room for a two-level Sv32 walk. */
  const WINDOW = 0x3000;
  /** Instruction words placed one after another at the pc. */
  const PROGRAM = 6;
  const CSRS = [...isa.constants.values()].filter((c) => c.name.startsWith('CSR_')).map((c) => c.value);
  const DEVICES = [0x0200_0000, 0x0200_4000, 0x0200_bff8, 0x1000_0000, 0x1000_0005, 0x0010_0000];

  /** A value of `width` bits, biased to 0, small numbers, the window, device registers, all ones. */
  const bits = (width: number): fc.Arbitrary<bigint> => fc.oneof(
    fc.constant(0n), fc.bigInt(0n, 31n), fc.nat(WINDOW - 1).map((o) => BigInt(RAM + o)),
    fc.constantFrom(...DEVICES).map(BigInt), fc.constant(V.maskOf(width)), fc.bigInt(0n, V.maskOf(width)),
  ).map((v) => v & V.maskOf(width));
  const inWindow = fc.nat(WINDOW / 4 - 1).map((i) => BigInt(RAM + 4 * i));
  /** Registers whose random values would stop most runs at once: few interrupts, vectors into the window, mostly no paging. */
  const QUIET = new Map<string, fc.Arbitrary<bigint>>([
    ['mie', fc.oneof({ weight: 3, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: bits(32) })],
    ['mtvec', fc.oneof({ weight: 3, arbitrary: inWindow }, { weight: 1, arbitrary: bits(32) })],
    ['stvec', fc.oneof({ weight: 3, arbitrary: inWindow }, { weight: 1, arbitrary: bits(32) })],
    ['satp', fc.oneof(
      { weight: 3, arbitrary: fc.constant(0n) },
      { weight: 2, arbitrary: fc.nat(WINDOW / 4096 - 1).map((p) => (1n << 31n) | BigInt(RAM / 4096 + p)) },
    )],
    ['mode', fc.constantFrom(...isa.modes.map((m) => BigInt(m.value)))],
  ]);
  const elements = [...isa.state.values()].filter((e) => e !== isa.pc);
  const state = fc.tuple(...elements.map((e) => fc.array(QUIET.get(e.name) ?? bits(e.width), { minLength: e.count, maxLength: e.count })));
  const word = instructionWord(isa, CSRS);
  const input = fc.tuple(state, fc.integer(), fc.nat(WINDOW / 4 - PROGRAM), fc.array(word, { minLength: PROGRAM, maxLength: PROGRAM }));

  it('any instruction words from any state: the same results, state, storage and console, step after step', () => {
    const { VirtualMachine } = moduleFor('riscv32');
    const bareConsole: number[] = [];
    const vmConsole: number[] = [];
    const bare = new Machine(riscv32, { console: (b) => bareConsole.push(b) });
    const ram = new Ram(RAM, isa.board!.ram.size, isa.unit, isa.endian);
    const vm = new VirtualMachine(riscv32, ram, (b) => vmConsole.push(b));
    const windowOf = (r: Ram): (V.Bits | null)[] => Array.from({ length: WINDOW / 4 }, (_, i) => r.read(RAM + 4 * i, 32));
    fc.assert(fc.property(input, ([values, seed, slot, program]) => {
      bare.reset();
      vm.reset();
      bareConsole.length = 0;
      vmConsole.length = 0;
      const memory = words(seed, WINDOW / 4);
      program.forEach((w, i) => { memory[slot + i] = w; });
      for (const r of [bare.ram, ram]) memory.forEach((w, i) => r.write(RAM + 4 * i, 32, w));
      for (const m of [bare.interp, vm.view]) {
        elements.forEach((e, i) => values[i]!.forEach((v, j) => m.writeReg(e, V.fromBigInt(v, e.width), j)));
        m.writeReg(isa.pc, RAM + 4 * slot);
      }
      for (let step = 0; step <= PROGRAM; step++) {
        const expected = describeStep(bare.step());
        expect(describeStatus(vm, vm.step())).toBe(expected);
        expect(Array.from(vm.s.narrow)).toEqual(Array.from(bare.state.narrow));
        expect(Array.from(vm.s.wide)).toEqual(Array.from(bare.state.wide));
        expect(windowOf(ram)).toEqual(windowOf(bare.ram));
        expect(vmConsole).toEqual(bareConsole);
        if (expected.startsWith('halt')) break;
      }
    }), { numRuns: 300 });
  });
});
