/**
 * Fidelity of the generated VMM on RISC-V (isas/riscv32.yaml) with shadow Sv32 page tables, as
 * fast-check properties over random programs and random initial states (riscv32-cases.ts):
 * equivalence (a guest under trap-and-emulate ends exactly as on the bare machine) and resource
 * control (two guests side by side each end as alone; the real control state, and the real
 * storage outside the guests' allocations and the VMM's own tables, are untouched) and efficiency
 * (src/fuzz/efficiency.ts: every exit is a CSR access or other instruction the audit finds
 * privileged, a trap the bare machine takes too, a device access, or shadow-table work — a fill
 * that holds, or a store to a write-protected guest page table — so innocuous instructions reach
 * the VMM only as allocator or device work).
 *
 * Cases start in a random virtual mode (M, S or U) with random CSRs and a page table of random
 * entries, with satp pointing at it or not: random instructions from the encodings, and programs
 * of operations that stress the shadow tables (page-table stores, A/D updates, SUM/MXR/MPRV, satp
 * and mode changes). `npm test` runs a couple of hundred cases of each property; `npm run fuzz`
 * (FUZZ_RUNS=10000) runs 10,000 and prints the seed.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import { checkEfficiency, type EfficiencyOptions } from '../../src/fuzz/efficiency.js';
import { checkFidelity, describeCase, type GuestCase } from '../../src/fuzz/fidelity.js';
import { privilegedWords } from '../../src/fuzz/privileged-words.js';
import type { CheckedIsa } from '../../src/semantics/check-isa.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';
import type { Composer } from '../../src/vmm/allocator.js';
import type { ControlProgram } from '../../src/vmm/control-program.js';
import { shadowPageTable } from '../../src/vmm/shadow-page-table.js';
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

const EFFICIENCY: EfficiencyOptions = { strategy: 'trap-and-emulate', steps: STEPS, offset: CODE, slice: 37, privileged: privilegedWords(isa, auditIsa(full)) };

/** The efficiency law over random cases; the direct-execution ratio over all of them goes to `ratio`. */
function efficiency(guestCase: fc.Arbitrary<GuestCase>, options: EfficiencyOptions, ratio: { direct: number; steps: number; }) {
  return fc.property(guestCase, (c) => {
    const { violation, counters, steps } = checkEfficiency(machines[0]!, c, options);
    ratio.direct += counters.direct;
    ratio.steps += steps;
    if (violation !== null) throw new Error(`${violation}\nguest ${describeCase(isa, c)}\nstorage (offset=byte): ${storage(c)}`);
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

  it('efficiency: every exit is a privileged instruction, a guest fault, a device access or shadow-table work that holds', () => {
    const ratio = { direct: 0, steps: 0 };
    fc.assert(efficiency(fc.oneof(randomCase, pagingCase), EFFICIENCY, ratio), { seed: SEED + 3, numRuns: RUNS });
    console.log(`riscv32 efficiency: direct-execution ratio ${(100 * ratio.direct / ratio.steps).toFixed(2)}% of ${ratio.steps} steps`);
  }, TIMEOUT);

  it('the efficiency law catches shadow tables that forget their fills (every access refaults), which equivalence does not', () => {
    // Each resume starts the guest on fresh, empty shadow tables: every page faults again and is
    // done by the virtual step, so the guest still ends as on the bare machine.
    const spec = isa.vmm!.allocator!;
    if (spec.kind !== 'page-table') throw new Error('riscv32 declares a page-table allocator');
    let shadow = shadowPageTable(spec);
    const forgetful: Composer = {
      tableStorage: shadow.tableStorage!,
      pageSize: spec.pageSize,
      compose(v, r, a) {
        shadow = shadowPageTable(spec);
        shadow.compose(v, r, a);
      },
      afterExit: (v, r, a, exit) => shadow.afterExit!(v, r, a, exit),
      written: (a, pa, units) => shadow.written!(a, pa, units),
    };
    const found = fc.check(efficiency(pagingCase, { ...EFFICIENCY, composer: forgetful }, { direct: 0, steps: 0 }), { seed: SEED, numRuns: RUNS });
    expect(found.failed).toBe(true);
    const counterexample = found.counterexample![0];
    expect(checkEfficiency(machines[0]!, counterexample, { ...EFFICIENCY, composer: forgetful }).violation).toMatch(/the fill did not hold/);
    expect(checkFidelity(machines[0]!, [counterexample], { ...EFFICIENCY, composer: forgetful })).toBeNull();
  }, TIMEOUT);
});
