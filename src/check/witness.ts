/**
 * The witness search: for each class, a fast-check property that fails exactly on a witness (a
 * state, or a pair of states differing only in mode, that shows the class), run with a seed
 * derived from the ISA, the instruction, the variant and the class. fast-check shrinks what it
 * finds; the seed and counterexample path replay it:
 *
 *     fc.check(searchProperty(subject, kind), { seed, path, endOnFailure: true })
 *
 * (`replayWitness` does exactly this). A state where the instruction takes a memory trap, or where
 * the interpreter reports a fault in the description, is excluded (DESIGN.md §3).
 */
import fc from 'fast-check';
import * as V from '../semantics/values.js';
import { searchArbitraries, type SearchInput } from './arbitraries.js';
import { changedCells, effects, modeName, visibleDifferences, witnessState } from './observe.js';
import { CONTROL_ROLES } from './proofs.js';
import type { Difference, SearchKind, Witness, WitnessState } from './result.js';
import type { Outcome, SandboxState } from './sandbox.js';
import { fieldsOf, stateOf, type Subject } from './subject.js';

/** What a witness shows, in words and differences. */
export interface Finding {
  readonly summary: string;
  readonly states: readonly WitnessState[];
  readonly differences: readonly Difference[];
}

function excluded(o: Outcome): boolean {
  return o.kind === 'error' || (o.kind === 'trap' && o.cause.memory);
}

/** Run the subject on `input` and say what it shows for `kind`; null when it shows nothing. */
export function examine(subject: Subject, kind: SearchKind, input: SearchInput): Finding | null {
  const isa = subject.sandbox.isa;
  const [draw, modes, free] = input;
  const fields = fieldsOf(subject, free);
  const run = (mode: number): [SandboxState, Outcome] => {
    const s = stateOf(subject, draw.values, draw.memorySeed, mode);
    return [s, subject.sandbox.run(subject.index, fields, s)];
  };
  const [s, o] = run(modes[0]!);
  if (excluded(o)) return null;
  const mode = modeName(isa, modes[0]!);
  switch (kind) {
    case 'privileged': {
      const inUser = modes[0] === isa.userMode.value;
      if (inUser && o.kind === 'completed') {
        return { summary: `completes in user mode ${mode}`, states: [witnessState(isa, s)], differences: effects(isa, s, o) };
      }
      if (!inUser && o.kind === 'trap') {
        return { summary: `traps (${o.cause.name}) in supervisor mode ${mode}`, states: [witnessState(isa, s)], differences: [] };
      }
      return null;
    }
    case 'controlSensitive':
    case 'userControlSensitive': {
      if (o.kind !== 'completed') return null;
      const changed = changedCells(isa, s.store, o.after, CONTROL_ROLES);
      if (changed.length === 0) return null;
      const where = changed.map((d) => d.location).join(', ');
      return { summary: `changes ${where} without trapping in mode ${mode}`, states: [witnessState(isa, s)], differences: changed };
    }
    case 'modeSensitive':
    case 'userModeSensitive': {
      if (o.kind !== 'completed') return null;
      const [t, p] = run(modes[1]!);
      if (p.kind !== 'completed') return null;
      const diff = visibleDifferences(isa, o, p);
      if (diff.length === 0) return null;
      const where = diff.map((d) => d.location).join(', ');
      return {
        summary: `${where} differ${diff.length === 1 ? 's' : ''} between modes ${mode} and ${modeName(isa, modes[1]!)}`,
        states: [witnessState(isa, s), witnessState(isa, t)],
        differences: diff,
      };
    }
    default:
      return exhaustive(kind);
  }
}

/** The property of a search: true on every input that shows nothing. */
export function searchProperty(subject: Subject, kind: SearchKind): fc.IPropertyWithHooks<SearchInput> {
  const [state, modes, fields] = searchArbitraries(subject, kind);
  return fc.property(state, modes, fields, (s, m, f) => examine(subject, kind, [s, m, f]) === null);
}

export interface SearchResult {
  readonly witness: Witness | null;
  /** Runs before the witness (or all of them), shrinking not counted. */
  readonly runs: number;
}

export function search(subject: Subject, kind: SearchKind, seed: number, numRuns: number): SearchResult {
  const details = fc.check(searchProperty(subject, kind), { seed, numRuns });
  if (!details.failed) return { witness: null, runs: details.numRuns };
  const input = details.counterexample;
  const finding = input === null ? null : examine(subject, kind, input);
  if (input === null || finding === null) {
    throw new Error(`witness search ${kind} for ${subject.name} failed without a witness: ${String(details.errorInstance)}`);
  }
  return { witness: toWitness(subject, kind, details.seed, details.counterexamplePath ?? '', input, finding), runs: details.numRuns };
}

/** Replays a witness's seed and path; the counterexample it reproduces, or null if it does not. */
export function replayWitness(subject: Subject, witness: Witness): SearchInput | null {
  const details = fc.check(searchProperty(subject, witness.search), { seed: witness.seed, path: witness.path, endOnFailure: true });
  return details.failed ? details.counterexample : null;
}

function toWitness(subject: Subject, kind: SearchKind, seed: number, path: string, input: SearchInput, finding: Finding): Witness {
  const isa = subject.sandbox.isa;
  const encoding = isa.instructions[subject.index]!.encoding;
  const fields: Record<string, string> = {};
  subject.free.forEach((f, i) => {
    const field = encoding.fields[f]!;
    fields[field.name] = V.hex(input[2][i] ?? 0n, field.width);
  });
  const word = subject.sandbox.word(subject.index, fieldsOf(subject, input[2]));
  return { search: kind, seed, path, counterexample: input, word: V.hex(word, isa.instructionWidth), fields, ...finding };
}

/** FNV-1a over the text: a 31-bit seed. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) & 0x7fffffff;
}

/** The seed of one search, from the audit's base seed. */
export function searchSeed(base: number, isa: string, subject: Subject, kind: SearchKind): number {
  return seedOf(`${base}|${isa}|${subject.name}|${subject.variant.label}|${kind}`);
}

function exhaustive(x: never): never {
  throw new Error(`unhandled search ${String(x)}`);
}
