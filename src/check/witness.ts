/**
 * The witness search: for each class, a fast-check property that fails exactly on a witness (a
 * state, or a pair of states, that shows the class; examine.ts), run with a seed derived from the
 * ISA, the instruction, the variant, the class and the configuration. fast-check shrinks what it
 * finds; the seed and counterexample path replay it:
 *
 *     fc.check(searchProperty(subject, kind, config), { seed, path, endOnFailure: true })
 *
 * (`replayWitness` does exactly this).
 */
import fc from 'fast-check';
import * as V from '../semantics/values.js';
import { searchArbitraries, type SearchInput } from './arbitraries.js';
import type { Configuration } from './configuration.js';
import { examine, type Observation } from './examine.js';
import type { SearchKind, Witness } from './result.js';
import { fieldsOf, type Subject } from './subject.js';

/** The property of a search: true on every input that shows nothing. */
export function searchProperty(subject: Subject, kind: SearchKind, config: Configuration): fc.IPropertyWithHooks<SearchInput> {
  const [state, modes, fields, varied] = searchArbitraries(subject, kind);
  return fc.property(state, modes, fields, varied, (s, m, f, v) => examine(subject, kind, config, [s, m, f, v]) === null);
}

export interface SearchResult {
  readonly witness: Witness | null;
  /** Runs before the witness (or all of them), shrinking not counted. */
  readonly runs: number;
}

export function search(subject: Subject, kind: SearchKind, config: Configuration, seed: number, numRuns: number): SearchResult {
  const details = fc.check(searchProperty(subject, kind, config), { seed, numRuns });
  if (!details.failed) return { witness: null, runs: details.numRuns };
  const input = details.counterexample;
  const found = input === null ? null : examine(subject, kind, config, input);
  if (input === null || found === null) {
    throw new Error(`witness search ${kind} for ${subject.name} failed without a witness: ${String(details.errorInstance)}`);
  }
  return { witness: toWitness(subject, kind, config, details.seed, details.counterexamplePath ?? '', input, found), runs: details.numRuns };
}

/** Replays a witness's seed and path under `config`; the witness it reproduces, or null if it reproduces none. */
export function replayWitness(subject: Subject, witness: Pick<Witness, 'search' | 'seed' | 'path'>, config: Configuration): Witness | null {
  const details = fc.check(searchProperty(subject, witness.search, config), { seed: witness.seed, path: witness.path, endOnFailure: true });
  // Only the value at that very path: where it shows nothing, fast-check would go on to others.
  const input = details.failed && details.counterexamplePath === witness.path ? details.counterexample : null;
  const found = input === null ? null : examine(subject, witness.search, config, input);
  return input === null || found === null ? null : toWitness(subject, witness.search, config, witness.seed, witness.path, input, found);
}

function toWitness(
  subject: Subject, kind: SearchKind, config: Configuration, seed: number, path: string, input: SearchInput, found: Observation,
): Witness {
  const isa = subject.sandbox.isa;
  const encoding = isa.instructions[subject.index]!.encoding;
  const fields: Record<string, string> = {};
  subject.free.forEach((f, i) => {
    const field = encoding.fields[f]!;
    fields[field.name] = V.hex(input[2][i] ?? 0n, field.width);
  });
  const word = subject.sandbox.word(subject.index, fieldsOf(subject, input[2]));
  return {
    search: kind, config: config.name, seed, path, counterexample: input, word: V.hex(word, encoding.width), fields, ...found,
  };
}

/** FNV-1a over the text: a 31-bit seed. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) & 0x7fffffff;
}

/** The seed of one search, from the audit's base seed. */
export function searchSeed(base: number, isa: string, subject: Subject, kind: SearchKind, config: Configuration): number {
  const suffix = config.name === 'all' ? '' : `|${config.name}`;
  return seedOf(`${base}|${isa}|${subject.name}|${subject.variant.label}|${kind}${suffix}`);
}
