/**
 * The witness search's storage (src/check/storage.ts) on a chain of descriptors: `callg` reads a
 * gate and then the code-segment descriptor the gate names, of another type
 * (test/fixtures/storage/descriptor-chain.yaml). Storage where every read gives the same value can
 * never show it; storage that gives each new place read the next drawn pattern can, and the
 * witness names the blocks it took and replays from its seed and path.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import { configurationsOf } from '../../src/check/configuration.js';
import { examine } from '../../src/check/examine.js';
import { Sandbox } from '../../src/check/sandbox.js';
import { subjectOf } from '../../src/check/subject.js';
import { variantsOf } from '../../src/check/variants.js';
import { replayWitness } from '../../src/check/witness.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';

const checked = loadCheckedIsa(join(import.meta.dirname, '../fixtures/storage/descriptor-chain.yaml'));
const index = checked.isa.instructions.findIndex((i) => i.name === 'callg');
const subject = subjectOf(new Sandbox(checked), index, variantsOf(checked, index)[0]!);
const all = configurationsOf(checked.isa).all;

describe('storage for a chain of descriptors', () => {
  it('a call through a gate is witnessed control-sensitive, with two different descriptors taken from storage', () => {
    const v = auditIsa(checked).instructions.find((i) => i.name === 'callg')!.variants[0]!;
    expect(v.controlSensitive).toMatchObject({ value: true, evidence: 'witnessed' });
    const blocks = Object.values(v.controlSensitive.witness!.states[0]!.memory);
    expect(blocks).toHaveLength(2);
    const [gate, code] = blocks.map(BigInt) as [bigint, bigint];
    expect(gate >> 60n).toBe(0xcn);
    expect(code >> 60n).toBe(0xan);
  });

  it('the witness replays from its seed and path: the same states, storage blocks included, and the same results', () => {
    const w = auditIsa(checked).instructions.find((i) => i.name === 'callg')!.variants[0]!.controlSensitive.witness!;
    expect(replayWitness(subject, w, all)).toEqual(w);
  });

  it('storage where every place read gives the same pattern never shows it (a gate is not a code segment)', () => {
    fc.assert(fc.property(fc.bigInt(0n, (1n << 64n) - 1n), fc.bigInt(0n, 0xffn), fc.bigInt(0n, 0xffffffffn), (pattern, n, table) => {
      const draw = { values: subject.cells.map((c) => (c.elem.name === 'table' ? table : c.elem.reset)), storage: { seed: 0, patterns: [pattern] } };
      return examine(subject, 'controlSensitive', all, [draw, [checked.isa.userMode.value], [n], []]) === null;
    }), { seed: 1, numRuns: 2000 });
  });
});
