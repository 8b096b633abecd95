/**
 * fast-check arbitraries derived from a description (DESIGN.md §5): programs built from the
 * encodings' fields — so shrinking heads to small operands and to the first instruction — and
 * initial states biased to the values that matter (zero, all ones, the reset value).
 */
import fc from 'fast-check';
import { insertField } from '../isa/encoding.js';
import type { Isa, StateElement } from '../isa/model.js';

/** One instruction: which one (index into isa.instructions) and its field values. */
export interface ProgramInstruction {
  readonly index: number;
  readonly fields: readonly bigint[];
}

/** The words of a program, each `instruction.encoding.width` bits, in order. */
export function programWords(isa: Isa, program: readonly ProgramInstruction[]): { word: bigint; width: number }[] {
  return program.map((p) => {
    const e = isa.instructions[p.index]!.encoding;
    let word = e.match;
    e.fields.forEach((f, i) => { word = insertField(word, f, p.fields[i] ?? 0n); });
    return { word, width: e.width };
  });
}

/** A value of `width` bits: mostly small, sometimes zero, all ones or anything. */
function bits(width: number): fc.Arbitrary<bigint> {
  const max = (1n << BigInt(width)) - 1n;
  return fc.oneof(
    { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: max < 16n ? max : 16n }) },
    { weight: 1, arbitrary: fc.constant(max) },
    { weight: 2, arbitrary: fc.bigInt({ min: 0n, max }) },
  );
}

/**
 * An instruction of the ISA, weighted by `weight(index)` (e.g. more privileged and sensitive
 * instructions), with arbitrary field values.
 */
export function instructionArbitrary(isa: Isa, weight: (index: number) => number = () => 1): fc.Arbitrary<ProgramInstruction> {
  return fc.oneof(...isa.instructions.map((instruction, index) => ({
    weight: weight(index),
    arbitrary: fc.tuple(...instruction.encoding.fields.map((f) => bits(f.width))).map((fields) => ({ index, fields })),
  })));
}

/** Initial values for the given state elements (every element of a file), reset value included in the bias. */
export function stateArbitrary(elements: readonly StateElement[]): fc.Arbitrary<ReadonlyMap<string, readonly bigint[]>> {
  return fc.tuple(...elements.map((e) => fc.array(fc.oneof(fc.constant(e.reset), bits(e.width)), { minLength: e.count, maxLength: e.count })))
    .map((values) => new Map(elements.map((e, i) => [e.name, values[i]!])));
}
