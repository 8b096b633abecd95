/**
 * fast-check arbitraries for the audit's witness search: states (the subject's cells and a memory
 * seed), modes (one, or an unordered pair), the free instruction fields, and — for a pair that
 * differs in relocation, control or timing state — the second state's values of those cells.
 * Every value is biased towards the values that make instructions take their corner cases — 0,
 * all ones, small numbers, the element's reset value, the constants of the instruction's
 * semantics — and shrinks towards 0 (towards the user mode for modes), so a witness comes out short.
 */
import fc from 'fast-check';
import { extractField, insertField } from '../isa/encoding.js';
import * as V from '../semantics/values.js';
import type { SearchKind } from './result.js';
import { modeChoices, variedCells } from './searches.js';
import { applyFacts, type SliceFact } from './slices.js';
import type { StorageDraw } from './storage.js';
import type { Subject } from './subject.js';

/** The random part of a state: cell values (in `subject.cells` order) and its storage (storage.ts). */
export interface StateDraw {
  readonly values: readonly bigint[];
  readonly storage: StorageDraw;
}

/** Patterns in one storage draw: enough for a chain of reads (gate, code segment, TSS stack pointer and selector, stack segment). */
const MAX_PATTERNS = 8;

/**
 * The input of every search property: a state, the mode (or pair of modes) to run it in, the free
 * fields (in `subject.free` order), and the varied cells' values in the pair's second state (in
 * `variedCells` order, null where it keeps the first state's value; empty when the search is not
 * such a pair).
 */
export type SearchInput = [StateDraw, readonly number[], readonly bigint[], readonly (bigint | null)[]];

/** A `width`-bit value, biased to 0, all ones, small values, `reset` and the `dictionary`; shrinks to 0. */
export function bitsArbitrary(width: number, reset: bigint, dictionary: readonly bigint[]): fc.Arbitrary<bigint> {
  const max = V.maskOf(width);
  const small = max < 16n ? max : 16n;
  const words = dictionary.filter((d) => d <= max);
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(0n), weight: 3 },
    { arbitrary: fc.bigInt(0n, small), weight: 3 },
    { arbitrary: fc.constant(max), weight: 1 },
    { arbitrary: fc.constant(reset), weight: 1 },
    { arbitrary: words.length > 0 ? fc.constantFrom(...words) : fc.constant(reset), weight: 2 },
    { arbitrary: fc.bigInt(0n, max), weight: 4 },
  );
}

export function stateArbitrary(subject: Subject): fc.Arbitrary<StateDraw> {
  const anywhere = fc.tuple(...subject.cells.map((c) => bitsArbitrary(c.elem.width, c.elem.reset, subject.dictionary)));
  // Near reset: most cells keep their reset values — a consistent machine (flat segments, tables
  // in place) in which a check on the few drawn anew is the one that decides.
  const nearReset = fc.tuple(...subject.cells.map((c) => fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(c.elem.reset), weight: 7 },
    { arbitrary: bitsArbitrary(c.elem.width, c.elem.reset, subject.dictionary), weight: 1 },
  )));
  const values = fc.oneof({ withCrossShrink: true }, anywhere, nearReset);
  const none: readonly bigint[] = [];
  // An instruction that never reads storage cannot tell one storage from another.
  const storage: fc.Arbitrary<StorageDraw> = !subject.readsStorage ? fc.constant({ seed: 0, patterns: none }) : fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant({ seed: 0, patterns: none }), weight: 1 },
    { arbitrary: fc.record({ seed: fc.integer({ min: 1, max: 0x7fffffff }), patterns: fc.constant(none) }), weight: 1 },
    { arbitrary: patternedArbitrary(subject), weight: 4 },
  );
  return fc.record({ values, storage });
}

/**
 * Storage from patterns: the patterns reads take in order, biased by the slices tested at any bit
 * position, and one pattern for each load site whose value is tested, biased by that site's own
 * facts (sites.ts; absent when there are none).
 */
function patternedArbitrary(subject: Subject): fc.Arbitrary<StorageDraw> {
  const patterns = fc.array(patternArbitrary(subject), { minLength: 1, maxLength: MAX_PATTERNS });
  const sites = subject.sites.facts;
  if (sites.length === 0) return fc.record({ seed: fc.constant(0), patterns });
  return fc.record({ seed: fc.constant(0), patterns, sites: fc.tuple(...sites.map((f) => patternArbitrary(subject, f))) });
}

/**
 * A 64-bit storage pattern: a value biased like any other (bitsArbitrary), then each of `facts`
 * (the slices the semantics test, slices.ts: by default at any bit position), independently with
 * probability ⅞, set to one of its values.
 */
export function patternArbitrary(subject: Subject, facts: readonly SliceFact[] = subject.slices): fc.Arbitrary<bigint> {
  const base = bitsArbitrary(64, 0n, subject.dictionary);
  if (facts.length === 0) return base;
  const choices = fc.tuple(...facts.map((f) => fc.option(factValue(f), { freq: 8, nil: null })));
  return fc.tuple(base, choices).map(([b, c]) => applyFacts(b, facts, c));
}

/** A value for a fact's slice: one of its values, or any value it must avoid not (a non-null selector). */
function factValue(f: SliceFact): fc.Arbitrary<bigint> {
  if (f.values.length > 0) return fc.constantFrom(...f.values);
  const avoid = f.avoid ?? [];
  return fc.bigInt(0n, V.maskOf(f.hi - f.lo + 1)).filter((v) => !avoid.includes(v));
}

/**
 * The free fields, as the instruction word carries them (a bit no piece of the encoding supplies
 * is 0); a field of an `other` selection never takes a named value.
 */
export function fieldsArbitrary(subject: Subject): fc.Arbitrary<readonly bigint[]> {
  const fields = subject.sandbox.isa.instructions[subject.index]!.encoding.fields;
  return fc.tuple(...subject.free.map((i) => {
    const field = fields[i]!;
    const bits = bitsArbitrary(field.width, 0n, subject.dictionary).map((v) => extractField(insertField(0n, field, v), field));
    const excluded = subject.excluded.get(i);
    return excluded === undefined ? bits : bits.filter((v) => !excluded.has(v));
  }));
}

/**
 * The second state's values of the varied cells: mostly the first state's (null), so the two
 * states tend to differ in one or two cells and a guard on the others passes in both; shrinks
 * towards null.
 */
export function variedArbitrary(subject: Subject, kind: SearchKind): fc.Arbitrary<readonly (bigint | null)[]> {
  return fc.tuple(...variedCells(subject, kind).map((c) => fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(null), weight: 3 },
    { arbitrary: bitsArbitrary(c.elem.width, c.elem.reset, subject.dictionary), weight: 1 },
  )));
}

export function searchArbitraries(subject: Subject, kind: SearchKind): [
  fc.Arbitrary<StateDraw>, fc.Arbitrary<readonly number[]>, fc.Arbitrary<readonly bigint[]>, fc.Arbitrary<readonly (bigint | null)[]>,
] {
  const varied = variedArbitrary(subject, kind);
  return [stateArbitrary(subject), fc.constantFrom(...modeChoices(subject.sandbox.isa, kind)), fieldsArbitrary(subject), varied];
}
