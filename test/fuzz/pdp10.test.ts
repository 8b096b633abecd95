/**
 * Fidelity of the generated VMM on the PDP-10 (isas/pdp10.yaml) under the hybrid strategy, as
 * fast-check properties over random programs built from the encodings — weighted to JRST, the
 * UUOs, the in-out instructions on APR and PI, and the jumps that save the PC word — and random
 * initial states, mode and relocation registers included: equivalence (a guest ends exactly as on
 * the bare machine) and resource control (two guests side by side each end as alone; the real
 * control state is untouched; real storage outside the allocations, the real accumulators
 * included, holds what it held) and efficiency (src/fuzz/efficiency.ts: in virtual user mode no
 * innocuous instruction exits — every exit is a trap the bare machine takes too, or an address the
 * real segment registers cannot express; a step is interpreted only in the executive, outside the
 * `vmm:` configuration, for a pending interrupt, or while no registers confine the guest). Forced
 * trap-and-emulate, the equivalence property finds the failure
 * Theorem 1 predicts: JRST 1, in virtual executive code runs in real user mode as a plain jump.
 * `npm test` runs a few hundred cases; `npm run fuzz` (FUZZ_RUNS=10000) runs 10,000 and prints
 * the seed. A failure shows the shrunk program in disassembly.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import { checkEfficiency, type EfficiencyOptions } from '../../src/fuzz/efficiency.js';
import { privilegedWords } from '../../src/fuzz/privileged-words.js';
import { instructionArbitrary, programWords, stateArbitrary, type ProgramInstruction } from '../../src/fuzz/arbitraries.js';
import { checkFidelity, describeCase, type FidelityOptions, type GuestCase } from '../../src/fuzz/fidelity.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';
import * as V from '../../src/semantics/values.js';
import type { ControlProgram } from '../../src/vmm/control-program.js';

const checked = loadCheckedIsa(join(import.meta.dirname, '../../isas/pdp10.yaml'));
const isa = checked.isa;
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 200);
const SEED = process.env['FUZZ_SEED'] === undefined ? Date.now() % 2 ** 31 : Number(process.env['FUZZ_SEED']);
/** A case takes about 10 ms (three machines of 256 Ki words each); 10,000 take minutes, not 60 s. */
const TIMEOUT = Math.max(60_000, RUNS * 40);

/** Where programs start: physical (and, unrelocated, executive) 100 octal. */
const OFFSET = 64;
const MAX_PROGRAM = 12;
const index = (name: string): number => {
  const i = isa.instructions.findIndex((x) => x.name === name);
  if (i < 0) throw new Error(`pdp10 has no instruction ${name}`);
  return i;
};

// Where a VMM can go wrong on the KA10: JRST's functions (JRST 1, enters user mode, JRSTF, HALT,
// JEN), the UUOs and their trap locations, the in-out instructions (DATAO APR loads the relocation
// registers), and the jumps that save the PC word with the User and User In-out flags in it.
const WEIGHTS = new Map<string, number>([
  ['JRST', 12], ['LUUO', 4], ['MUUO', 4], ['U100', 1], ['U247', 1],
  ['DATAO', 5], ['CONO', 5], ['CONI', 3], ['DATAI', 2], ['CONSZ', 2], ['CONSO', 2], ['BLKI', 2], ['BLKO', 2],
  ['JSR', 3], ['JSP', 3], ['PUSHJ', 3], ['POPJ', 2], ['PUSH', 2], ['POP', 2], ['MOVEM', 2], ['SETOM', 2],
]);
const IN_OUT = new Set(['DATAO', 'CONO', 'CONI', 'DATAI', 'CONSZ', 'CONSO', 'BLKI', 'BLKO'].map(index));

/**
 * Y, the address part of every instruction here (its last field, 18 bits), besides the generic
 * values: an address in the program (so that jumps stay in it, executive or user) or in a high
 * segment a Monitor would set up (400000 octal and a little above).
 */
const address: fc.Arbitrary<bigint | null> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: MAX_PROGRAM + 1 }).map((i) => BigInt(OFFSET + i)) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 0xfffn }).map((a) => 0x20000n + a) },
);

/** An instruction; an in-out one mostly to APR (device 000) or PI (004, field value 1). */
const instruction: fc.Arbitrary<ProgramInstruction> = fc
  .tuple(instructionArbitrary(isa, (i) => WEIGHTS.get(isa.instructions[i]!.name) ?? 1), fc.constantFrom(0n, 1n, null), address)
  .map(([p, dev, y]) => {
    const fields = IN_OUT.has(p.index) && dev !== null ? [dev, ...p.fields.slice(1)] : [...p.fields];
    if (y !== null) fields[fields.length - 1] = y;
    return { index: p.index, fields };
  });

/** The word of one instruction. */
const wordOf = (p: ProgramInstruction): bigint => programWords(isa, [p])[0]!.word;

/**
 * What a trap or interrupt location holds: mostly a jump that saves the PC word (JSR, JSP, PUSHJ)
 * or a plain JRST to the program's instruction `at` (taken modulo its length), so that traps come
 * back to it; sometimes any word.
 */
type TrapWord = (length: number) => bigint;
const trapWord: fc.Arbitrary<TrapWord> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('JSR', 'JSP', 'PUSHJ', 'JRST'), fc.nat(MAX_PROGRAM), fc.nat(15))
    .map(([name, at, ac]): TrapWord => (length) => wordOf({ index: index(name), fields: [BigInt(name === 'JRST' ? 0 : ac), 0n, 0n, BigInt(OFFSET + (at % length))] })) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: (1n << 36n) - 1n }).map((w): TrapWord => () => w) },
);

/**
 * The word after each copy of the program: JRST 1, to its start — from the executive it enters
 * user mode (a program that falls off its end in the executive becomes a user program), in user
 * mode it is a plain jump (a user program loops, directly).
 */
const EPILOGUE = wordOf({ index: index('JRST'), fields: [1n, 0n, 0n, BigInt(OFFSET)] });

/**
 * An accumulator's initial value: a small number (an index, a count), a pushdown pointer −n,,addr
 * that overflows after n pushes (1, 2 or 16), or any word.
 */
const acWord: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 0n, max: 40n }),
  fc.tuple(fc.constantFrom(0x3ffffn, 0x3fffen, 0x3fff0n), fc.bigInt({ min: 0x100n, max: 0x1ffn })).map(([count, at]) => (count << 18n) | at),
  fc.bigInt({ min: 0n, max: (1n << 36n) - 1n }),
);

/** Any value of the element's width, as the generic arbitrary makes it. */
const any = (name: string): fc.Arbitrary<bigint> => stateArbitrary([isa.state.get(name)!]).map((m) => m.get(name)![0]!);
const small = (max: number): fc.Arbitrary<bigint> => fc.bigInt({ min: 0n, max: BigInt(max) });

/**
 * The KA10's control and relocation state: random, or as a Monitor sets it up — a small low
 * segment, a high segment from 400000 relocated into the guest's storage, the APR on a channel
 * of a priority-interrupt system that is on (so that a user program's overflow interrupts it).
 */
const ka10State = fc.record({
  USER: fc.constantFrom(...isa.modes.map((m) => BigInt(m.value))),
  USERIO: fc.constantFrom(0n, 0n, 0n, 1n),
  PL: fc.oneof(small(3), any('PL')),
  RL: fc.oneof(small(4), any('RL')),
  PH: fc.oneof(small(7).map((k) => 128n + k), any('PH')),
  // RH = 201 + j (octal) puts high block 200 + k at guest block 1 + j + k, inside the guest's storage.
  RH: fc.oneof(small(7).map((k) => 129n + k), any('RH')),
  WPH: small(1),
  APR: fc.oneof(fc.tuple(small(6), small(1)).map(([pia, ove]) => (1n + pia) | (ove << 4n)), any('APR')),
  PI: fc.oneof(fc.constant(0xffn), fc.constant(0n), any('PI')),
  flags: fc.oneof(fc.constant(0n), any('flags')),
  POV: fc.constantFrom(0n, 0n, 1n),
}).map((s) => new Map(Object.entries(s).map(([name, v]) => [name, [v]])));

/**
 * One guest: a program at OFFSET, and — so that a program begun in user mode runs too — again at
 * OFFSET relocated by RL, each followed by EPILOGUE; random accumulators; trap words at
 * (unrelocated) 41-57 and 61, and at relocated 41 for a user program's LUUOs.
 */
const guestCase: fc.Arbitrary<GuestCase> = fc
  .record({
    program: fc.array(instruction, { minLength: 1, maxLength: MAX_PROGRAM }),
    state: ka10State,
    acs: fc.array(acWord, { minLength: 16, maxLength: 16 }),
    traps: fc.array(trapWord, { minLength: 17, maxLength: 17 }),
  })
  .map(({ program, state, acs, traps }): GuestCase => {
    const rl = Number(state.get('RL')![0]!) * 1024;
    const words = [...programWords(isa, program).map((w) => w.word), EPILOGUE];
    const trap = traps.map((t) => t(program.length));
    const memory: (readonly [number, bigint])[] = [
      ...acs.map((w, i) => [i, w] as const),
      ...trap.slice(0, 15).map((w, i) => [33 + i, w] as const),                // 41-57: the UUOs' and the interrupts' locations
      [49, trap[15]!],                                                         // 61: an unassigned code's instruction
      [(rl + 33) % 2 ** 18, trap[16]!],                                        // relocated 41: a user LUUO's
      [OFFSET + program.length, EPILOGUE],
      ...words.map((w, i) => [(rl + OFFSET + i) % 2 ** 18, w] as const),
    ];
    return { program, state, memory };
  });

/** Real storage outside every allocation — the VMM's: the real accumulators and the rest — is still 0. */
function storageOutside(cp: ControlProgram): string | null {
  const ram = cp.real.ram;
  const parts = cp.guests.map((g) => g.allocation).sort((a, b) => a.realBase - b.realBase);
  const gaps = [...parts, { realBase: ram.end, size: 0 }].map((a, i) => [i === 0 ? ram.base : parts[i - 1]!.realBase + parts[i - 1]!.size, a.realBase] as const);
  for (const [from, to] of gaps) {
    for (let pa = from; pa < to; pa++) {
      const v = ram.read(pa, isa.unit);
      if (v !== null && V.toBigInt(v) !== 0n) return `real storage at ${V.hex(pa, 18)}, in no allocation, holds ${V.hex(v, 36)}`;
    }
  }
  return null;
}

function property(guests: number, options: FidelityOptions) {
  return fc.property(fc.array(guestCase, { minLength: guests, maxLength: guests }), (cases) => {
    const difference = checkFidelity(checked, cases, options);
    if (difference !== null) {
      throw new Error(`${difference}\n${cases.map((c, i) => `guest ${i} ${describeCase(isa, c)}`).join('\n')}`);
    }
  });
}

const HYBRID: FidelityOptions = { strategy: 'hybrid', steps: 200, offset: OFFSET, slice: 13, resources: storageOutside };
const EFFICIENCY: EfficiencyOptions = { strategy: 'hybrid', steps: 200, offset: OFFSET, slice: 13, privileged: privilegedWords(isa, auditIsa(checked)) };

describe(`pdp10 under the hybrid strategy (seed ${SEED}, ${RUNS} runs; FUZZ_SEED to replay)`, () => {
  it('equivalence: a guest ends exactly as it ends on the bare machine', () => {
    fc.assert(property(1, HYBRID), { seed: SEED, numRuns: RUNS });
  }, TIMEOUT);

  it('resource control: two guests side by side each end as alone; real control state and storage outside the allocations untouched', () => {
    fc.assert(property(2, HYBRID), { seed: SEED + 1, numRuns: RUNS });
  }, TIMEOUT);

  it('efficiency: in virtual user mode no innocuous instruction exits; only the executive is interpreted', () => {
    const ratio = { direct: 0, steps: 0 };
    fc.assert(fc.property(guestCase, (c) => {
      const { violation, counters, steps } = checkEfficiency(checked, c, EFFICIENCY);
      ratio.direct += counters.direct;
      ratio.steps += steps;
      if (violation !== null) throw new Error(`${violation}\nguest ${describeCase(isa, c)}`);
    }), { seed: SEED + 2, numRuns: RUNS });
    console.log(`pdp10 efficiency: direct-execution ratio ${(100 * ratio.direct / ratio.steps).toFixed(2)}% of ${ratio.steps} steps`);
  }, TIMEOUT);
});

describe('pdp10 under a forced trap-and-emulate: Theorem 1 fails, and equivalence with it', () => {
  const executive = (program: readonly ProgramInstruction[]): GuestCase => ({ program, state: new Map([['USER', [0n]]]), memory: [] });
  const options: FidelityOptions = { strategy: 'trap-and-emulate', steps: 1, offset: OFFSET };

  it('JRST 1, from virtual executive code runs in real user mode as a plain jump: the guest never enters user mode', () => {
    const jrst1 = executive([{ index: index('JRST'), fields: [1n, 0n, 0n, 0x60n] }]);
    expect(checkFidelity(checked, [jrst1], options)).toBe('guest 0: USER: bare 0x1, under the VMM 0x0');
    // The same program under the hybrid strategy: the executive's JRST 1, is interpreted.
    expect(checkFidelity(checked, [jrst1], { ...options, strategy: 'hybrid' })).toBeNull();
  });

  it('the equivalence property, run as it is under hybrid, finds a counterexample', () => {
    const result = fc.check(property(1, { ...HYBRID, strategy: 'trap-and-emulate' }), { seed: SEED, numRuns: RUNS });
    expect(result.failed).toBe(true);
  }, TIMEOUT);
});
