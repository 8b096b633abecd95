/**
 * Fidelity of the generated VMM on Popek & Goldberg's machine (isas/pg3.yaml), as fast-check
 * properties over random programs built from the encodings and random initial states:
 * equivalence (a guest under trap-and-emulate ends exactly as on the bare machine) and resource
 * control (two guests side by side each end as alone; the real control state is untouched).
 * `npm test` runs a few hundred cases; `npm run fuzz` (FUZZ_RUNS=10000) runs 10,000 and prints
 * the seed. A failure shows the shrunk program in disassembly.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';
import { instructionArbitrary, stateArbitrary } from '../../src/fuzz/arbitraries.js';
import { checkFidelity, describeCase, type GuestCase } from '../../src/fuzz/fidelity.js';
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
});
