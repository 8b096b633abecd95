/**
 * Fidelity of the generated VMM on RISC-V (isas/riscv32.yaml) with shadow Sv32 page tables, as
 * fast-check properties over random programs and random initial states (riscv32-cases.ts):
 * equivalence (a guest under trap-and-emulate ends exactly as on the bare machine) and resource
 * control (two guests side by side each end as alone; the real control state, and the real
 * storage outside the guests' allocations and the VMM's own tables, are untouched).
 *
 * Cases start in a random virtual mode (M, S or U) with random CSRs and a page table of random
 * entries, with satp pointing at it or not: random instructions from the encodings, and programs
 * of operations that stress the shadow tables (page-table stores, A/D updates, SUM/MXR/MPRV, satp
 * and mode changes). `npm test` runs a couple of hundred cases of each property; `npm run fuzz`
 * (FUZZ_RUNS=10000) runs 10,000 and prints the seed.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { checkFidelity, describeCase, type GuestCase } from '../../src/fuzz/fidelity.js';
import type { CheckedIsa } from '../../src/semantics/check-isa.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';
import type { ControlProgram } from '../../src/vmm/control-program.js';
import { CODE, caseArbitraries } from './riscv32-cases.js';

const full = loadCheckedIsa(join(import.meta.dirname, '../../isas/riscv32.yaml'));
/**
 * The description on a real machine with room for `guests` guests of 4 MiB (the allocation
 * granule) and a MiB of VMM storage each for their shadow tables. (The shipped board's 128 MiB
 * would make every case allocate and compare 128 MiB of storage.)
 */
function machineFor(guests: number): CheckedIsa {
  const board = full.isa.board!;
  return { ...full, isa: { ...full.isa, board: { ...board, ram: { base: board.ram.base, size: guests * (5 << 20) } } } };
}
const machines = [machineFor(1), machineFor(2)];
const isa = full.isa;
const { randomCase, pagingCase } = caseArbitraries(isa);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 200);
const SEED = process.env['FUZZ_SEED'] === undefined ? Date.now() % 2 ** 31 : Number(process.env['FUZZ_SEED']);
const STEPS = 300;
/** Each property's time limit: 10,000 cases take minutes, more than vitest's default of a minute. */
const TIMEOUT = Math.max(60_000, RUNS * 100);

/** Real storage that neither a guest's allocation nor its VMM storage covers must stay zero. */
function untouched(cp: ControlProgram): string | null {
  const ram = cp.real.ram;
  const owned = cp.guests
    .flatMap((g) => [{ base: g.allocation.realBase, size: g.allocation.size }, ...(g.allocation.vmm ? [g.allocation.vmm] : [])])
    .sort((a, b) => a.base - b.base);
  let pa = ram.base;
  for (const next of [...owned, { base: ram.end, size: 0 }]) {
    for (; pa < next.base; pa += 4) if (ram.read(pa, 32) !== 0) return `real storage at 0x${pa.toString(16)}, outside every allocation, changed`;
    pa = Math.max(pa, next.base + next.size);
  }
  return null;
}

/** The case's storage other than the program and its repetitions, as offset=byte. */
const storage = (c: GuestCase): string =>
  c.memory.filter(([o]) => o < CODE || o >= CODE + 0x1000).map(([o, v]) => `${o.toString(16)}=${v.toString(16)}`).join(' ');

function property(guestCase: fc.Arbitrary<GuestCase>, guests: number) {
  return fc.property(fc.array(guestCase, { minLength: guests, maxLength: guests }), (cases) => {
    const difference = checkFidelity(machines[guests - 1]!, cases, { strategy: 'trap-and-emulate', steps: STEPS, offset: CODE, slice: 37, resources: untouched });
    if (difference !== null) {
      throw new Error(`${difference}\n${cases.map((c, i) => `guest ${i} ${describeCase(isa, c)}\nstorage (offset=byte): ${storage(c)}`).join('\n')}`);
    }
  });
}

describe(`riscv32 under trap-and-emulate with shadow Sv32 tables (seed ${SEED}, ${RUNS} runs; FUZZ_SEED to replay)`, () => {
  it('equivalence: a random program ends exactly as it ends on the bare machine', () => {
    fc.assert(property(randomCase, 1), { seed: SEED, numRuns: RUNS });
  }, TIMEOUT);

  it('equivalence: page-table stores, A/D, SUM/MXR/MPRV, satp and mode changes end as on the bare machine', () => {
    fc.assert(property(pagingCase, 1), { seed: SEED + 1, numRuns: RUNS });
  }, TIMEOUT);

  it('resource control: two guests side by side each end as alone; real control state and storage untouched', () => {
    fc.assert(property(fc.oneof(randomCase, pagingCase), 2), { seed: SEED + 2, numRuns: RUNS });
  }, TIMEOUT);
});
