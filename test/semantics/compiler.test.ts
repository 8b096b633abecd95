/**
 * The compiled semantics (src/semantics/compiler.ts) against the reference interpreter: every
 * golden eval case gives the expected output when compiled, and on random riscv32 states any
 * sequence of instruction words runs to the same state, memory, bus accesses, step results and
 * console on a machine with the compiled engine as on one with the reference engine.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../src/isa/decoder.js';
import { insertField } from '../../src/isa/encoding.js';
import { Machine, type StepResult } from '../../src/machine/machine.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';
import * as V from '../../src/semantics/values.js';
import { caseFiles, readCases, runCase } from './case-files.js';

for (const file of caseFiles()) {
  const evals = readCases(file).filter((c) => c.kind === 'eval');
  if (evals.length === 0) continue;
  describe(`compiled semantics on the golden cases: ${file}`, () => {
    for (const c of evals) {
      it(`eval: ${c.title}`, () => {
        expect(runCase(c, 'compiled')).toBe(c.expected);
      });
    }
  });
}

const checked = loadCheckedIsa(join(import.meta.dirname, '../../isas/riscv32.yaml'));
const isa = checked.isa;
const decoder = createDecoder(isa);
const RAM = isa.board!.ram.base;
/** The RAM the random memory covers: three 4 KiB pages, room for a two-level Sv32 walk. */
const WINDOW = 0x3000;
/** Device registers worth pointing a register at: CLINT msip, mtimecmp, mtime; UART THR, LSR; the finisher. */
const DEVICE_ADDRESSES = [0x0200_0000, 0x0200_4000, 0x0200_4004, 0x0200_bff8, 0x0200_bffc, 0x1000_0000, 0x1000_0005, 0x0010_0000];
/** Instruction words placed one after another at the pc. */
const PROGRAM = 6;
const CSRS = [...isa.constants.values()].filter((c) => c.name.startsWith('CSR_')).map((c) => c.value);

/** A value of `width` bits, biased to 0, small numbers, the window, device registers, all ones. */
function bits(width: number): fc.Arbitrary<bigint> {
  const mask = V.maskOf(width);
  return fc.oneof(
    fc.constant(0n),
    fc.bigInt(0n, 31n),
    fc.nat(WINDOW - 1).map((o) => BigInt(RAM + o)),
    fc.constantFrom(...DEVICE_ADDRESSES).map(BigInt),
    fc.constant(mask),
    fc.bigInt(0n, mask),
  ).map((v) => v & mask);
}

/** An address in the window aligned to `align` bytes, with the low bits free for a mode field. */
function windowAddress(align: number): fc.Arbitrary<bigint> {
  return fc.tuple(fc.nat(WINDOW / align - 1), fc.nat(align - 1)).map(([i, low]) => BigInt(RAM + i * align + low));
}

/**
 * Registers whose random values would mostly stop the run at once, drawn so that instructions
 * mostly execute: few interrupts enabled, trap vectors into the window, mostly no paging (and
 * page tables in the window when paging), the machine mode half the time.
 */
const QUIET = new Map<string, fc.Arbitrary<bigint>>([
  ['mie', fc.oneof({ weight: 3, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: bits(32) })],
  ['mtvec', fc.oneof({ weight: 3, arbitrary: windowAddress(4) }, { weight: 1, arbitrary: bits(32) })],
  ['stvec', fc.oneof({ weight: 3, arbitrary: windowAddress(4) }, { weight: 1, arbitrary: bits(32) })],
  ['satp', fc.oneof(
    { weight: 3, arbitrary: fc.constant(0n) },
    // MODE = Sv32, root table one of the window's pages.
    { weight: 2, arbitrary: fc.nat(WINDOW / 4096 - 1).map((p) => (1n << 31n) | BigInt(RAM / 4096 + p)) },
    { weight: 1, arbitrary: bits(32) },
  )],
  ['mode', fc.oneof({ weight: 2, arbitrary: fc.constant(BigInt(isa.modes[isa.modes.length - 1]!.value)) }, { weight: 2, arbitrary: fc.constantFrom(...isa.modes.map((m) => BigInt(m.value))) }, { weight: 1, arbitrary: bits(isa.mode.width) })],
]);

/** One value per element of every state register and file (pc excluded: it points at the program). */
const stateArbitrary = fc.tuple(...[...isa.state.values()].map((e) => fc.array(QUIET.get(e.name) ?? bits(e.width), { minLength: e.count, maxLength: e.count })));

/** Instruction `index` with its fields from `values` (a csr field: a real CSR, from `csr`). */
function encode(index: number, values: readonly bigint[], csr: bigint): number {
  const enc = isa.instructions[index]!.encoding;
  let word = enc.match;
  enc.fields.forEach((f, i) => { word = insertField(word, f, f.name === 'csr' ? csr : values[i] ?? 0n); });
  return Number(word);
}

/** An instruction of the ISA with random fields, or (one in five) any word. */
const wordArbitrary = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.nat(isa.instructions.length - 1), fc.array(fc.bigInt(0n, (1n << 32n) - 1n), { minLength: 8, maxLength: 8 }), fc.constantFrom(...CSRS))
    .map(([index, values, csr]) => encode(index, values, csr)) },
  { weight: 1, arbitrary: fc.nat(0xffff_ffff) },
);

/**
 * The window's memory from a seed: words drawn like `wordArbitrary` (so that trap handlers and
 * jumps land on instructions), which also serve as data and page-table entries.
 */
function windowMemory(seed: number): Uint8Array {
  let s = seed >>> 0;
  // mulberry32
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const bytes = new Uint8Array(WINDOW);
  const view = new DataView(bytes.buffer);
  for (let a = 0; a < WINDOW; a += 4) {
    let word = next();
    if (word % 5 !== 0) {
      const { mask, match, csr } = FIXED[next() % FIXED.length]!;
      word = (match | (next() & ~mask)) >>> 0;
      if (csr !== undefined) word = Number(insertField(BigInt(word), csr, CSRS[next() % CSRS.length]!));
    }
    view.setUint32(a, word, true);
  }
  return bytes;
}

/** Each instruction's fixed bits, and its csr field if it has one. */
const FIXED = isa.instructions.map((i) => ({
  mask: Number(i.encoding.mask),
  match: Number(i.encoding.match),
  csr: i.encoding.fields.find((f) => f.name === 'csr'),
}));

function describeResult(r: StepResult): string {
  switch (r.kind) {
    case 'retired': return 'retired';
    case 'trap': return `trap ${r.cause.name} tval=${V.hex(r.tval, 32)} pc=${V.hex(r.pc, 32)}`;
    case 'halt': return `halt ${r.code}`;
  }
}

/** The words of the memory window. */
function windowOf(m: Machine): (number | bigint | null)[] {
  return Array.from({ length: WINDOW / 4 }, (_, i) => m.ram.read(RAM + 4 * i, 32));
}

/**
 * A machine whose bus accesses and console are recorded. One per engine serves every run (a
 * machine's 128 MiB of RAM is costly to make): a run resets the state and puts back the memory
 * the previous run wrote. Device registers carry over: a pair of machines must see the same runs.
 */
class Recorded {
  readonly machine: Machine;
  readonly accesses: string[] = [];
  readonly console: number[] = [];
  private readonly written: [number, number][] = [];

  constructor(engine: 'compiled' | 'reference') {
    this.machine = new Machine(checked, { engine, console: (b) => this.console.push(b) });
    const { bus } = this.machine;
    const read = bus.read.bind(bus);
    const write = bus.write.bind(bus);
    bus.read = (pa, w, access) => {
      const v = read(pa, w, access);
      this.accesses.push(`read ${access} ${pa.toString(16)}/${w} = ${v === null ? 'none' : v.toString(16)}`);
      return v;
    };
    bus.write = (pa, w, value, access) => {
      this.accesses.push(`write ${access} ${pa.toString(16)}/${w} := ${value.toString(16)}`);
      this.written.push([pa, w / 8]);
      return write(pa, w, value, access);
    };
  }

  /** Up to `steps` steps from `state`, with `memory` at the RAM's start and `words` from RAM + pcOffset on. */
  run(state: readonly (readonly bigint[])[], memory: Uint8Array, pcOffset: number, words: readonly number[], steps: number): string[] {
    const m = this.machine;
    for (const [pa, units] of this.written.splice(0)) m.ram.clear(pa, units);
    this.accesses.length = 0;
    this.console.length = 0;
    m.reset();
    [...isa.state.values()].forEach((e, i) => state[i]!.forEach((v, j) => m.interp.writeReg(e, V.fromBigInt(v, e.width), j)));
    m.ram.loadBytes(RAM, memory);
    words.forEach((word, i) => m.ram.write(RAM + pcOffset + 4 * i, 32, word));
    m.pc = RAM + pcOffset;
    const results: string[] = [];
    for (let i = 0; i < steps; i++) {
      const r = m.step();
      results.push(describeResult(r));
      if (r.kind === 'halt') break;
    }
    return results;
  }
}

describe('compiled semantics on the riscv32 machine', () => {
  it('decodes most generated words (the property exercises real instructions)', () => {
    const words = fc.sample(wordArbitrary, 200);
    expect(words.filter((w) => decoder.decode(w) !== null).length).toBeGreaterThan(100);
  });

  const input = fc.tuple(
    stateArbitrary,
    fc.integer().map(windowMemory),
    fc.nat(WINDOW / 4 - PROGRAM),
    fc.array(wordArbitrary, { minLength: PROGRAM, maxLength: PROGRAM }),
  );

  it('the generated programs mostly execute: a fifth of all steps retire an instruction', () => {
    const machine = new Recorded('reference');
    const results = fc.sample(input, { numRuns: 300, seed: 1 }).flatMap(([state, memory, slot, words]) => machine.run(state, memory, slot * 4, words, PROGRAM + 1));
    expect(results.filter((r) => r === 'retired').length).toBeGreaterThan(results.length / 5);
  });

  it('any instruction words on any state: the compiled engine ends exactly where the reference does', () => {
    let reference = new Recorded('reference');
    let compiled = new Recorded('compiled');
    fc.assert(
      fc.property(input, ([state, memory, slot, words]) => {
        const steps = PROGRAM + 1;
        try {
          expect(compiled.run(state, memory, slot * 4, words, steps)).toEqual(reference.run(state, memory, slot * 4, words, steps));
          expect(compiled.accesses).toEqual(reference.accesses);
          expect(compiled.console).toEqual(reference.console);
          expect(compiled.machine.state.narrow).toEqual(reference.machine.state.narrow);
          expect(compiled.machine.state.wide).toEqual(reference.machine.state.wide);
          expect(windowOf(compiled.machine)).toEqual(windowOf(reference.machine));
        } catch (e) {
          // The two machines' devices may differ now: go on (shrinking) with a fresh pair.
          reference = new Recorded('reference');
          compiled = new Recorded('compiled');
          throw e;
        }
      }),
      { numRuns: 500 },
    );
  });
});
