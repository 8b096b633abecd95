/**
 * fast-check arbitraries for the audit's witness search: states (the subject's cells and a memory
 * seed), modes (one, or an unordered pair), and the free instruction fields. Every value is biased
 * towards the values that make instructions take their corner cases — 0, all ones, small numbers,
 * the element's reset value, the constants of the instruction's semantics — and shrinks towards 0
 * (towards the user mode for modes), so a witness comes out short.
 */
import fc from 'fast-check';
import type { Isa } from '../isa/model.js';
import * as V from '../semantics/values.js';
import type { SearchKind } from './result.js';
import type { Subject } from './subject.js';

/** The random part of a state: cell values (in `subject.cells` order) and the memory seed. */
export interface StateDraw {
  readonly values: readonly bigint[];
  readonly memorySeed: number;
}

/** The input of every search property: a state, the mode (or pair of modes) to run it in, the free fields. */
export type SearchInput = [StateDraw, readonly number[], readonly bigint[]];

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
  const values = fc.tuple(...subject.cells.map((c) => bitsArbitrary(c.elem.width, c.elem.reset, subject.dictionary)));
  const memorySeed = fc.oneof({ withCrossShrink: true }, fc.constant(0), fc.integer({ min: 1, max: 0x7fffffff }));
  return fc.record({ values, memorySeed });
}

export function fieldsArbitrary(subject: Subject): fc.Arbitrary<readonly bigint[]> {
  const fields = subject.sandbox.isa.instructions[subject.index]!.encoding.fields;
  return fc.tuple(...subject.free.map((i) => bitsArbitrary(fields[i]!.width, 0n, subject.dictionary)));
}

/** Mode values, the user mode first (fast-check shrinks towards the first), then least to most privileged. */
export function modeOrder(isa: Isa): number[] {
  return [isa.userMode.value, ...isa.modes.map((m) => m.value).filter((v) => v !== isa.userMode.value)];
}

/** The mode choices a search ranges over: single modes, or unordered pairs of distinct modes. */
export function modeChoices(isa: Isa, kind: SearchKind): (readonly number[])[] {
  const order = modeOrder(isa);
  const user = isa.userMode.value;
  const supervisor = isa.modes[isa.modes.length - 1]!.value;
  const pairs = order.flatMap((a, i) => order.slice(i + 1).map((b) => [a, b]));
  switch (kind) {
    case 'privileged': return user === supervisor ? [[user]] : [[user], [supervisor]];
    case 'controlSensitive': return order.map((m) => [m]);
    case 'userControlSensitive': return [[user]];
    case 'modeSensitive': return pairs;
    case 'userModeSensitive': return pairs.filter((p) => p[0] === user);
    default: return exhaustive(kind);
  }
}

export function searchArbitraries(subject: Subject, kind: SearchKind): [fc.Arbitrary<StateDraw>, fc.Arbitrary<readonly number[]>, fc.Arbitrary<readonly bigint[]>] {
  return [stateArbitrary(subject), fc.constantFrom(...modeChoices(subject.sandbox.isa, kind)), fieldsArbitrary(subject)];
}

function exhaustive(x: never): never {
  throw new Error(`unhandled search ${String(x)}`);
}
