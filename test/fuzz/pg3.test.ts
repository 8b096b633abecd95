/**
 * Fidelity of the generated VMM on Popek & Goldberg's machine (isas/pg3.yaml), as fast-check
 * properties over random programs built from the encodings and random initial states:
 * equivalence (a guest under trap-and-emulate ends exactly as on the bare machine), resource
 * control (two guests side by side each end as alone; the real control state is untouched) and
 * efficiency (src/fuzz/efficiency.ts: every exit is a privileged instruction the audit finds
 * privileged or a trap the bare machine takes too; P&G's composed relocation is exact, so no
 * exit is allocator work and innocuous instructions never reach the VMM).
 * `npm test` runs a few hundred cases; `npm run fuzz` (FUZZ_RUNS=10000) runs 10,000 and prints
 * the seed. A failure shows the shrunk program in disassembly.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';
import { instructionArbitrary, stateArbitrary } from '../../src/fuzz/arbitraries.js';
import { checkEfficiency, type EfficiencyOptions } from '../../src/fuzz/efficiency.js';
import { checkFidelity, describeCase, type GuestCase } from '../../src/fuzz/fidelity.js';
import { privilegedWords } from '../../src/fuzz/privileged-words.js';
import type { Composer } from '../../src/vmm/allocator.js';
import { relocationBounds } from '../../src/vmm/relocation-bounds.js';

const checked = loadCheckedIsa(join(import.meta.dirname, '../../isas/pg3.yaml'));
const isa = checked.isa;
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 200);
const SEED = process.env['FUZZ_SEED'] === undefined ? Date.now() % 2 ** 31 : Number(process.env['FUZZ_SEED']);

// Privileged and sensitive instructions and traps are where a VMM can go wrong: weight them.
const SYSTEM = new Set(['lpsw', 'rpsw', 'halt', 'svc']);
const instruction = instructionArbitrary(isa, (i) => (SYSTEM.has(isa.instructions[i]!.name) ? 6 : 1));
const mode = fc.constantFrom(...isa.modes.map((m) => [BigInt(m.value)]));

const guestCase: fc.Arbitrary<GuestCase> = fc.record({
  program: fc.array(instruction, { minLength: 1, maxLength: 12 }),
  state: fc.tuple(stateArbitrary([isa.state.get('GR')!, isa.state.get('R')!]), mode)
    .map(([s, m]) => new Map([...s, ['mode', m]])),
  // E[1] is the new PSW a trap loads (P&G §2): random, so traps go somewhere.
  memory: fc.bigInt({ min: 0n, max: 0xffffffffn }).map((psw) => [[1, psw] as const]),
});

function property(guests: number) {
  return fc.property(fc.array(guestCase, { minLength: guests, maxLength: guests }), (cases) => {
    const difference = checkFidelity(checked, cases, { strategy: 'trap-and-emulate', steps: 200, offset: 16, slice: 13 });
    if (difference !== null) {
      throw new Error(`${difference}\n${cases.map((c, i) => `guest ${i} ${describeCase(isa, c)}`).join('\n')}`);
    }
  });
}

const EFFICIENCY: EfficiencyOptions = { strategy: 'trap-and-emulate', steps: 200, offset: 16, slice: 13, privileged: privilegedWords(isa, auditIsa(checked)) };

/** The efficiency law over random cases; the direct-execution ratio over all of them goes to `ratio`. */
function efficiency(options: EfficiencyOptions, ratio: { direct: number; steps: number; }) {
  return fc.property(guestCase, (c) => {
    const { violation, counters, steps } = checkEfficiency(checked, c, options);
    ratio.direct += counters.direct;
    ratio.steps += steps;
    if (violation !== null) throw new Error(`${violation}\nguest ${describeCase(isa, c)}`);
  });
}

describe(`pg3 under trap-and-emulate (seed ${SEED}, ${RUNS} runs; FUZZ_SEED to replay)`, () => {
  it('equivalence: a guest ends exactly as it ends on the bare machine', () => {
    fc.assert(property(1), { seed: SEED, numRuns: RUNS });
  });

  it('resource control: two guests side by side each end as alone, the real control state untouched', () => {
    fc.assert(property(2), { seed: SEED + 1, numRuns: RUNS });
  });

  it('the properties catch a VMM that forgets to add the allocation to the relocation base', () => {
    // Both guests load E[0x105] through R = (0, 2); each has its own value there. Guest 1 lives
    // at a nonzero real base, so without the allocation added it reads guest 0's word.
    const load = isa.instructions.findIndex((i) => i.name === 'load');
    const guest = (value: bigint): GuestCase => ({
      program: [{ index: load, fields: [1n, 0n, 0x105n] }],
      state: new Map([['R', [0x0002n]], ['mode', [1n]]]),
      memory: [[0x105, value]],
    });
    const options = { strategy: 'trap-and-emulate' as const, steps: 3, offset: 0x100 };
    expect(checkFidelity(checked, [guest(0x1111n), guest(0x2222n)], options)).toBeNull();
    const spec = isa.vmm!.allocator!;
    if (spec.kind !== 'relocation-bounds') throw new Error('pg3 declares a relocation-bounds allocator');
    const forgetful: Composer = { compose: (v, r, a) => relocationBounds(spec).compose(v, r, { realBase: 0, size: a.size }) };
    expect(checkFidelity(checked, [guest(0x1111n), guest(0x2222n)], { ...options, composer: forgetful })).toMatch(/^guest 1: GR\[1\]: bare 0x00002222, under the VMM 0x00001111/);
  });

  it('efficiency: every exit is for a privileged instruction or a guest fault; innocuous instructions never reach the VMM', () => {
    const ratio = { direct: 0, steps: 0 };
    fc.assert(efficiency(EFFICIENCY, ratio), { seed: SEED + 2, numRuns: RUNS });
    console.log(`pg3 efficiency: direct-execution ratio ${(100 * ratio.direct / ratio.steps).toFixed(2)}% of ${ratio.steps} steps`);
  });

  it('the efficiency law catches a VMM whose allocator makes innocuous instructions exit, which equivalence does not', () => {
    // A nervous allocator: every third resume it gives the guest no legal address at all, so the
    // next instruction faults on the real machine and the VMM does it on the virtual one.
    const spec = isa.vmm!.allocator!;
    if (spec.kind !== 'relocation-bounds') throw new Error('pg3 declares a relocation-bounds allocator');
    const exact = relocationBounds(spec);
    let resumes = 0;
    const nervous: Composer = {
      compose(v, r, a) {
        exact.compose(v, r, a);
        if (++resumes % 3 === 0) r.writeReg(isa.state.get('R')!, 0);
      },
    };
    const add = isa.instructions.findIndex((i) => i.name === 'add');
    const lpsw = isa.instructions.findIndex((i) => i.name === 'lpsw');
    // User mode, R = (0, 1): adds, then an lpsw that traps (a guest fault) and resumes the loop.
    const loop: GuestCase = {
      program: [{ index: add, fields: [1n, 1n, 0n] }, { index: add, fields: [2n, 2n, 0n] }, { index: lpsw, fields: [0n, 0n, 0n] }],
      state: new Map([['R', [0x0001n]], ['mode', [0n]]]),
      memory: [[1, 0x0010_0001n]],   // the new PSW: user mode, P = 16, R = (0, 1)
    };
    const options = { ...EFFICIENCY, steps: 30, slice: 1000 };
    expect(checkEfficiency(checked, loop, options).violation).toBeNull();
    expect(checkFidelity(checked, [loop], { ...options, composer: nervous })).toBeNull();
    resumes = 0;
    expect(checkEfficiency(checked, loop, { ...options, composer: nervous }).violation).toMatch(/the bare machine completes and the allocator did nothing for/);
    // And the property, run as it is, finds such a case among random programs.
    const found = fc.check(efficiency({ ...EFFICIENCY, composer: nervous }, { direct: 0, steps: 0 }), { seed: SEED, numRuns: RUNS });
    expect(found.failed).toBe(true);
  });

  it('the efficiency law catches a VMM that interprets what it could run directly, by its own (false) claim', () => {
    // A composer that says it can confine no state: every step is interpreted, faithfully.
    const spec = isa.vmm!.allocator!;
    if (spec.kind !== 'relocation-bounds') throw new Error('pg3 declares a relocation-bounds allocator');
    const timid: Composer = { ...relocationBounds(spec), confines: () => false };
    const add = isa.instructions.findIndex((i) => i.name === 'add');
    const sums: GuestCase = { program: [{ index: add, fields: [1n, 1n, 0n] }], state: new Map([['R', [0x0001n]], ['mode', [0n]]]), memory: [] };
    const options = { ...EFFICIENCY, steps: 5, slice: 1000 };
    expect(checkEfficiency(checked, sums, options).violation).toBeNull();
    expect(checkFidelity(checked, [sums], { ...options, composer: timid })).toBeNull();
    expect(checkEfficiency(checked, sums, { ...options, composer: timid }).violation).toMatch(/unconfinable, but the composer confines this state/);
  });

  it('the efficiency law consults the audit: with no instruction privileged, an emulated lpsw breaks it', () => {
    const lpsw = isa.instructions.findIndex((i) => i.name === 'lpsw');
    const supervisor: GuestCase = { program: [{ index: lpsw, fields: [0n, 0n, 0x20n] }], state: new Map([['mode', [1n]]]), memory: [] };
    const options = { ...EFFICIENCY, steps: 1 };
    expect(checkEfficiency(checked, supervisor, options).violation).toBeNull();
    expect(checkEfficiency(checked, supervisor, { ...options, privileged: () => false }).violation).toMatch(/the audit does not find it privileged/);
  });
});
