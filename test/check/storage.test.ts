/**
 * The witness search's storage (src/check/storage.ts) on a chain of descriptors: `callg` reads a
 * gate and then the code-segment descriptor the gate names, of another type
 * (test/fixtures/storage/descriptor-chain.yaml). Storage where every read gives the same value can
 * never show it; storage that gives each new place read the next drawn pattern can, and the
 * witness names the blocks it took and replays from its seed and path. `callx` reads its gate and
 * code segment through one function but needs them to disagree in ten bits: only patterns keyed by
 * load site (src/check/sites.ts) show it.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import { configurationsOf } from '../../src/check/configuration.js';
import { patternArbitrary } from '../../src/check/arbitraries.js';
import { examine } from '../../src/check/examine.js';
import { Sandbox } from '../../src/check/sandbox.js';
import { siteOf } from '../../src/check/sites.js';
import { Storage } from '../../src/check/storage.js';
import { subjectOf, type Subject } from '../../src/check/subject.js';
import { variantsOf } from '../../src/check/variants.js';
import { replayWitness } from '../../src/check/witness.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';

const checked = loadCheckedIsa(join(import.meta.dirname, '../fixtures/storage/descriptor-chain.yaml'));
const sandbox = new Sandbox(checked);
const subjectNamed = (name: string): Subject => {
  const i = checked.isa.instructions.findIndex((x) => x.name === name);
  return subjectOf(sandbox, i, variantsOf(checked, i)[0]!);
};
const subject = subjectNamed('callg');
const callx = subjectNamed('callx');
const all = configurationsOf(checked.isa).all;
const audited = auditIsa(checked);
/** Bits 49..40 of a descriptor: the made-up type field `callx` tests. */
const typeField = (d: bigint): bigint => (d >> 40n) & 0x3ffn;

describe('storage for a chain of descriptors', () => {
  it('a call through a gate is witnessed control-sensitive, with two different descriptors taken from storage', () => {
    const v = audited.instructions.find((i) => i.name === 'callg')!.variants[0]!;
    expect(v.controlSensitive).toMatchObject({ value: true, evidence: 'witnessed' });
    const blocks = Object.values(v.controlSensitive.witness!.states[0]!.memory);
    expect(blocks).toHaveLength(2);
    const [gate, code] = blocks.map(BigInt) as [bigint, bigint];
    expect(gate >> 60n).toBe(0xcn);
    expect(code >> 60n).toBe(0xan);
  });

  it('the witness replays from its seed and path: the same states, storage blocks included, and the same results', () => {
    const w = audited.instructions.find((i) => i.name === 'callg')!.variants[0]!.controlSensitive.witness!;
    expect(replayWitness(subject, w, all)).toEqual(w);
  });

  it('storage where every place read gives the same pattern never shows it (a gate is not a code segment)', () => {
    fc.assert(fc.property(fc.bigInt(0n, (1n << 64n) - 1n), fc.bigInt(0n, 0xffn), fc.bigInt(0n, 0xffffffffn), (pattern, n, table) => {
      const draw = { values: subject.cells.map((c) => (c.elem.name === 'table' ? table : c.elem.reset)), storage: { seed: 0, patterns: [pattern] } };
      return examine(subject, 'controlSensitive', all, [draw, [checked.isa.userMode.value], [n], []]) === null;
    }), { seed: 1, numRuns: 2000 });
  });

  it('one function read in two contexts gives two load sites, each with its own facts: a gate 0b0101010101, a code segment 0b1010101010', () => {
    const [gateFacts, codeFacts] = callx.sites.facts;
    expect(callx.sites.facts).toHaveLength(2);
    const bitsOf = (facts: typeof gateFacts): bigint => (facts ?? []).reduce((v, f) => v | (f.values[0]! << BigInt(f.lo - 40)), 0n);
    expect(gateFacts!.every((f) => f.hi === f.lo && f.values.length === 1)).toBe(true);
    expect(bitsOf(gateFacts)).toBe(0x155n);
    expect(bitsOf(codeFacts)).toBe(0x2aan);
    // Keyed by bit position, the two reads' facts are one set: every one of those bits 0 or 1.
    for (let b = 40; b <= 49; b++) expect(callx.slices.find((f) => f.hi === b && f.lo === b)?.values).toEqual([0n, 1n]);
  });

  it('a fresh place takes the pattern of the site that first reads it, and keeps it for any later read', () => {
    const [first, second] = [...callx.sites.root.calls.keys()];
    const load = [...callx.sites.root.calls.get(first!)!.loads.keys()][0]!;
    expect(siteOf(callx.sites, [first!], load)).toBe(0);
    expect(siteOf(callx.sites, [second!], load)).toBe(1);
    const storage = new Storage({ seed: 0, patterns: [7n], sites: [0x155n << 40n, 0x2aan << 40n] }, 8, 'little', callx.sites);
    storage.touch(0x100, 64, () => true, 1);
    storage.touch(0x100, 64, () => true, 0);
    storage.touch(0x200, 64, () => true, -1);
    expect(storage.blocks.map((b) => b.value)).toEqual([0x2aan << 40n, 7n]);
  });

  it('a call through a gate and a code segment that disagree in ten bits, read by one function, is witnessed with a block of each type', () => {
    const v = audited.instructions.find((i) => i.name === 'callx')!.variants[0]!;
    expect(v.controlSensitive).toMatchObject({ value: true, evidence: 'witnessed' });
    const blocks = Object.values(v.controlSensitive.witness!.states[0]!.memory).map(BigInt);
    expect(blocks.map(typeField)).toEqual([0x155n, 0x2aan]);
  });

  it('that witness replays from its seed and path, its storage blocks included', () => {
    const w = audited.instructions.find((i) => i.name === 'callx')!.variants[0]!.controlSensitive.witness!;
    expect(replayWitness(callx, w, all)).toEqual(w);
  });

  it('patterns keyed by bit position alone (the same facts for every read) do not show it in thousands of draws', () => {
    const state = fc.record({
      values: fc.tuple(...callx.cells.map((c) => fc.constant(c.elem.reset))),
      storage: fc.record({ seed: fc.constant(0), patterns: fc.array(patternArbitrary(callx), { minLength: 1, maxLength: 8 }) }),
    });
    fc.assert(fc.property(state, fc.bigInt(0n, 0xffn), (draw, n) => examine(callx, 'controlSensitive', all, [draw, [checked.isa.userMode.value], [n], []]) === null),
      { seed: 1, numRuns: 5000 });
  });
});
